package org.mtlab.core.methods;

/** Inner products of vectors written as combinations of the task gradients, {@code v = Σ_k c_k g_k}, from G. */
final class Gram {
    private Gram() {
    }

    /** {@code vᵀ g_j} for {@code v = Σ_k c_k g_k}. */
    static double innerWithTask(double[][] gram, double[] coefficients, int task) {
        double sum = 0.0;
        for (int k = 0; k < coefficients.length; k++) {
            sum += coefficients[k] * gram[k][task];
        }
        return sum;
    }

    /** {@code ‖v‖} for {@code v = Σ_k c_k g_k}. */
    static double norm(double[][] gram, double[] coefficients) {
        return Math.sqrt(Math.max(0.0, Linalg.quadratic(gram, coefficients)));
    }
}
