package org.mtlab.kafka;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a record that fails transiently is retried: after the n-th failure the loop waits
 * {@code initialDelay · 2^(n-1)}, at most {@code maxDelay}, and gives up — dead-letters the record with the reason —
 * once it has failed {@code maxAttempts} times or {@code budget} has passed since its first failure, whichever comes
 * first. So no record is retried for ever, and the records behind it wait at most about {@code budget} (plus one
 * attempt).
 *
 * <p>The defaults ride out a PostgreSQL restart or a broker failover (minutes), not a day-long outage: a record still
 * failing after five minutes is dead-lettered, to be replayed from {@code mtlab.dlq} once the cause is fixed.
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts, Duration budget) {
    /** Configuration keys, read by {@link #from}; durations as {@code 500ms}, {@code 30s}, {@code 5m} or ISO-8601. */
    public static final String INITIAL_DELAY = "mtlab.kafka.retry.initial-delay";
    public static final String MAX_DELAY = "mtlab.kafka.retry.max-delay";
    public static final String MAX_ATTEMPTS = "mtlab.kafka.retry.max-attempts";
    public static final String BUDGET = "mtlab.kafka.retry.budget";

    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 20,
            Duration.ofMinutes(5));
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    public RetryPolicy {
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0 || maxAttempts < 1 || budget.isNegative()) {
            throw new IllegalArgumentException("retry policy needs 0 <= initialDelay <= maxDelay, maxAttempts >= 1 and "
                    + "budget >= 0, got " + initialDelay + ", " + maxDelay + ", " + maxAttempts + ", " + budget);
        }
    }

    /** The wait after the {@code failures}-th failure (1-based): exponential from the initial delay, capped. */
    public Duration delayAfter(int failures) {
        long delay = initialDelay.toMillis();
        for (int i = 1; i < failures && delay < maxDelay.toMillis(); i++) {
            delay *= 2;
        }
        return Duration.ofMillis(Math.min(delay, maxDelay.toMillis()));
    }

    /** Whether a record that has failed {@code failures} times, the first {@code sinceFirstFailure} ago, is given up. */
    public boolean exhausted(int failures, Duration sinceFirstFailure) {
        return failures >= maxAttempts || sinceFirstFailure.compareTo(budget) >= 0;
    }

    /**
     * The policy configured under the keys above ({@code config}: a key to its value, empty when unset), each unset
     * key taking its {@link #DEFAULT}. A service passes its MicroProfile Config, e.g.
     * {@code key -> ConfigProvider.getConfig().getOptionalValue(key, String.class)}.
     */
    public static RetryPolicy from(Function<String, Optional<String>> config) {
        return new RetryPolicy(
                config.apply(INITIAL_DELAY).map(RetryPolicy::duration).orElse(DEFAULT.initialDelay),
                config.apply(MAX_DELAY).map(RetryPolicy::duration).orElse(DEFAULT.maxDelay),
                config.apply(MAX_ATTEMPTS).map(String::trim).map(Integer::parseInt).orElse(DEFAULT.maxAttempts),
                config.apply(BUDGET).map(RetryPolicy::duration).orElse(DEFAULT.budget));
    }

    static Duration duration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    }

    /** A short description for logs and dead-letter reasons. */
    String describe() {
        return "at most " + maxAttempts + " attempts within " + budget.toSeconds() + " s";
    }
}
