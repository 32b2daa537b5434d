package org.mtlab.core.methods;

import java.util.EnumSet;
import java.util.Set;

/** Holds a method's description and enforces that every step has the same number of tasks as the first. */
abstract class AbstractMethod implements MtlMethod {
    private final MethodInfo info;
    private int taskCount = -1;

    AbstractMethod(MethodInfo info) {
        this.info = info;
    }

    @Override
    public final MethodInfo info() {
        return info;
    }

    @Override
    public final MethodResult apply(StepInput input) {
        if (input == null) {
            throw new IllegalArgumentException("input must not be null");
        }
        for (MethodInput needed : info.inputs()) {
            boolean present = switch (needed) {
                case LOSSES -> input.hasLosses();
                case GRAM -> input.hasGram();
                case GRADIENTS -> input.hasGradients();
            };
            if (!present) {
                throw new IllegalArgumentException(info.name() + " needs " + needed + " in every step");
            }
        }
        if (taskCount < 0) {
            taskCount = input.taskCount();
        } else if (taskCount != input.taskCount()) {
            throw new IllegalArgumentException(info.name() + " started with " + taskCount + " tasks but got "
                    + input.taskCount());
        }
        return decide(input);
    }

    /** Task count fixed by the first step, or -1 before it. */
    final int taskCount() {
        return taskCount;
    }

    abstract MethodResult decide(StepInput input);

    /** The properties of a method that has none of them: stateless, unseeded, fine in representation space. */
    static Set<MethodProperty> noProperties() {
        return EnumSet.noneOf(MethodProperty.class);
    }

    static void requirePositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite: " + value);
        }
    }

    static void requireInUnitInterval(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must lie in [0, 1]: " + value);
        }
    }
}
