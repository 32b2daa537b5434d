package org.mtlab.core.optim;

import java.util.Set;

import org.mtlab.core.contract.StudySpec;

/** Builds the optimizer a study names. */
public final class Optimizers {
    public static final Set<String> NAMES = Set.of(Sgd.NAME, Adam.NAME);

    private Optimizers() {
    }

    /**
     * {@code sgd} (momentum from the spec, default 0.9) or {@code adam} (PyTorch defaults); anything else, or a missing
     * learning rate, is an {@link IllegalArgumentException} naming what is wrong.
     */
    public static Optimizer create(StudySpec.OptimizerSpec spec, int size) {
        if (spec == null || spec.name() == null) {
            throw new IllegalArgumentException("an optimizer name is required; known: [adam, sgd]");
        }
        if (spec.learningRate() == null) {
            throw new IllegalArgumentException("optimizer '" + spec.name() + "' needs a learning rate");
        }
        return switch (spec.name()) {
            case Sgd.NAME -> new Sgd(size, spec.learningRate(), spec.momentumOrDefault());
            case Adam.NAME -> new Adam(size, spec.learningRate());
            default -> throw new IllegalArgumentException("unsupported optimizer '" + spec.name() + "'; known: [adam, sgd]");
        };
    }
}
