package org.mtlab.core.contract;

import java.util.List;

/**
 * One run of a study before it has an id: what to train and how.
 *
 * @param optimizer          the optimizer at this run's one learning rate
 * @param fromLearningRateGrid whether that rate is one of a grid (then the label names it)
 * @param lossScale          for a loss-scale probe run: the task whose loss is scaled and by what; null otherwise
 */
public record RunPlan(RunKind kind, List<String> tasks, StudySpec.OptimizerSpec optimizer, String method, long seed,
                      boolean fromLearningRateGrid, StudySpec.LossScaleSpec lossScale) {

    public RunPlan(RunKind kind, List<String> tasks, StudySpec.OptimizerSpec optimizer, String method, long seed,
                   boolean fromLearningRateGrid) {
        this(kind, tasks, optimizer, method, seed, fromLearningRateGrid, null);
    }

    /** The method as the run reports it: a loss-scale probe's carries its scale, e.g. {@code ew+scale(y1*10.0)}. */
    public String reportedMethod() {
        return lossScale == null ? method : lossScale.tag(method);
    }

    public RunPlan(RunKind kind, List<String> tasks, StudySpec.OptimizerSpec optimizer, String method, long seed) {
        this(kind, tasks, optimizer, method, seed, false);
    }

    /** A short human label, e.g. {@code mtl/adam/ew/seed=1}, {@code stl[y1]/sgd/seed=2} or {@code mtl/adam@0.01/ew/seed=1}. */
    public String label() {
        String opt = optimizer.name() + (fromLearningRateGrid ? "@" + optimizer.learningRate() : "");
        return kind == RunKind.STL
                ? "stl[" + String.join(",", tasks) + "]/" + opt + "/seed=" + seed
                : "mtl/" + opt + "/" + reportedMethod() + "/seed=" + seed;
    }
}
