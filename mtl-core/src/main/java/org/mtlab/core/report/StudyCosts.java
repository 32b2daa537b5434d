package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import org.mtlab.core.analysis.LearningRateSelection;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.analysis.RunResult;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.report.StudyReport.ConfigurationCost;
import org.mtlab.core.report.StudyReport.CostSummary;
import org.mtlab.core.report.StudyReport.Savings;

/** Training cost per configuration and for the study, and one MTL model against the T STL models it replaces. */
final class StudyCosts {
    static final String RULE = "wall time of a run: its first STARTED to its COMPLETED event (trainer clock; a resumed "
            + "run includes the time it waited); a configuration's cost covers all its runs, every learning rate of its "
            + "grid; GPU-hours: the runs whose trainer named a GPU device. Savings: the MTL configuration the "
            + "verdict speaks of (the recommended one; when none keeps every margin, the closest; else the one with the "
            + "best value-weighted gain) against the STL baseline models of its "
            + "tasks, from the trainer's own figures on the chosen runs (mean over seeds): parameter count, training "
            + "time, and inference latency per sample (batched forward over the test split after a warm-up); serving "
            + "all tasks with STL means running each task's model, so STL latencies add up";

    private StudyCosts() {
    }

    static CostSummary summarise(List<String> tasks, List<RunHistory> runs, LearningRateSelection.Result selection,
                                 Map<String, StudyAnalysis.StlBaseline> baselines, String subject,
                                 List<StudyReport.Configuration> configurations) {
        Map<String, List<RunHistory>> byConfiguration = new TreeMap<>();
        long computeMs = 0;
        long gpuMs = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int timed = 0;
        for (RunHistory r : runs) {
            if (r.wallMs() == null) {
                continue;
            }
            timed++;
            computeMs += r.wallMs();
            gpuMs += r.onGpu() ? r.wallMs() : 0;
            first = Math.min(first, r.startedAtMs());
            last = Math.max(last, r.finishedAtMs());
            byConfiguration.computeIfAbsent(labelOf(r), k -> new ArrayList<>()).add(r);
        }
        List<ConfigurationCost> costs = new ArrayList<>();
        byConfiguration.forEach((label, list) -> {
            double seconds = list.stream().mapToLong(RunHistory::wallMs).sum() / 1000.0;
            double gpu = list.stream().filter(RunHistory::onGpu).mapToLong(RunHistory::wallMs).sum() / 3_600_000.0;
            costs.add(new ConfigurationCost(label, list.get(0).kind().name(), list.size(), seconds, seconds / list.size(), gpu));
        });
        Savings savings = savings(tasks, runs, selection, baselines, subject, configurations);
        List<String> findings = new ArrayList<>();
        if (timed > 0) {
            findings.add("The study used " + Fmt.fixed(computeMs / 3_600_000.0, 3) + " compute-hours of training over "
                    + timed + " finished runs (" + Fmt.fixed((last - first) / 3_600_000.0, 3) + " hours elapsed)"
                    + (gpuMs > 0 ? ", " + Fmt.fixed(gpuMs / 3_600_000.0, 3) + " of them GPU-hours." : ", all on CPU."));
        }
        if (savings != null && savings.sentence() != null) {
            findings.add(savings.sentence());
        }
        return new CostSummary(RULE, timed, timed == 0 ? null : computeMs / 3_600_000.0,
                timed == 0 ? null : (last - first) / 3_600_000.0, gpuMs / 3_600_000.0, costs, savings, findings);
    }

    private static String labelOf(RunHistory r) {
        return r.kind() == RunKind.STL ? "stl[" + String.join(",", r.tasks()) + "]/" + r.optimizer()
                : r.optimizer() + "/" + r.method();
    }

