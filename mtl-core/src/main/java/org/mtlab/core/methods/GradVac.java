package org.mtlab.core.methods;

import java.util.EnumSet;

/**
 * Gradient Vaccine (Wang, Tsvetkov, Firat, Cao, "Gradient Vaccine: Investigating and Improving Multi-task
 * Optimization in Massively Multilingual Models", ICLR 2021), whole-model granularity. For each task i and each
 * other task j in random (seeded) order, with φ = cos(g_i', g_j) and the EMA target φ̂_ij: if φ &lt; φ̂_ij, add
 * {@code ‖g_i'‖ (φ̂√(1−φ²) − φ√(1−φ̂²)) / (‖g_j‖ √(1−φ̂²)) · g_j} so the cosine reaches φ̂_ij; then
 * {@code φ̂_ij ← (1−β) φ̂_ij + β φ} for every visited pair, as in the paper's algorithm (LibMTL updates φ̂ only
 * when it adjusts). φ̂ starts at 0; β = 0.5. Combined gradient {@code Σ_i g_i'}.
 *
 * <p>As in {@link PCGrad}, every adjustment adds a multiple of an original gradient, so the method is computed
 * exactly from the Gram matrix; weights are the coefficients of {@code Σ_i g_i'} on the task gradients. Pairs with a
 * zero gradient are skipped (their cosine is undefined).
 */
public final class GradVac extends GramWeighting {
    private final double beta;
    private final TaskOrder order;
    private double[][] targetCosines;

    public GradVac(long seed) {
        this(0.5, seed);
    }

    public GradVac(double beta, long seed) {
        super(MethodInfo.of("GradVac", MethodKind.GRAM_WEIGHTING,
                "Wang et al., Gradient Vaccine: Investigating and Improving Multi-task Optimization in Massively "
                        + "Multilingual Models, ICLR 2021", gramOnly(),
                EnumSet.of(MethodProperty.SEEDED, MethodProperty.STATEFUL))
                .with("beta", beta).with("seed", seed));
        requireInUnitInterval("beta", beta);
        this.beta = beta;
        this.order = new TaskOrder(seed);
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        if (targetCosines == null) {
            targetCosines = new double[n][n];
        }
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            double[] coefficients = new double[n]; // g_i' = Σ_k coefficients[k] g_k
            coefficients[i] = 1.0;
            for (int j : order.othersThan(i, n)) {
                double adjustedNorm = Gram.norm(gram, coefficients);
                double normJ = Math.sqrt(gram[j][j]);
                if (adjustedNorm == 0.0 || normJ == 0.0) {
                    continue;
                }
                double cosine = clampCosine(Gram.innerWithTask(gram, coefficients, j) / (adjustedNorm * normJ));
                double target = targetCosines[i][j];
                double targetSine = Math.sqrt(1 - target * target);
                if (cosine < target && targetSine > 0) {
                    double sine = Math.sqrt(1 - cosine * cosine);
                    coefficients[j] += adjustedNorm * (target * sine - cosine * targetSine) / (normJ * targetSine);
                }
                targetCosines[i][j] = (1 - beta) * target + beta * cosine;
            }
            for (int k = 0; k < n; k++) {
                weights[k] += coefficients[k];
            }
        }
        return weights;
    }

    private static double clampCosine(double cosine) {
        return Math.max(-1.0, Math.min(1.0, cosine)); // rounding can step just outside [−1, 1]
    }
}
