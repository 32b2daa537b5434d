package org.mtlab.core.methods;

/**
 * Pareto stationarity of a step: the norm of the minimum-norm point of the convex hull of the task gradients
 * (Désidéri 2012; Sener &amp; Koltun 2018). Zero means no common descent direction exists (Pareto stationary); it
 * is computed exactly from the Gram matrix alone.
 */
public final class ParetoStationarity {
    private ParetoStationarity() {
    }

    /** {@code min_{λ ∈ simplex} ‖Σ λ_t g_t‖}, from the Gram matrix {@code G_ij = g_iᵀg_j}. */
    public static double fromGram(double[][] gram) {
        StepInput.ofGram(0, 0, null, gram); // validates shape, symmetry, finiteness
        double[] weights = QuadraticPrograms.minNormWeights(gram);
        return Math.sqrt(Math.max(0.0, Linalg.quadratic(gram, weights)));
    }
}
