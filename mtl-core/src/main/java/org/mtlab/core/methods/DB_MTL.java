package org.mtlab.core.methods;

import java.util.EnumSet;

/**
 * Dual-Balancing Multi-Task Learning (Lin, Ye, Xu, Shi, Zhang, "Dual-Balancing for Multi-Task Learning", 2023).
 * Loss-scale balance: differentiate {@code log(L_t + 1e-8)}, i.e. scale each task gradient by
 * {@code 1/(L_t + 1e-8)}. Gradient-magnitude balance: keep an EMA buffer per task,
 * {@code b_t ← g̃_t + (β / step^σ)(b_t − g̃_t)} (β = 0.9, σ = 0, steps counted from 1), and combine
 * {@code Σ_t α_t b_t} with {@code α_t = max_k ‖b_k‖ / (‖b_t‖ + 1e-8)}, so every buffer contributes with the
 * largest norm. The buffers live in parameter space, hence the full gradients; reported weights are α, which
 * multiply the buffers rather than this step's raw gradients.
 */
public final class DB_MTL extends AbstractMethod {
    private final double beta;
    private final double betaSigma;
    private double[][] buffers;
    private long steps;

    public DB_MTL() {
        this(0.9, 0.0);
    }

    public DB_MTL(double beta, double betaSigma) {
        super(MethodInfo.of("DB-MTL", MethodKind.GRADIENT_AGGREGATION,
                "Lin et al., Dual-Balancing for Multi-Task Learning, arXiv 2308.12029, 2023",
                EnumSet.of(MethodInput.LOSSES, MethodInput.GRADIENTS),
                EnumSet.of(MethodProperty.STATEFUL, MethodProperty.PARAMETER_SPACE_ONLY))
                .with("beta", beta).with("betaSigma", betaSigma));
        requireInUnitInterval("beta", beta);
        if (!(betaSigma >= 0)) {
            throw new IllegalArgumentException("betaSigma must not be negative: " + betaSigma);
        }
        this.beta = beta;
        this.betaSigma = betaSigma;
    }

    @Override
    MethodResult decide(StepInput input) {
        return decidePartial(input);
    }

    /**
     * Also the step with every task labelled. Partial labels: only the labelled tasks' buffers take the step (an
     * unlabelled task's buffer keeps its value, undecayed), the largest norm and the combination run over them, and an
     * unlabelled task gets α = 0 — its gradient is zero, and 1/(0 + 1e-8) would only scale nothing.
     */
    @Override
    MethodResult decidePartial(StepInput input) {
        double[][] gradients = input.gradients();
        double[] losses = input.losses();
        int n = gradients.length;
        int p = gradients[0].length;
        if (buffers == null) {
            buffers = new double[n][p];
        } else if (buffers[0].length != p) {
            throw new IllegalArgumentException("DB-MTL started with " + buffers[0].length + " parameters but got " + p);
        }
        steps++;
        double decay = beta / Math.pow(steps, betaSigma);
        int[] labelled = input.labelledTasks();
        double[] norms = new double[n];
        double largestNorm = 0.0;
        for (int t : labelled) {
            if (!(losses[t] + 1e-8 > 0)) {
                throw new IllegalArgumentException("DB-MTL needs non-negative losses; task " + t + " has " + losses[t]);
            }
            double logScale = 1.0 / (losses[t] + 1e-8); // gradient of log(L + 1e-8)
            double squared = 0.0;
            for (int k = 0; k < p; k++) {
                double scaled = gradients[t][k] * logScale;
                buffers[t][k] = scaled + decay * (buffers[t][k] - scaled);
                squared += buffers[t][k] * buffers[t][k];
            }
            norms[t] = Math.sqrt(squared);
            largestNorm = Math.max(largestNorm, norms[t]);
        }
        double[] alpha = new double[n];
        for (int t : labelled) {
            alpha[t] = largestNorm / (norms[t] + 1e-8);
        }
        return new MethodResult(alpha, Linalg.combine(buffers, alpha));
    }
}
