package org.mtlab.core.methods;

import java.util.EnumSet;
import java.util.Set;

/**
 * Holds a method's description and enforces that every step has the same number of tasks as the first.
 *
 * <p><b>Partial labels</b>, one rule for every method: on a step where some tasks had no label in the batch
 * ({@link StepInput#unlabelled}: loss exactly 0, gradient zero), the method decides the step for the labelled tasks
 * alone — an unlabelled task gets weight 0, and the method's state for it stays as it was — so no method takes the log
 * or the inverse of a zero loss, or the direction of a zero gradient. How:
 * <ul>
 *   <li>no task labelled: every weight 0 (and a zero combined gradient); the method is not consulted (a method with
 *       learnable parameters reports a zero gradient for them);</li>
 *   <li>a method without state across steps ({@link MethodInfo#keepsState()} false): the method decides the step
 *       restricted to the labelled tasks (their losses, Gram sub-matrix, gradients) — exactly the method on those
 *       tasks;</li>
 *   <li>a stateful method: {@link #decidePartial}, which the methods whose state or weights read the losses or the
 *       gradient directions per task override (DWA, STCH, FAMO, GradNorm, DB-MTL, UW, IMTL-L: the same computation
 *       over the labelled tasks, their per-task state untouched for the others); any other stateful method is not
 *       consulted on such a step, and its labelled tasks keep the weights it gave them at its last step (1 before
 *       any), so its state stays as it was.</li>
 * </ul>
 * Whatever the path, the weights returned are finite, and 0 for every unlabelled task.
 */
abstract class AbstractMethod implements MtlMethod {
    private final MethodInfo info;
    private int taskCount = -1;
    /** The weights of the last step decided in full: what a stateful method without its own partial rule keeps. */
    private double[] lastWeights;

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
        if (!input.hasUnlabelled()) {
            MethodResult result = decide(input);
            lastWeights = result.weights().clone();
            return result;
        }
        return partial(input);
    }

    /** The partial-labels rule (see the class comment), in one place. */
    private MethodResult partial(StepInput input) {
        int n = input.taskCount();
        int[] labelled = input.labelledTasks();
        MethodResult result;
        if (info.keepsState()) {
            result = decidePartial(input);
        } else if (labelled.length == 0) {
            result = MethodResult.weighting(new double[n], input);
        } else {
            MethodResult sub = decide(input.restrictedTo(labelled));
            result = new MethodResult(expand(sub.weights(), labelled, n), sub.combinedGradient());
        }
        double[] weights = result.weights();
        for (int t = 0; t < n; t++) {
            if (!Double.isFinite(weights[t]) || input.unlabelled(t) && weights[t] != 0) {
                throw new IllegalStateException(info.name() + " gave task " + t + (input.unlabelled(t)
                        ? ", which had no label in the batch, weight " : " weight ") + weights[t]
                        + " on a step with unlabelled tasks");
            }
        }
        return result;
    }

    /**
     * A stateful method's step when some tasks had no label in the batch ({@link StepInput#unlabelled}); the result
     * must give each of them weight 0 and leave the method's state for them as it was. This default does not consult
     * the method: the labelled tasks keep the weights of its last step (1 before any), the combined gradient, when the
     * step carries gradients, is theirs weighted so.
     */
    MethodResult decidePartial(StepInput input) {
        int n = input.taskCount();
        double[] weights = new double[n];
        for (int t : input.labelledTasks()) {
            weights[t] = lastWeights == null ? 1.0 : lastWeights[t];
        }
        return MethodResult.weighting(weights, input);
    }

    /** Weights over the tasks {@code labelled} (in order) as weights over all {@code n} tasks, 0 for the others. */
    static double[] expand(double[] sub, int[] labelled, int n) {
        double[] out = new double[n];
        for (int k = 0; k < labelled.length; k++) {
            out[labelled[k]] = sub[k];
        }
        return out;
    }

    /** The entries {@code tasks} of {@code values}, in order. */
    static double[] select(double[] values, int[] tasks) {
        double[] out = new double[tasks.length];
        for (int k = 0; k < tasks.length; k++) {
            out[k] = values[tasks[k]];
        }
        return out;
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
