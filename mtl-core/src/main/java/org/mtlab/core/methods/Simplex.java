package org.mtlab.core.methods;

import java.util.Arrays;

/** Euclidean projection onto the probability simplex {x ≥ 0, Σx = 1}, by sorting (Held, Wolfe &amp; Crowder 1974). */
final class Simplex {
    private Simplex() {
    }

    /** {@code argmin_{x ∈ Δ} ‖x − v‖}: x = max(v − θ, 0) with the threshold θ making the entries sum to 1. */
    static double[] project(double[] v) {
        int n = v.length;
        double[] sorted = v.clone();
        Arrays.sort(sorted); // ascending; walked from the largest
        double cumulative = 0.0;
        double threshold = 0.0;
        for (int k = 1; k <= n; k++) {
            double value = sorted[n - k];
            cumulative += value;
            double candidate = (cumulative - 1.0) / k;
            if (k == n || sorted[n - k - 1] <= candidate) {
                threshold = candidate;
                break;
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.max(0.0, v[i] - threshold);
        }
        return x;
    }
}
