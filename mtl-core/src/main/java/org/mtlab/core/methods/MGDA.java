package org.mtlab.core.methods;

/**
 * Multiple-Gradient Descent Algorithm (Désidéri, "Multiple-gradient descent algorithm (MGDA) for multiobjective
 * optimization", 2012; for deep MTL: Sener &amp; Koltun, "Multi-Task Learning as Multi-Objective Optimization",
 * NeurIPS 2018). Weights are the exact minimum-norm point of the convex hull of the task gradients
 * (λ on the simplex minimising λᵀGλ), from an exact active-set solver rather than Frank–Wolfe. No gradient
 * normalisation (LibMTL's default {@code mgda_gn = none}); combined gradient {@code Σ λ_t g_t}.
 */
public final class MGDA extends GramWeighting {
    public MGDA() {
        super("MGDA", "Désidéri 2012; Sener & Koltun, Multi-Task Learning as Multi-Objective Optimization, "
                + "NeurIPS 2018", noProperties());
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        return QuadraticPrograms.minNormWeights(gram);
    }
}
