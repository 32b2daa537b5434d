package org.mtlab.core.pareto;

/** Argument checks shared by the Pareto utilities, so every entry point fails the same clear way. */
final class Checks {
    private Checks() {
    }

    static void sameLength(String what, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException(what + " has length " + actual + " but " + expected + " was expected");
        }
    }

    static void directionsPresent(Direction[] directions) {
        if (directions == null) {
            throw new IllegalArgumentException("directions must not be null");
        }
        for (int k = 0; k < directions.length; k++) {
            if (directions[k] == null) {
                throw new IllegalArgumentException("directions[" + k + "] is null");
            }
        }
    }

    static void noNaN(String what, double[] values) {
        if (values == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        for (int k = 0; k < values.length; k++) {
            if (Double.isNaN(values[k])) {
                throw new IllegalArgumentException(what + "[" + k + "] is NaN");
            }
        }
    }

    static void finite(String what, double[] values) {
        if (values == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new IllegalArgumentException(what + "[" + k + "] is not finite: " + values[k]);
            }
        }
    }

    /** Checks a point set against the directions: rectangular, NaN-free. */
    static void points(double[][] points, Direction[] directions) {
        directionsPresent(directions);
        if (points == null) {
            throw new IllegalArgumentException("points must not be null");
        }
        for (int i = 0; i < points.length; i++) {
            noNaN("points[" + i + "]", points[i]);
            sameLength("points[" + i + "]", directions.length, points[i].length);
        }
    }
}
