package org.mtlab.core.methods;

import java.util.Optional;

/**
 * A multi-task weighting or gradient-aggregation method, applied once per training step. Instances may keep
 * state across steps (DWA, GradNorm, FAMO, GradVac, Nash-MTL …), so use one instance per run and feed it the
 * steps in order. Methods infer the task count from the first step and reject a step with a different one.
 */
public interface MtlMethod {
    MethodInfo info();

    /** Decides this step's task weights (and combined gradient when gradients are given). */
    MethodResult apply(StepInput input);

    /** Parameters the trainer must update after each step, if the method has any. */
    default Optional<LearnableParameters> learnableParameters() {
        return Optional.empty();
    }

    /** True when the trainer must call {@link #afterStep(double[])} after each optimizer step (FAMO). */
    default boolean needsLossesAfterStep() {
        return false;
    }

    /** The same batch's task losses re-evaluated after the optimizer step; ignored by most methods. */
    default void afterStep(double[] lossesAfterStep) {
    }
}
