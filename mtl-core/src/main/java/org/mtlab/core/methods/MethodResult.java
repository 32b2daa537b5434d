package org.mtlab.core.methods;

/**
 * What a method decided for one step: a weight per task and, when the step carried the gradients, the combined
 * shared gradient (otherwise {@code null}; for Gram weightings it is {@code Jᵀ weights}, the trainer may form it).
 */
public record MethodResult(double[] weights, double[] combinedGradient) {
    public boolean hasCombinedGradient() {
        return combinedGradient != null;
    }

    /** Result of a weighting: the combined gradient is {@code Jᵀ weights} when the input has gradients. */
    static MethodResult weighting(double[] weights, StepInput input) {
        return new MethodResult(weights, input.hasGradients() ? Linalg.combine(input.gradients(), weights) : null);
    }
}
