package org.mtlab.core.contract;

import java.util.ArrayList;
import java.util.List;

/** Expands a validated study into its runs: for every optimizer and seed, one STL run per task and one MTL run per method. */
public final class StudyExpansion {
    /** The method name an STL run reports: with one task every weighting is the identity. */
    public static final String STL_METHOD = "stl";

    private StudyExpansion() {
    }

    public static List<RunPlan> expand(StudySpec spec) {
        List<RunPlan> runs = new ArrayList<>();
        for (StudySpec.OptimizerSpec optimizer : spec.optimizers()) {
            for (long seed : spec.seeds()) {
                for (String task : spec.taskNames()) {
                    runs.add(new RunPlan(RunKind.STL, List.of(task), optimizer, STL_METHOD, seed));
                }
                for (String method : spec.methods()) {
                    runs.add(new RunPlan(RunKind.MTL, spec.taskNames(), optimizer, method.toLowerCase(java.util.Locale.ROOT), seed));
                }
            }
        }
        return runs;
    }

    public static int runCount(StudySpec spec) {
        return spec.optimizers().size() * spec.seeds().size() * (spec.tasks().size() + spec.methods().size());
    }
}
