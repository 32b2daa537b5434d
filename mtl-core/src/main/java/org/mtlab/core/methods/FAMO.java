package org.mtlab.core.methods;

import java.util.EnumSet;

import java.util.Set;

/**
 * Fast Adaptive Multitask Optimization (Liu, Liang, Chen, Wang, Stone, Liu, "FAMO: Fast Adaptive Multitask
 * Optimization", NeurIPS 2023), as its official code and LibMTL implement it. Logits ξ (start 0), z = softmax(ξ);
 * the step objective is {@code Σ_t z_t log(L_t − L*_t + 1e-8) / c} with {@code c = Σ_t z_t / (L_t − L*_t + 1e-8)}
 * held constant, so loss weights are {@code z_t / (c (L_t − L*_t + 1e-8))} (they sum to 1). After the optimizer
 * step the trainer passes the same batch's new losses to {@link #afterStep}; ξ then moves by Adam (lr 0.025,
 * weight decay 1e-3) along the softmax's vector-Jacobian product with the per-task log-loss decrease.
 * L* = 0 (LibMTL's {@code min_losses}).
 */
public final class FAMO extends AbstractMethod {
    private static final double EPSILON = 1e-8;
    private final Adam optimizer;
    private double[] logits;
    private double[] lossesBeforeStep;

    public FAMO() {
        this(0.025, 1e-3);
    }

    public FAMO(double learningRate, double weightDecay) {
        super(MethodInfo.of("FAMO", MethodKind.LOSS_WEIGHTING,
                "Liu et al., FAMO: Fast Adaptive Multitask Optimization, NeurIPS 2023", Set.of(MethodInput.LOSSES),
                EnumSet.of(MethodProperty.STATEFUL))
                .with("learningRate", learningRate).with("weightDecay", weightDecay));
        requirePositive("learningRate", learningRate);
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must not be negative: " + weightDecay);
        }
        this.optimizer = new Adam(learningRate, weightDecay);
    }

    @Override
    MethodResult decide(StepInput input) {
        double[] losses = input.losses();
        if (logits == null) {
            logits = new double[losses.length];
        }
        double[] z = Softmax.of(logits);
        double[] shifted = shiftedLosses(losses);
        double c = 0.0;
        for (int t = 0; t < losses.length; t++) {
            c += z[t] / shifted[t];
        }
        double[] weights = new double[losses.length];
        for (int t = 0; t < losses.length; t++) {
            weights[t] = z[t] / (c * shifted[t]);
        }
        lossesBeforeStep = losses.clone();
        return MethodResult.weighting(weights, input);
    }

    @Override
    public boolean needsLossesAfterStep() {
        return true;
    }

    @Override
    public void afterStep(double[] lossesAfterStep) {
        if (lossesBeforeStep == null) {
            throw new IllegalStateException("FAMO.afterStep called before any step was applied");
        }
        if (lossesAfterStep == null || lossesAfterStep.length != lossesBeforeStep.length) {
            throw new IllegalArgumentException("expected " + lossesBeforeStep.length + " losses after the step");
        }
        double[] before = shiftedLosses(lossesBeforeStep);
        double[] after = shiftedLosses(lossesAfterStep);
        double[] logDecrease = new double[before.length];
        for (int t = 0; t < before.length; t++) {
            logDecrease[t] = Math.log(before[t]) - Math.log(after[t]);
        }
        optimizer.step(logits, Softmax.backward(Softmax.of(logits), logDecrease));
        lossesBeforeStep = null;
    }

    /** Current weight logits ξ (a copy; empty before the first step). */
    public double[] logits() {
        return logits == null ? new double[0] : logits.clone();
    }

    private static double[] shiftedLosses(double[] losses) {
        double[] shifted = new double[losses.length];
        for (int t = 0; t < losses.length; t++) {
            if (!Double.isFinite(losses[t]) || losses[t] < 0) {
                throw new IllegalArgumentException("FAMO needs finite non-negative losses; task " + t + " has "
                        + losses[t]);
            }
            shifted[t] = losses[t] + EPSILON;
        }
        return shifted;
    }
}
