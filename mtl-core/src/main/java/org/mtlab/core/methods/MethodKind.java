package org.mtlab.core.methods;

/** How a method acts on a training step. */
public enum MethodKind {
    /** Weights the task losses; the trainer back-propagates {@code Σ w_t L_t} (heads included). */
    LOSS_WEIGHTING,
    /** Weights the shared gradients from their Gram matrix alone: {@code w = f(G)}, combined gradient {@code Jᵀw}. */
    GRAM_WEIGHTING,
    /** Needs the full per-task gradients (per-coordinate operations or state kept in parameter space). */
    GRADIENT_AGGREGATION
}
