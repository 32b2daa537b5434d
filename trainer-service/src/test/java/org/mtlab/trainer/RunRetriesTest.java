package org.mtlab.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.ContractException;
import org.mtlab.kafka.FailureClassifier;
import org.mtlab.kafka.RetryPolicy;

/** How a run is tried again: each case counts the tries, the waits between them and what is given up. */
class RunRetriesTest {
    /** 100 ms doubling up to 350 ms, 4 tries, a budget far above the test's waits (which are only recorded). */
    private final RunRetries retries = new RunRetries(
            new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(350), 4, Duration.ofMinutes(10)),
            FailureClassifier.standard());
    private final List<Duration> waits = new ArrayList<>();
    private final List<String> givenUp = new ArrayList<>();
    private final AtomicInteger tries = new AtomicInteger();

    private boolean run(RunRetries.Attempt attempt, boolean stopInWait) {
        return retries.untilOutcome("run-1", () -> {
            tries.incrementAndGet();
            attempt.run();
        }, delay -> {
            waits.add(delay);
            return stopInWait;
        }, (reason, cause) -> givenUp.add(reason));
    }

    @Test
    void transientFailuresAreTriedAgainAfterADoublingBackoffUntilTheRunHasItsOutcome() {
        boolean outcome = run(() -> {
            if (tries.get() < 3) {
                throw new IOException("broker unreachable");
            }
        }, false);
        assertTrue(outcome);
        assertEquals(3, tries.get());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), waits);
        assertTrue(givenUp.isEmpty());
    }

    @Test
    void aTransientFailurePastTheAttemptLimitIsGivenUpWithHowOftenItWasTried() {
        boolean outcome = run(() -> {
            throw new IOException("broker unreachable");
        }, false);
        assertTrue(outcome, "a given-up run has its outcome: FAILED");
        assertEquals(4, tries.get());
        // 100, 200, then capped at 350 ms: no wait after the last try
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350)), waits);
        assertEquals(1, givenUp.size());
        assertTrue(givenUp.get(0).startsWith("gave up after 4 tries in 0 s; last failure, transient: "), givenUp.get(0));
        assertTrue(givenUp.get(0).contains("broker unreachable"), givenUp.get(0));
    }

    @Test
    void aPermanentFailureIsGivenUpAtOnce() {
        boolean outcome = run(() -> {
            throw new ContractException("seed", "must be a number");
        }, false);
        assertTrue(outcome);
        assertEquals(1, tries.get());
        assertTrue(waits.isEmpty());
        assertEquals(1, givenUp.size());
        assertFalse(givenUp.get(0).startsWith("gave up"), givenUp.get(0));
        assertTrue(givenUp.get(0).contains("seed"), givenUp.get(0));
    }

    @Test
    void aRunStoppedDuringItsBackoffEndsWithoutAnOutcome() {
        boolean outcome = run(() -> {
            throw new IOException("broker unreachable");
        }, true);
        assertFalse(outcome, "stopped: its partition's new holder resumes it");
        assertEquals(1, tries.get());
        assertTrue(givenUp.isEmpty());
    }

    @Test
    void aRunStoppedAtAStepBoundaryEndsWithoutAnOutcomeOrARetry() {
        boolean outcome = run(() -> {
            throw new RunRetries.Stopped();
        }, false);
        assertFalse(outcome);
        assertEquals(1, tries.get());
        assertTrue(waits.isEmpty());
        assertTrue(givenUp.isEmpty());
    }
}
