package org.mtlab.core.data;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;

/** Checks the dataset kinds share when they parse {@code dataset.params}; each adds a violation naming its field. */
final class DatasetParams {
    static final String PREFIX = "dataset.params.";

    private DatasetParams() {
    }

    static Map<String, Object> of(StudySpec.DatasetSpec spec) {
        return spec == null || spec.params() == null ? Map.of() : spec.params();
    }

    /** A violation for every parameter not in {@code allowed}. */
    static void unknown(Map<String, Object> params, Set<String> allowed, List<Violation> out) {
        for (String key : params.keySet()) {
            if (!allowed.contains(key)) {
                out.add(new Violation(PREFIX + key, "unknown parameter; known: " + sorted(allowed)));
            }
        }
    }

    /** Whether {@code value} is an integral number in [min, max]; a violation on {@code field} when not. */
    static boolean integral(List<Violation> out, String field, Object value, long min, long max) {
        if (!(value instanceof Number n) || !(n instanceof Integer || n instanceof Long || n instanceof Short
                || n instanceof BigInteger || n.doubleValue() == Math.rint(n.doubleValue()))
                || !Double.isFinite(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            out.add(new Violation(field, "must be an integer" + (min == Long.MIN_VALUE ? "" : " in [" + min + ", " + max
                    + "]")));
            return false;
        }
        return true;
    }

    /** {@code key} as an integer in [min, max], {@code fallback} when absent (and on a violation). */
    static long integral(List<Violation> out, Map<String, Object> params, String key, long fallback, long min,
                         long max) {
        Object value = params.get(key);
        return value == null || !integral(out, PREFIX + key, value, min, max) ? fallback : ((Number) value).longValue();
    }

    /** {@code seed}: any integer, 0 when absent. */
    static long seed(List<Violation> out, Map<String, Object> params) {
        return integral(out, params, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A fraction in [0, 1) (or (0, 1) without {@code zeroAllowed}); {@code fallback} when absent, 0 on a violation. */
    static double fraction(List<Violation> out, Map<String, Object> params, String key, double fallback,
                           boolean zeroAllowed) {
        Object value = params.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n) || !(zeroAllowed ? n.doubleValue() >= 0 : n.doubleValue() > 0)
                || !(n.doubleValue() < 1)) {
            out.add(new Violation(PREFIX + key, "must be a fraction in " + (zeroAllowed ? "[0, 1)" : "(0, 1)")));
            return 0;
        }
        return n.doubleValue();
    }

    /** Describes {@code validationFraction}, {@code testFraction} and {@code seed} of a split of {@code what}. */
    static void describeSplit(Map<String, String> parameters, String what, String testNote) {
        parameters.put("validationFraction", "share of the " + what + " for validation, in [0, 1) (default "
                + CsvTaskData.DEFAULT_VALIDATION_FRACTION + ")");
        parameters.put("testFraction", "share of the " + what + " for test, in (0, 1) (default "
                + CsvTaskData.DEFAULT_TEST_FRACTION + testNote + ")");
        parameters.put("seed", "split seed (default 0)");
    }

    /** The validation and test fractions of a shuffled split, {@code [validation, test]}; their sum must be below 1. */
    static double[] splitFractions(List<Violation> out, Map<String, Object> params) {
        double validation = fraction(out, params, "validationFraction", CsvTaskData.DEFAULT_VALIDATION_FRACTION, true);
        double test = fraction(out, params, "testFraction", CsvTaskData.DEFAULT_TEST_FRACTION, false);
        if (validation + test >= 1) {
            out.add(new Violation(PREFIX + "testFraction", "validationFraction + testFraction must be below 1"));
        }
        return new double[] {validation, test};
    }

    /**
     * The file or folder name in {@code key}, or null when absent (a violation when {@code required}) or not a name.
     */
    static Path file(Map<String, Object> params, String key, boolean required, String what, List<Violation> out) {
        Object value = params.get(key);
        if (value == null) {
            if (required) {
                out.add(new Violation(PREFIX + key, "is required: " + what + ", as the trainers see it"));
            }
            return null;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            out.add(new Violation(PREFIX + key, "must be a file name: " + what));
            return null;
        }
        return path(s, PREFIX + key, out);
    }

    /** {@code name} as a path, or a violation on {@code field} when the file system cannot take it. */
    static Path path(String name, String field, List<Violation> out) {
        try {
            return Path.of(name);
        } catch (InvalidPathException e) {
            out.add(new Violation(field, "is not a valid file name: " + e.getReason()));
            return null;
        }
    }

    static List<String> sorted(Collection<String> values) {
        return values.stream().sorted().toList();
    }
}
