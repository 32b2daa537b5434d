package org.mtlab.core.analysis;

import java.util.List;
import java.util.UUID;
import org.mtlab.core.contract.RunKind;

/**
 * A finished run as the study analysis sees it: what it was and its primary test metric per task (the first test
 * metric the trainer reports for that task).
 */
public record RunResult(UUID runId, RunKind kind, List<String> tasks, String optimizer, String method, long seed,
                        List<TaskMetric> testMetrics) {

    public record TaskMetric(String task, String metric, double value, boolean higherIsBetter) {
    }

    public TaskMetric metricOf(String task) {
        return testMetrics.stream().filter(m -> m.task().equals(task)).findFirst().orElse(null);
    }
}
