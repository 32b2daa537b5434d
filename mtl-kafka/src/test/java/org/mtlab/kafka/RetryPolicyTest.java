package org.mtlab.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void delaysDoubleUpToTheMaximum() {
        RetryPolicy p = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 10, Duration.ofMinutes(1));
        assertEquals(Duration.ofMillis(100), p.delayAfter(1));
        assertEquals(Duration.ofMillis(200), p.delayAfter(2));
        assertEquals(Duration.ofMillis(800), p.delayAfter(4));
        assertEquals(Duration.ofSeconds(1), p.delayAfter(5));
        assertEquals(Duration.ofSeconds(1), p.delayAfter(1000));
    }

    @Test
    void givesUpAtTheAttemptLimitOrTheTimeBudgetWhicheverComesFirst() {
        RetryPolicy p = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 5, Duration.ofSeconds(30));
        assertFalse(p.exhausted(4, Duration.ofSeconds(29)));
        assertTrue(p.exhausted(5, Duration.ZERO));
        assertTrue(p.exhausted(1, Duration.ofSeconds(30)));
    }

    @Test
    void readsItsSettingsWithDefaultsForTheMissingOnes() {
        Map<String, String> config = Map.of(RetryPolicy.INITIAL_DELAY, "250ms", RetryPolicy.BUDGET, "2m",
                RetryPolicy.MAX_ATTEMPTS, " 7 ");
        RetryPolicy p = RetryPolicy.from(key -> Optional.ofNullable(config.get(key)));
        assertEquals(new RetryPolicy(Duration.ofMillis(250), RetryPolicy.DEFAULT.maxDelay(), 7, Duration.ofMinutes(2)), p);
        assertEquals(RetryPolicy.DEFAULT, RetryPolicy.from(key -> Optional.empty()));
        assertEquals(Duration.ofSeconds(90), RetryPolicy.duration("PT1M30S"));
        assertEquals(Duration.ofHours(1), RetryPolicy.duration("1h"));
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.from(
                key -> Optional.ofNullable(Map.of(RetryPolicy.MAX_ATTEMPTS, "0").get(key))));
    }
}
