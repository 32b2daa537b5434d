package org.mtlab.core.methods;

/**
 * FairGrad (Ban &amp; Ji, "Fair Resource Allocation in Multi-Task Learning", ICML 2024): α-fair weights w &gt; 0
 * solving {@code G w = w^{−1/α}} on the raw Gram matrix (solved exactly, see {@link AlphaFairSolver}, where the
 * official code and LibMTL use a bounded least-squares solve). α = 1 (LibMTL's default) is proportional fairness.
 * All-zero gradients give weights 1.
 */
public final class FairGrad extends GramWeighting {
    private final double alpha;

    public FairGrad() {
        this(1.0);
    }

    public FairGrad(double alpha) {
        super(MethodInfo.of("FairGrad", MethodKind.GRAM_WEIGHTING,
                "Ban & Ji, Fair Resource Allocation in Multi-Task Learning, ICML 2024", gramOnly(), noProperties())
                .with("alpha", alpha));
        requirePositive("alpha", alpha);
        this.alpha = alpha;
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        double[] w = AlphaFairSolver.solve(gram, alpha, null);
        return w == null ? Linalg.filled(gram.length, 1.0) : w;
    }
}
