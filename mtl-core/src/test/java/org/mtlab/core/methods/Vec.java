package org.mtlab.core.methods;

import java.util.Random;

/** Plain vector arithmetic for tests, written independently of the production helpers. */
final class Vec {
    private Vec() {
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    static double[] scale(double[] a, double f) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * f;
        }
        return out;
    }

    /** a + f·b */
    static double[] axpy(double[] a, double f, double[] b) {
        return add(a, scale(b, f));
    }

    static double[] combination(double[][] rows, double[] w) {
        double[] out = new double[rows[0].length];
        for (int t = 0; t < rows.length; t++) {
            out = axpy(out, w[t], rows[t]);
        }
        return out;
    }

    static double[] mean(double[][] rows) {
        double[] w = new double[rows.length];
        java.util.Arrays.fill(w, 1.0 / rows.length);
        return combination(rows, w);
    }

    static double[][] gram(double[][] rows) {
        double[][] g = new double[rows.length][rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows.length; j++) {
                g[i][j] = dot(rows[i], rows[j]);
            }
        }
        return g;
    }

    static double[][] randomGradients(Random random, int tasks, int dims) {
        double[][] g = new double[tasks][dims];
        for (double[] row : g) {
            for (int k = 0; k < dims; k++) {
                row[k] = random.nextGaussian();
            }
        }
        return g;
    }

    /** Random gradients with degenerate cases mixed in: zero rows, duplicates, exact opposites, tiny scales. */
    static double[][] awkwardGradients(Random random, int tasks, int dims) {
        double[][] g = randomGradients(random, tasks, dims);
        for (int t = 0; t < tasks; t++) {
            switch (random.nextInt(7)) {
                case 0 -> g[t] = new double[dims];
                case 1 -> g[t] = g[random.nextInt(tasks)].clone();
                case 2 -> g[t] = scale(g[random.nextInt(tasks)], -1);
                case 3 -> g[t] = scale(g[t], 1e-6);
                case 4 -> g[t] = scale(g[t], 1e3);
                default -> {
                }
            }
        }
        return g;
    }

    static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
