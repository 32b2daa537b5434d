package org.mtlab.core.contract;

import java.util.List;

/** One run of a study before it has an id: what to train and how. */
public record RunPlan(RunKind kind, List<String> tasks, StudySpec.OptimizerSpec optimizer, String method, long seed) {

    /** A short human label, e.g. {@code mtl/adam/ew/seed=1} or {@code stl[y1]/sgd/seed=2}. */
    public String label() {
        String what = kind == RunKind.STL ? "stl[" + String.join(",", tasks) + "]" : "mtl/" + method;
        return kind == RunKind.STL
                ? what + "/" + optimizer.name() + "/seed=" + seed
                : "mtl/" + optimizer.name() + "/" + method + "/seed=" + seed;
    }
}
