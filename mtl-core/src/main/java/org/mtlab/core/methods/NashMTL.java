package org.mtlab.core.methods;

import java.util.EnumSet;

/**
 * Nash-MTL (Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik, Fetaya, "Multi-Task Learning as a Bargaining
 * Game", ICML 2022): weights α &gt; 0 solving the Nash bargaining condition {@code Gα = 1/α}, so every task gets
 * {@code g_tᵀd = 1/α_t} from {@code d = Σ α_t g_t} (and {@code ‖d‖² = T}). Solved exactly (see
 * {@link AlphaFairSolver}) instead of by the paper's 20 sequential convex approximations; like the official code
 * and LibMTL, the solve runs on G divided by its Frobenius norm ‖G‖ for conditioning, with the answer brought back
 * to the raw scale (their constraint {@code α_t ‖G‖ (Ĝα)_t ≥ 1} is in raw scale too): α = α̂ / √‖G‖. The
 * combined gradient is clipped to norm {@code maxNorm} = 1 (weights scaled accordingly); weights are recomputed
 * every {@code updateWeightsEvery} = 1 steps and reused in between. All-zero gradients give weights 1.
 */
public final class NashMTL extends GramWeighting {
    private final double maxNorm;
    private final int updateWeightsEvery;
    private double[] previous;
    /** Last solution on the normalised Gram: the warm start of the next solve. */
    private double[] previousNormalised;
    private long stepsSeen;

    public NashMTL() {
        this(1.0, 1);
    }

    /** @param maxNorm clip the combined gradient to this norm; 0 disables clipping */
    public NashMTL(double maxNorm, int updateWeightsEvery) {
        super(MethodInfo.of("Nash-MTL", MethodKind.GRAM_WEIGHTING,
                "Navon et al., Multi-Task Learning as a Bargaining Game, ICML 2022", gramOnly(),
                EnumSet.of(MethodProperty.STATEFUL))
                .with("maxNorm", maxNorm).with("updateWeightsEvery", updateWeightsEvery));
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("maxNorm must not be negative: " + maxNorm);
        }
        if (updateWeightsEvery < 1) {
            throw new IllegalArgumentException("updateWeightsEvery must be at least 1: " + updateWeightsEvery);
        }
        this.maxNorm = maxNorm;
        this.updateWeightsEvery = updateWeightsEvery;
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        if (previous == null || stepsSeen % updateWeightsEvery == 0) {
            double frobenius = frobeniusNorm(gram);
            double[] normalisedAlpha = frobenius > 0
                    ? AlphaFairSolver.solve(Linalg.scaled(gram, 1.0 / frobenius), 1.0, previousNormalised)
                    : null;
            previousNormalised = normalisedAlpha;
            previous = normalisedAlpha == null
                    ? Linalg.filled(n, 1.0)
                    : Linalg.scaled(normalisedAlpha, 1.0 / Math.sqrt(frobenius));
        }
        stepsSeen++;
        double[] weights = previous.clone();
        double combinedNorm = Gram.norm(gram, weights);
        if (maxNorm > 0 && combinedNorm > maxNorm) {
            for (int t = 0; t < n; t++) {
                weights[t] *= maxNorm / combinedNorm;
            }
        }
        return weights;
    }

    private static double frobeniusNorm(double[][] a) {
        double sum = 0.0;
        for (double[] row : a) {
            for (double v : row) {
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }
}
