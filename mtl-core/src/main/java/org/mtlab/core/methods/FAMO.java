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
    /** The tasks labelled in the batch of the step awaiting {@link #afterStep}. */
    private int[] labelledBeforeStep;

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
        return decidePartial(input);
    }

    /**
     * Also the step with every task labelled. Partial labels: the weights come from the labelled tasks' logits and
     * losses alone (they sum to 1 over those tasks), an unlabelled task gets 0, and {@link #afterStep} moves only the
     * labelled tasks' logits (softmax over them, Adam on their coordinates): an unlabelled task's logit and Adam state
     * stay as they were — its loss, 0 before and after, would otherwise pass for a loss of 1e-8 and take all the weight.
     */
    @Override
    MethodResult decidePartial(StepInput input) {
        double[] losses = input.losses();
        int n = losses.length;
        if (logits == null) {
            logits = new double[n];
        }
        int[] labelled = input.labelledTasks();
        double[] z = Softmax.of(select(logits, labelled));
        double[] shifted = shiftedLosses(select(losses, labelled));
        double c = 0.0;
        for (int k = 0; k < labelled.length; k++) {
            c += z[k] / shifted[k];
        }
        double[] weights = new double[labelled.length];
        for (int k = 0; k < labelled.length; k++) {
            weights[k] = z[k] / (c * shifted[k]);
        }
        lossesBeforeStep = losses.clone();
        labelledBeforeStep = labelled;
        return MethodResult.weighting(expand(weights, labelled, n), input);
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
        int[] labelled = labelledBeforeStep;
        double[] before = shiftedLosses(select(lossesBeforeStep, labelled));
        double[] after = shiftedLosses(select(lossesAfterStep, labelled));
        double[] logDecrease = new double[labelled.length];
        for (int k = 0; k < labelled.length; k++) {
            logDecrease[k] = Math.log(before[k]) - Math.log(after[k]);
        }
        double[] gradient = expand(Softmax.backward(Softmax.of(select(logits, labelled)), logDecrease), labelled,
                logits.length);
        optimizer.step(logits, gradient, labelled);
        lossesBeforeStep = null;
        labelledBeforeStep = null;
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
