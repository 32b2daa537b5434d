package org.mtlab.core.methods;

import java.util.EnumSet;

/**
 * Projecting Conflicting Gradients (Yu, Kumar, Gupta, Levine, Hausman, Finn, "Gradient Surgery for Multi-Task
 * Learning", NeurIPS 2020). For each task i, visiting the other tasks j in a random (seeded) or fixed order:
 * if {@code g_i^PC · g_j < 0}, subtract the component along the original {@code g_j}. The combined gradient is
 * {@code Σ_i g_i^PC}.
 *
 * <p>Because every projection subtracts a multiple of an original gradient, each {@code g_i^PC} stays a linear
 * combination of the task gradients and every inner product it needs is a Gram entry: PCGrad is computed exactly
 * from G, and the weights are the coefficients of that combination (LibMTL's {@code batch_weight}).
 */
public final class PCGrad extends GramWeighting {
    private final TaskOrder order;

    /** Seeded random task order, as in the paper. */
    public PCGrad(long seed) {
        this(Long.valueOf(seed));
    }

    /** Fixed ascending task order (deterministic without a seed). */
    public static PCGrad fixedOrder() {
        return new PCGrad((Long) null);
    }

    private PCGrad(Long seed) {
        super(MethodInfo.of("PCGrad", MethodKind.GRAM_WEIGHTING,
                "Yu et al., Gradient Surgery for Multi-Task Learning, NeurIPS 2020", gramOnly(),
                seed == null ? noProperties() : EnumSet.of(MethodProperty.SEEDED))
                .with("seed", seed == null ? -1 : seed).with("randomOrder", seed == null ? 0 : 1));
        this.order = new TaskOrder(seed);
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            double[] coefficients = new double[n]; // g_i^PC = Σ_k coefficients[k] g_k
            coefficients[i] = 1.0;
            for (int j : order.othersThan(i, n)) {
                double conflict = Gram.innerWithTask(gram, coefficients, j);
                if (conflict < 0 && gram[j][j] > 0) {
                    coefficients[j] -= conflict / gram[j][j];
                }
            }
            for (int k = 0; k < n; k++) {
                weights[k] += coefficients[k];
            }
        }
        return weights;
    }
}
