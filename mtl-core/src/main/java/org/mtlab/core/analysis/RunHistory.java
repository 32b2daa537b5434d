package org.mtlab.core.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;

/**
 * Everything the report needs of one run: what it was, its evaluation after every epoch (validation and test), its
 * final metrics, when it started and finished (trainer clock, from its run events), where it ran and what it cost.
 *
 * @param epochs        per epoch, the EVAL event's metrics (validation and test per task); may be empty
 * @param finalMetrics  the COMPLETED event's metrics; null while the run is not finished
 * @param startedAtMs   timestamp of the run's first STARTED event; null when not seen
 * @param finishedAtMs  timestamp of its COMPLETED (or FAILED) event; null while running
 * @param device        the device its STARTED event named, e.g. {@code cpu} or {@code gpu:0}; null when not known
 * @param cost          the COMPLETED event's cost figures; null from trainers that do not send them
 */
public record RunHistory(UUID runId, RunKind kind, List<String> tasks, String optimizer, double learningRate,
                         String method, long seed, List<EpochMetrics> epochs, List<RunEvent.Metric> finalMetrics,
                         Long startedAtMs, Long finishedAtMs, String device, RunCost cost) {

    /** The metrics of one evaluation after epoch {@code epoch} (1-based). */
    public record EpochMetrics(int epoch, List<RunEvent.Metric> metrics) {
    }

    public boolean finished() {
        return finalMetrics != null;
    }

    /** Wall time from its first STARTED to its COMPLETED event, or null. */
    public Long wallMs() {
        return startedAtMs == null || finishedAtMs == null ? null : Math.max(0, finishedAtMs - startedAtMs);
    }

    public boolean onGpu() {
        return device != null && device.startsWith("gpu");
    }

    /**
     * The run's evaluations by epoch, each as task → primary metric on {@code split} (the first metric of the task on
     * the test split names the primary metric; the same name is read on the validation split). When the run has no
     * per-epoch evaluations its final metrics count as one evaluation, under the key {@code Integer.MAX_VALUE}.
     */
    public Map<Integer, Map<String, RunResult.TaskMetric>> byEpoch(String split) {
        Map<Integer, Map<String, RunResult.TaskMetric>> out = new TreeMap<>();
        if (epochs.isEmpty() && finalMetrics != null) {
            Map<String, RunResult.TaskMetric> m = primary(finalMetrics, split);
            if (!m.isEmpty()) {
                out.put(Integer.MAX_VALUE, m);
            }
            return out;
        }
        for (EpochMetrics e : epochs) {
            Map<String, RunResult.TaskMetric> m = primary(e.metrics(), split);
            if (!m.isEmpty()) {
                out.put(e.epoch(), m);
            }
        }
        return out;
    }

    /** Per task, the primary metric on {@code split}: the name of the task's first test metric. */
    static Map<String, RunResult.TaskMetric> primary(List<RunEvent.Metric> metrics, String split) {
        Map<String, String> names = new LinkedHashMap<>();
        for (RunEvent.Metric m : metrics) {
            if ("test".equals(m.split())) {
                names.putIfAbsent(m.task(), m.name());
            }
        }
        if (names.isEmpty()) {
            // validation only: its first metric per task is the primary one
            metrics.forEach(m -> names.putIfAbsent(m.task(), m.name()));
        }
        Map<String, RunResult.TaskMetric> out = new LinkedHashMap<>();
        for (RunEvent.Metric m : metrics) {
            if (split.equals(m.split()) && m.name().equals(names.get(m.task())) && !out.containsKey(m.task())) {
                out.put(m.task(), new RunResult.TaskMetric(m.task(), m.name(), m.value(), m.higherIsBetter()));
            }
        }
        return out;
    }

    /** The run read at one evaluation: its test and validation metrics there. */
    public RunResult at(Integer epoch) {
        Map<String, RunResult.TaskMetric> test = byEpoch("test").getOrDefault(epoch, Map.of());
        Map<String, RunResult.TaskMetric> validation = byEpoch("validation").getOrDefault(epoch, Map.of());
        return new RunResult(runId, kind, tasks, optimizer, method, seed, new ArrayList<>(test.values()), learningRate,
                new ArrayList<>(validation.values()), epoch == null || epoch == Integer.MAX_VALUE ? null : epoch);
    }
}
