package org.mtlab.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.mtlab.core.contract.StudySpec;

/** Builds the optimizer a study names. */
public final class Optimizers {
    public static final Set<String> NAMES = Set.of(Sgd.NAME, Adam.NAME, Adam.ADAMW, AdaTask.NAME);

    private Optimizers() {
    }

    /**
     * {@code sgd} (momentum from the spec, default 0.9), {@code adam} (PyTorch defaults) or {@code adamw} (decoupled
     * weight decay from the spec, default 0.01); anything else, or a missing learning rate, is an
     * {@link IllegalArgumentException} naming what is wrong. The rate is the base rate: a {@link StepDecay} schedule
     * is the trainer's to apply per epoch ({@link Optimizer#setLearningRate}).
     */
    public static Optimizer create(StudySpec.OptimizerSpec spec, int size) {
        return create(spec, size, 0, 1);
    }

    /**
     * As {@link #create(StudySpec.OptimizerSpec, int)}, for a model whose first {@code sharedSize} parameters are shared
     * by {@code tasks} tasks: what {@code adatask} ({@link AdaTask}) needs; the other optimizers ignore both.
     */
    public static Optimizer create(StudySpec.OptimizerSpec spec, int size, int sharedSize, int tasks) {
        if (spec == null || spec.name() == null) {
            throw new IllegalArgumentException("an optimizer name is required; known: [adam, adamw, adatask, sgd]");
        }
        if (spec.learningRate() == null) {
            throw new IllegalArgumentException("optimizer '" + spec.name() + "' needs a learning rate");
        }
        return switch (spec.name()) {
            case Sgd.NAME -> new Sgd(size, spec.learningRate(), spec.momentumOrDefault());
            case Adam.NAME -> new Adam(size, spec.learningRate());
            case Adam.ADAMW -> Adam.adamW(size, spec.learningRate(),
                    spec.weightDecay() == null ? Adam.DEFAULT_WEIGHT_DECAY : spec.weightDecay());
            case AdaTask.NAME -> new AdaTask(size, sharedSize, tasks, spec.learningRate());
            default -> throw new IllegalArgumentException("unsupported optimizer '" + spec.name()
                    + "'; known: [adam, adamw, adatask, sgd]");
        };
    }

    /**
     * Checks that {@code state} (a checkpoint's) is what the optimizer {@code spec} names would hold for a model of
     * {@code size} parameters ({@code sharedSize} shared by {@code tasks} tasks) — its name and every buffer's size —
     * without building the optimizer (whose buffers, for an 11 M-parameter trunk, would take hundreds of MB).
     *
     * @throws IllegalArgumentException naming the first mismatch
     */
    public static void checkState(StudySpec.OptimizerSpec spec, int size, int sharedSize, int tasks,
                                  OptimizerState state) {
        String name = spec == null ? null : spec.name();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        if (Sgd.NAME.equals(name)) {
            sizes.put("momentum", size);
        } else if (Adam.NAME.equals(name) || Adam.ADAMW.equals(name)) {
            sizes.put("exp_avg", size);
            sizes.put("exp_avg_sq", size);
        } else if (AdaTask.NAME.equals(name)) {
            for (int task = 0; task < tasks; task++) {
                sizes.put("exp_avg." + task, sharedSize);
                sizes.put("exp_avg_sq." + task, sharedSize);
            }
            sizes.put("exp_avg.heads", size - sharedSize);
            sizes.put("exp_avg_sq.heads", size - sharedSize);
        } else {
            throw new IllegalArgumentException("unsupported optimizer '" + name + "'; known: [adam, adamw, adatask, sgd]");
        }
        state.requireLayout(name, sizes);
    }
}
