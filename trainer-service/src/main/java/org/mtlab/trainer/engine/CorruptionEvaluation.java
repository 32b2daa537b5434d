package org.mtlab.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.data.Corruptions;
import org.mtlab.core.data.TaskData;

/**
 * After training, the run's model on corrupted copies of its test split ({@link Corruptions}): every type at every
 * severity of the study's {@code corruptions}, each as metrics of split {@code corrupted:<type>:<severity>} appended
 * to the final metrics. A dataset without images is left as it is (the validator refuses such a study).
 */
final class CorruptionEvaluation {
    private CorruptionEvaluation() {
    }

    static List<RunEvent.Metric> append(List<RunEvent.Metric> last, StudySpec.CorruptionSpec spec, TaskData dataset,
                                        BiFunction<TaskData.Split, String, List<RunEvent.Metric>> evaluate) {
        int[] shape = dataset.imageShape();
        if (shape == null || spec.types() == null || spec.severities() == null || dataset.test().size() == 0) {
            return last;
        }
        List<RunEvent.Metric> out = new ArrayList<>(last);
        for (String type : spec.types()) {
            for (int severity : spec.severities()) {
                TaskData.Split corrupted = Corruptions.corrupt(dataset.test(), shape, type, severity, spec.seedOrDefault());
                out.addAll(evaluate.apply(corrupted, Corruptions.splitName(type, severity)));
            }
        }
        return List.copyOf(out);
    }
}
