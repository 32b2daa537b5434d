package org.mtlab.core.methods;

import java.util.EnumSet;

/**
 * Multi-objective gradient Correction (Fernando, Shen, Liu, Chaudhury, Murugesan, Chen, "Mitigating Gradient Bias in
 * Multi-objective Learning: A Provably Convergent Approach", ICLR 2023). Each task keeps a tracked gradient y_t
 * (start 0) that follows its stochastic gradient, and the weights λ (start 1/T) take one projected step on MGDA's
 * subproblem for the tracked gradients; at step k (from 1):
 * <pre>
 *   y_t ← y_t − β_k (y_t − h_t),   h_t = L_t g_t / (‖g_t‖ + 1e-8)
 *   λ   ← Π_Δ(λ − γ_k (Y Yᵀ + ρ I) λ)
 *   d   = Σ_t λ_t y_t
 * </pre>
 * with {@code β_k = β / k^σ_β}, {@code γ_k = γ / k^σ_γ}: β = 0.5, σ_β = 0.5, γ = 0.1, σ_γ = 0.5, ρ = 0, the authors'
 * settings as LibMTL takes them. {@code h_t} is the authors' gradient normalisation (unit gradient scaled by the
 * task's loss). The λ-step projects onto the simplex as the paper's algorithm does; LibMTL's transcription applies a
 * softmax instead. Reported weights are λ, which multiply the tracked gradients, not this step's.
 *
 * <p>Needs the full gradients: y_t mixes gradients of all past steps, and the inner products between gradients of
 * different steps are in no step's Gram matrix. For the same reason it runs on parameter gradients only.
 */
public final class MoCo extends AbstractMethod {
    private final double beta;
    private final double betaSigma;
    private final double gamma;
    private final double gammaSigma;
    private final double rho;
    private double[][] tracked;
    private double[] lambda;
    private long steps;

    public MoCo() {
        this(0.5, 0.5, 0.1, 0.5, 0.0);
    }

    public MoCo(double beta, double betaSigma, double gamma, double gammaSigma, double rho) {
        super(MethodInfo.of("MoCo", MethodKind.GRADIENT_AGGREGATION,
                "Fernando et al., Mitigating Gradient Bias in Multi-objective Learning: A Provably Convergent "
                        + "Approach, ICLR 2023", EnumSet.of(MethodInput.LOSSES, MethodInput.GRADIENTS),
                EnumSet.of(MethodProperty.STATEFUL, MethodProperty.PARAMETER_SPACE_ONLY))
                .with("beta", beta).with("betaSigma", betaSigma).with("gamma", gamma).with("gammaSigma", gammaSigma)
                .with("rho", rho));
        requireInUnitInterval("beta", beta);
        requirePositive("gamma", gamma);
        for (double value : new double[] {betaSigma, gammaSigma, rho}) {
            if (!(value >= 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException("betaSigma, gammaSigma and rho must be finite and non-negative: "
                        + value);
            }
        }
        this.beta = beta;
        this.betaSigma = betaSigma;
        this.gamma = gamma;
        this.gammaSigma = gammaSigma;
        this.rho = rho;
    }

    @Override
    MethodResult decide(StepInput input) {
        double[][] gradients = input.gradients();
        double[] losses = input.losses();
        int n = gradients.length;
        int p = gradients[0].length;
        if (tracked == null) {
            tracked = new double[n][p];
            lambda = Linalg.filled(n, 1.0 / n);
        } else if (tracked[0].length != p) {
            throw new IllegalArgumentException("MoCo started with " + tracked[0].length + " parameters but got " + p);
        }
        steps++;
        double trackingRate = beta / Math.pow(steps, betaSigma);
        double weightRate = gamma / Math.pow(steps, gammaSigma);
        double[][] gram = input.gram();
        for (int t = 0; t < n; t++) {
            double scale = losses[t] / (Math.sqrt(gram[t][t]) + 1e-8);
            for (int k = 0; k < p; k++) {
                tracked[t][k] -= trackingRate * (tracked[t][k] - scale * gradients[t][k]);
            }
        }
        double[] trackedGramTimesLambda = Linalg.multiply(Linalg.gram(tracked), lambda);
        double[] moved = new double[n];
        for (int t = 0; t < n; t++) {
            moved[t] = lambda[t] - weightRate * (trackedGramTimesLambda[t] + rho * lambda[t]);
        }
        lambda = Simplex.project(moved);
        return new MethodResult(lambda.clone(), Linalg.combine(tracked, lambda));
    }

    /** The tracked gradients y (a copy; empty before the first step). */
    public double[][] trackedGradients() {
        if (tracked == null) {
            return new double[0][];
        }
        double[][] copy = new double[tracked.length][];
        for (int t = 0; t < tracked.length; t++) {
            copy[t] = tracked[t].clone();
        }
        return copy;
    }
}
