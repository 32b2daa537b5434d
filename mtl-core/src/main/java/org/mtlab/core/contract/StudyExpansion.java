package org.mtlab.core.contract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Expands a validated study into its runs: for every optimizer, learning rate of its grid and seed, one STL run per
 * task and one MTL run per method. Each run's request carries the one learning rate it trains with.
 *
 * <p>A quick study ({@code "quick": true}) takes the short path to a first answer: the primary task and the most
 * valuable other task (the first listed among equals), STL against MTL with equal weighting ({@value #QUICK_METHOD})
 * only, SGD runs before Adam runs, with the spec's learning rates and seeds; at most
 * {@link StudySpecValidator#QUICK_MAX_RUNS} runs.
 *
 * <p>With a loss-scale probe ({@code lossScale}) every MTL run is followed by its probe twin: the same optimizer,
 * learning rate, method and seed, the named task's loss multiplied by the factor. Its data are still generated for all the study's tasks, so a later
 * full study compares like with like.
 */
public final class StudyExpansion {
    /** The method name an STL run reports: with one task every weighting is the identity. */
    public static final String STL_METHOD = "stl";
    /** The one MTL method of a quick study: equal weighting, the baseline every method must beat. */
    public static final String QUICK_METHOD = "ew";

    private StudyExpansion() {
    }

    public static List<RunPlan> expand(StudySpec spec) {
        List<RunPlan> runs = new ArrayList<>();
        List<String> tasks = tasksOf(spec);
        List<String> methods = spec.quickOrDefault() ? List.of(QUICK_METHOD)
                : spec.methods().stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
        for (StudySpec.OptimizerSpec optimizer : optimizersOf(spec)) {
            boolean grid = optimizer.learningRates() != null;
            for (double rate : optimizer.learningRateGrid()) {
                StudySpec.OptimizerSpec single = optimizer.at(rate);
                for (long seed : spec.seeds()) {
                    for (String task : tasks) {
                        runs.add(new RunPlan(RunKind.STL, List.of(task), single, STL_METHOD, seed, grid));
                    }
                    for (String method : methods) {
                        runs.add(new RunPlan(RunKind.MTL, tasks, single, method, seed, grid));
                    }
                    if (spec.lossScale() != null && tasks.size() > 1) {
                        // the probe: the same MTL runs, one task's loss multiplied by the factor
                        for (String method : methods) {
                            runs.add(new RunPlan(RunKind.MTL, tasks, single, method, seed, grid, spec.lossScale()));
                        }
                    }
                }
            }
        }
        return runs;
    }

    public static int runCount(StudySpec spec) {
        int rates = spec.optimizers().stream().mapToInt(o -> o.learningRateGrid().size()).sum();
        int methods = spec.quickOrDefault() ? 1 : spec.methods().size();
        int perSetting = (spec.quickOrDefault() ? quickTasks(spec).size() : spec.tasks().size()) + methods
                + (spec.lossScale() != null && tasksOf(spec).size() > 1 ? methods : 0);
        return rates * spec.seeds().size() * perSetting;
    }

    /** The tasks the study trains: all of them, or in quick mode the primary task and the most valuable other one. */
    public static List<String> tasksOf(StudySpec spec) {
        return spec.quickOrDefault() ? quickTasks(spec) : spec.taskNames();
    }

    /** The primary task, then the most valuable other task (the first listed among equal values). */
    public static List<String> quickTasks(StudySpec spec) {
        String primary = spec.primaryTaskOrDefault();
        StudySpec.TaskSpec other = null;
        for (StudySpec.TaskSpec task : spec.tasks()) {
            if (!task.name().equals(primary) && (other == null || task.valueOrDefault() > other.valueOrDefault())) {
                other = task;
            }
        }
        return other == null ? List.of(primary) : List.of(primary, other.name());
    }

    /** The spec's optimizers; in quick mode SGD's before Adam's (the short path tries SGD first). */
    private static List<StudySpec.OptimizerSpec> optimizersOf(StudySpec spec) {
        if (!spec.quickOrDefault()) {
            return spec.optimizers();
        }
        return spec.optimizers().stream()
                .sorted(Comparator.comparingInt(o -> "sgd".equals(o.name()) ? 0 : 1)).toList();
    }
}