    private static Savings savings(List<String> tasks, List<RunHistory> runs, LearningRateSelection.Result selection,
                                   Map<String, StudyAnalysis.StlBaseline> baselines, String subject,
                                   List<StudyReport.Configuration> configurations) {
        if (selection == null || configurations.isEmpty() || baselines.size() < tasks.size()) {
            return null;
        }
        String mtl = subject != null ? subject
                : configurations.stream().filter(c -> c.valueWeightedGainPercent() != null)
                        .max(Comparator.comparingDouble(StudyReport.Configuration::valueWeightedGainPercent))
                        .map(StudyReport.Configuration::label).orElse(configurations.get(0).label());
        Map<UUID, RunCost> cost = new HashMap<>();
        runs.forEach(r -> {
            if (r.cost() != null) {
                cost.put(r.runId(), r.cost());
            }
        });
        List<RunCost> mtlCosts = selection.selected().stream()
                .filter(r -> r.kind() == RunKind.MTL && (r.optimizer() + "/" + r.method()).equals(mtl))
                .map(r -> cost.get(r.runId())).toList();
        Double mtlParams = mean(mtlCosts, RunCost::parameters);
        Double mtlTrain = mean(mtlCosts, c -> c.trainingMs() / 1000.0);
        Double mtlLatency = mean(mtlCosts, RunCost::inferenceMicrosPerSample);
        Double stlParams = 0.0;
        Double stlTrain = 0.0;
        Double stlLatency = 0.0;
        for (String task : tasks) {
            String optimizer = baselines.get(task).bestOptimizer();
            List<RunCost> stl = selection.selected().stream()
                    .filter(r -> r.kind() == RunKind.STL && r.tasks().equals(List.of(task)) && r.optimizer().equals(optimizer))
                    .map(RunResult::runId).map(cost::get).toList();
            stlParams = add(stlParams, mean(stl, RunCost::parameters));
            stlTrain = add(stlTrain, mean(stl, c -> c.trainingMs() / 1000.0));
            stlLatency = add(stlLatency, mean(stl, RunCost::inferenceMicrosPerSample));
        }
        Double reduction = mtlParams == null || stlParams == null || stlParams == 0 ? null : 100 * (1 - mtlParams / stlParams);
        Double speedup = mtlLatency == null || stlLatency == null || mtlLatency == 0 ? null : stlLatency / mtlLatency;
        String sentence = null;
        if (reduction != null && speedup != null && mtlTrain != null && stlTrain != null) {
            int t = tasks.size();
            sentence = "One model instead of " + t + ": " + (reduction >= 0 ? Fmt.fixed(reduction, 1) + "% fewer"
                    : Fmt.fixed(-reduction, 1) + "% more") + " parameters (" + Math.round(mtlParams) + " for " + mtl
                    + " vs " + Math.round(stlParams) + " for the " + t + " STL models), " + Fmt.fixed(speedup, 2)
                    + "× " + (speedup >= 1 ? "faster" : "the speed") + " to serve all tasks (" + Fmt.fixed(mtlLatency, 3)
                    + " vs " + Fmt.fixed(stlLatency, 3) + " µs per sample on the trainer), and "
                    + Fmt.fixed(mtlTrain, 1) + " s to train vs " + Fmt.fixed(stlTrain, 1) + " s for the " + t
                    + " STL models — next to the accuracy trade-off above.";
        }
        return new Savings(mtl, tasks.size(), mtlParams, stlParams, reduction, mtlTrain, stlTrain, mtlLatency, stlLatency,
                speedup, sentence);
    }

    /** Mean of a figure over runs; null when no run or any run lacks its cost. */
    private static Double mean(List<RunCost> costs, ToDoubleFunction<RunCost> figure) {
        if (costs.isEmpty() || costs.stream().anyMatch(java.util.Objects::isNull)) {
            return null;
        }
        return costs.stream().mapToDouble(figure).average().orElseThrow();
    }

    private static Double add(Double sum, Double value) {
        return sum == null || value == null ? null : sum + value;
    }
}
