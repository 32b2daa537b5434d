package org.mtlab.core.methods;

/**
 * Aligned-MTL (Senushkin, Patakin, Kuznetsov, Konushin, "Independent Component Alignment for Multi-Task Learning",
 * CVPR 2023): aligns the principal components of the gradient matrix so it becomes well-conditioned. With
 * {@code G = V Λ Vᵀ} truncated to the eigenvalues above {@code λ_max · T · ε_float32} (LibMTL's rank rule; the
 * gradients come from float32 training), {@code B = √λ_min · V Λ^{-1/2} Vᵀ} and the weights are B's row sums
 * (unit task pre-weights), so the aligned gradients {@code B J} have Gram {@code λ_min I} on their span.
 * All-zero gradients give weights 1.
 */
public final class AlignedMTL extends GramWeighting {
    private static final double FLOAT32_EPSILON = Math.ulp(1.0f);

    public AlignedMTL() {
        super("Aligned-MTL", "Senushkin et al., Independent Component Alignment for Multi-Task Learning, CVPR 2023",
                noProperties());
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        Linalg.Eigen eigen = Linalg.symmetricEigen(gram);
        double largest = 0.0;
        for (double value : eigen.values()) {
            largest = Math.max(largest, value);
        }
        double cutoff = largest * n * FLOAT32_EPSILON;
        double smallestKept = Double.POSITIVE_INFINITY;
        for (double value : eigen.values()) {
            if (value > cutoff) {
                smallestKept = Math.min(smallestKept, value);
            }
        }
        if (!(largest > 0)) {
            return Linalg.filled(n, 1.0);
        }
        double[] weights = new double[n];
        double[][] v = eigen.vectors();
        for (int k = 0; k < n; k++) {
            double value = eigen.values()[k];
            if (value <= cutoff) {
                continue;
            }
            // component k contributes √λ_min/√λ_k · v_k v_kᵀ 1
            double columnSum = 0.0;
            for (int i = 0; i < n; i++) {
                columnSum += v[i][k];
            }
            double factor = Math.sqrt(smallestKept / value) * columnSum;
            for (int i = 0; i < n; i++) {
                weights[i] += factor * v[i][k];
            }
        }
        return weights;
    }
}
