package org.mtlab.trainer;

import java.time.Duration;
import org.jboss.logging.Logger;
import org.mtlab.kafka.FailureClassifier;
import org.mtlab.kafka.RetryPolicy;

/**
 * Tries a run until it has an outcome: a transient failure ({@link FailureClassifier}) is tried again — from the run's
 * checkpoint, since each try resumes from it — after the {@link RetryPolicy}'s backoff; a permanent one, or a
 * transient one past the policy, is given up with the reason. Hand-written rather than a Fault Tolerance retry: the
 * backoff must end the moment the run's partition is revoked, without interrupting a thread that may be writing a
 * checkpoint.
 */
final class RunRetries {
    private static final Logger LOG = Logger.getLogger(RunRetries.class);

    /** The run stopped at a step boundary (its partition moved, or the trainer is closing); it has a checkpoint. */
    static final class Stopped extends Exception {
        Stopped() {
            super("stopped: the trainer is closing or the run's partition was handed over", null, false, false);
        }
    }

    /** One try: trains the run and publishes its outcome, or throws. */
    @FunctionalInterface
    interface Attempt {
        void run() throws Exception;
    }

    /** Waits up to the delay; true when the run must stop instead. */
    @FunctionalInterface
    interface Backoff {
        boolean waitOrStop(Duration delay);
    }

    /** Reports the run FAILED with the reason; true once its outcome is out, false when it stopped first. */
    @FunctionalInterface
    interface GiveUp {
        boolean giveUp(String reason, Exception cause);
    }

    private final RetryPolicy policy;
    private final FailureClassifier classifier;

    RunRetries(RetryPolicy policy, FailureClassifier classifier) {
        this.policy = policy;
        this.classifier = classifier;
    }

    /** True when the run has an outcome (a given-up run's FAILED included), false when it stopped. */
    boolean untilOutcome(String run, Attempt attempt, Backoff backoff, GiveUp giveUp) {
        int failures = 0;
        long firstFailure = 0;
        while (true) {
            try {
                attempt.run();
                return true;
            } catch (Stopped stopped) {
                return false;
            } catch (Exception e) {
                long now = System.nanoTime();
                if (++failures == 1) {
                    firstFailure = now;
                }
                FailureClassifier.Failure failure = classifier.classify(e);
                Duration failingFor = Duration.ofNanos(now - firstFailure);
                if (!failure.permanent() && !policy.exhausted(failures, failingFor)) {
                    Duration delay = policy.delayAfter(failures);
                    LOG.warnf("run %s failed transiently (try %d), again in %d ms: %s", run, failures, delay.toMillis(),
                            failure.reason());
                    if (backoff.waitOrStop(delay)) {
                        return false;
                    }
                    continue;
                }
                String reason = failure.permanent() ? failure.reason() : "gave up after " + failures + " tries in "
                        + failingFor.toSeconds() + " s; last failure, transient: " + failure.reason();
                return giveUp.giveUp(reason, e);
            }
        }
    }
}
