package org.mtlab.core.methods;

/** A piece of a training step that a method reads. */
public enum MethodInput {
    /** Per-task losses of this step. */
    LOSSES,
    /** Gram matrix of the per-task gradients on the shared parameters (T×T). */
    GRAM,
    /** The per-task gradients on the shared parameters themselves (T×P). */
    GRADIENTS
}
