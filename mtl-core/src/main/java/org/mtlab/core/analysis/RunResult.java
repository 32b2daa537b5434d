package org.mtlab.core.analysis;

import java.util.List;
import java.util.UUID;
import org.mtlab.core.contract.RunKind;

/**
 * A finished run as the study analysis sees it: what it was and its primary metric per task on the test split (the
 * first test metric the trainer reports for that task) and, where known, on the validation split — both at the epoch
 * the validation-only selection chose ({@link LearningRateSelection}), or at the end of training.
 *
 * @param learningRate      the run's learning rate; NaN when not known
 * @param validationMetrics the same metrics on the validation split (empty when not known)
 * @param epoch             the epoch the metrics are taken at; null for "the end of training"
 */
public record RunResult(UUID runId, RunKind kind, List<String> tasks, String optimizer, String method, long seed,
                        List<TaskMetric> testMetrics, double learningRate, List<TaskMetric> validationMetrics,
                        Integer epoch) {

    /** A run known by its final test metrics only. */
    public RunResult(UUID runId, RunKind kind, List<String> tasks, String optimizer, String method, long seed,
                     List<TaskMetric> testMetrics) {
        this(runId, kind, tasks, optimizer, method, seed, testMetrics, Double.NaN, List.of(), null);
    }

    public record TaskMetric(String task, String metric, double value, boolean higherIsBetter) {
    }

    public TaskMetric metricOf(String task) {
        return testMetrics.stream().filter(m -> m.task().equals(task)).findFirst().orElse(null);
    }

    public TaskMetric validationOf(String task) {
        return validationMetrics.stream().filter(m -> m.task().equals(task)).findFirst().orElse(null);
    }
}
