package org.mtlab.core.optim;

import org.mtlab.core.contract.StudySpec;

/**
 * Step learning-rate decay as {@code torch.optim.lr_scheduler.StepLR} stepped at each epoch end: epoch e (1-based)
 * trains at {@code base · gamma^⌊(e − 1) / stepSize⌋}. A pure function of the epoch, so a resumed run needs no
 * scheduler state. {@link #NONE} keeps the base rate.
 */
public record StepDecay(int stepSize, double gamma) {
    public static final StepDecay NONE = new StepDecay(Integer.MAX_VALUE, 1);

    public StepDecay {
        if (stepSize < 1) {
            throw new IllegalArgumentException("stepDecay.stepSize must be a positive number of epochs, got " + stepSize);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("stepDecay.gamma must lie in (0, 1], got " + gamma);
        }
    }

    /** The spec's decay, or {@link #NONE}; a decay without gamma uses StepLR's default 0.1. */
    public static StepDecay of(StudySpec.OptimizerSpec spec) {
        StudySpec.StepDecaySpec decay = spec == null ? null : spec.stepDecay();
        if (decay == null) {
            return NONE;
        }
        if (decay.stepSize() == null) {
            throw new IllegalArgumentException("stepDecay.stepSize is required");
        }
        return new StepDecay(decay.stepSize(), decay.gamma() == null ? 0.1 : decay.gamma());
    }

    /** The learning rate of epoch {@code epoch} (1-based) for base rate {@code base}. */
    public double rate(double base, int epoch) {
        int decays = (Math.max(1, epoch) - 1) / stepSize;
        return decays == 0 ? base : base * StrictMath.pow(gamma, decays);
    }
}
