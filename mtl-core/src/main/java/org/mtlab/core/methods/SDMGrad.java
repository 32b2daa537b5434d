package org.mtlab.core.methods;

/**
 * Stochastic Direction-oriented Multi-objective Gradient descent (Xiao, Ban, Ji, "Direction-oriented Multi-objective
 * Learning: Simple and Provable Stochastic Algorithms", NeurIPS 2023). The weights w on the simplex minimise
 * {@code ½‖Σ_t w_t g_t + λ g0‖²} (g0 the mean gradient: MGDA's subproblem pulled towards the mean), and the update is
 * {@code d = (Σ_t w_t g_t + λ g0) / (1 + λ)}, so the reported weights are {@code (w_t + λ/T) / (1 + λ)}. λ = 0.3 as in
 * the official code and LibMTL.
 *
 * <p>Solved exactly, where the official code takes 20 projected momentum-SGD steps on w (warm-started across steps):
 * since Σ w_t = 1, {@code Σ w_t g_t + λ g0 = Σ w_t (g_t + λ g0)}, so w is the minimum-norm point of the hull of the
 * shifted gradients, whose Gram matrix {@code G + λ(G1/T 1ᵀ + 1 1ᵀG/T) + λ² 1ᵀG1/T²} comes from G alone; the exact
 * answer keeps the method stateless. The paper draws three independent batches per step (one for d, two for the
 * w-step); the trainer gives one batch per step, so all three are that batch.
 */
public final class SDMGrad extends GramWeighting {
    private final double lambda;

    public SDMGrad() {
        this(0.3);
    }

    public SDMGrad(double lambda) {
        super(MethodInfo.of("SDMGrad", MethodKind.GRAM_WEIGHTING,
                "Xiao, Ban & Ji, Direction-oriented Multi-objective Learning: Simple and Provable Stochastic "
                        + "Algorithms, NeurIPS 2023", gramOnly(), noProperties()).with("lambda", lambda));
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and non-negative: " + lambda);
        }
        this.lambda = lambda;
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        double[] gramTimesMean = Linalg.multiply(gram, Linalg.filled(n, 1.0 / n)); // g_tᵀ g0
        double meanNormSquared = Linalg.sum(gramTimesMean) / n;                     // ‖g0‖²
        double[][] shifted = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                shifted[i][j] = gram[i][j] + lambda * (gramTimesMean[i] + gramTimesMean[j])
                        + lambda * lambda * meanNormSquared;
            }
        }
        double[] w = QuadraticPrograms.minNormWeights(shifted);
        double[] weights = new double[n];
        for (int t = 0; t < n; t++) {
            weights[t] = (w[t] + lambda / n) / (1 + lambda);
        }
        return weights;
    }
}
