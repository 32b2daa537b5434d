package org.mtlab.core.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.pareto.DeltaM;
import org.mtlab.core.pareto.Direction;
import org.mtlab.core.pareto.Pareto;

/**
 * Study-level results from finished runs: STL baselines, Δm of every MTL run and configuration, and the Pareto front.
 *
 * <p>Decisions, stated so that every figure can be read without guessing:
 * <ul>
 *   <li>STL baseline of a task: the STL configuration (optimizer) with the best mean VALIDATION metric over seeds
 *       (the test metric only for runs that report no validation figures) — MTL is compared with single-task
 *       training at its own best setting, chosen without looking at the test split.</li>
 *   <li>Pareto points: each MTL run is a point (its per-task metrics); the STL runs of one optimizer and seed
 *       together form one point (T separate models, one per task), so STL competes on the same axes.</li>
 * </ul>
 */
public final class StudyAnalysis {
    public static final String DELTA_M_CONVENTIONS = "deltaMPercent: literature convention, percent, LOWER is better "
            + "(100/K Σ_k (−1)^{l_k}(M_mtl,k − M_stl,k)/M_stl,k). improvementFraction: LibMTL convention, fraction, "
            + "HIGHER is better, averaged within each task first. Both against the STL baseline of each task.";

    private StudyAnalysis() {
    }

    public record Spread(double mean, double std, int n) {
        static Spread of(List<Double> values) {
            RunningStat s = new RunningStat();
            values.forEach(s::add);
            return new Spread(s.mean(), s.std(), values.size());
        }
    }

    public record StlOption(String optimizer, Spread metric) {
    }

    public record StlBaseline(String task, String metric, boolean higherIsBetter, String bestOptimizer, Spread value,
                              List<StlOption> byOptimizer) {
    }

    public record RunDelta(String runId, String optimizer, String method, long seed, double deltaMPercent,
                           double improvementFraction) {
    }

    public record Configuration(String optimizer, String method, Map<String, Spread> perTask, Spread deltaMPercent,
                                Spread improvementFraction, int seeds) {
    }

    public record ParetoPoint(String label, String kind, String optimizer, String method, long seed,
                              Map<String, Double> values, boolean onFront) {
    }

    public record Result(String deltaMConventions, List<String> tasks, int finishedRuns, List<StlBaseline> stlBaselines,
                         List<RunDelta> runs, List<Configuration> configurations, List<ParetoPoint> paretoPoints,
                         Map<String, Long> frontMembersByOptimizer, List<String> notes) {
    }

    public static Result analyse(List<String> tasks, List<RunResult> finished) {
        List<String> notes = new ArrayList<>();
        Map<String, StlBaseline> baselines = new LinkedHashMap<>();
        for (String task : tasks) {
            StlBaseline baseline = baselineOf(task, finished);
            if (baseline == null) {
                notes.add("no finished STL run for task " + task + " yet: Δm is not available");
            } else {
                baselines.put(task, baseline);
            }
        }
        List<RunDelta> deltas = new ArrayList<>();
        List<RunResult> mtlRuns = finished.stream()
                .filter(r -> r.kind() == RunKind.MTL && tasks.stream().allMatch(t -> r.metricOf(t) != null)).toList();
        if (baselines.size() == tasks.size()) {
            for (RunResult run : mtlRuns) {
                double[] mtl = new double[tasks.size()];
                double[] stl = new double[tasks.size()];
                Direction[] directions = new Direction[tasks.size()];
                int[] taskOf = new int[tasks.size()];
                for (int k = 0; k < tasks.size(); k++) {
                    RunResult.TaskMetric m = run.metricOf(tasks.get(k));
                    mtl[k] = m.value();
                    stl[k] = baselines.get(tasks.get(k)).value().mean();
                    directions[k] = m.higherIsBetter() ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER;
                    taskOf[k] = k;
                }
                deltas.add(new RunDelta(run.runId().toString(), run.optimizer(), run.method(), run.seed(),
                        DeltaM.deltaMPercentLowerIsBetter(mtl, stl, directions),
                        DeltaM.improvementFractionHigherIsBetter(mtl, stl, directions, taskOf)));
            }
        }
        List<Configuration> configurations = configurationsOf(tasks, mtlRuns, deltas);
        List<ParetoPoint> points = paretoPoints(tasks, finished, mtlRuns);
        Map<String, Long> frontByOptimizer = points.stream().filter(ParetoPoint::onFront)
                .collect(Collectors.groupingBy(ParetoPoint::optimizer, TreeMap::new, Collectors.counting()));
        return new Result(DELTA_M_CONVENTIONS, tasks, finished.size(), List.copyOf(baselines.values()), deltas,
                configurations, points, frontByOptimizer, notes);
    }

    private static StlBaseline baselineOf(String task, List<RunResult> finished) {
        Map<String, List<RunResult>> byOptimizer = new TreeMap<>();
        for (RunResult r : finished) {
            if (r.kind() == RunKind.STL && r.tasks().equals(List.of(task)) && r.metricOf(task) != null) {
                byOptimizer.computeIfAbsent(r.optimizer(), k -> new ArrayList<>()).add(r);
            }
        }
        if (byOptimizer.isEmpty()) {
            return null;
        }
        RunResult.TaskMetric any = byOptimizer.values().iterator().next().get(0).metricOf(task);
        List<StlOption> options = byOptimizer.entrySet().stream()
                .map(e -> new StlOption(e.getKey(), Spread.of(e.getValue().stream().map(r -> r.metricOf(task).value()).toList())))
                .toList();
        boolean validation = byOptimizer.values().stream().flatMap(List::stream).allMatch(r -> r.validationOf(task) != null);
        // the choice among optimizers looks at validation whenever every run has it: never at test when it can avoid it
        Map<String, Double> score = new TreeMap<>();
        byOptimizer.forEach((optimizer, runs) -> score.put(optimizer, runs.stream()
                .mapToDouble(r -> validation ? r.validationOf(task).value() : r.metricOf(task).value()).average().orElseThrow()));
        Comparator<StlOption> better = Comparator.comparingDouble(o -> score.get(o.optimizer()));
        StlOption best = any.higherIsBetter() ? options.stream().max(better).orElseThrow()
                : options.stream().min(better).orElseThrow();
        return new StlBaseline(task, any.metric(), any.higherIsBetter(), best.optimizer(), best.metric(), options);
    }

    private static List<Configuration> configurationsOf(List<String> tasks, List<RunResult> mtlRuns, List<RunDelta> deltas) {
        Map<String, List<RunResult>> groups = mtlRuns.stream()
                .collect(Collectors.groupingBy(r -> r.optimizer() + "\u0000" + r.method(), TreeMap::new, Collectors.toList()));
        List<Configuration> out = new ArrayList<>();
        for (List<RunResult> group : groups.values()) {
            RunResult first = group.get(0);
            Map<String, Spread> perTask = new LinkedHashMap<>();
            for (String task : tasks) {
                perTask.put(task, Spread.of(group.stream().map(r -> r.metricOf(task).value()).toList()));
            }
            List<RunDelta> mine = deltas.stream()
                    .filter(d -> d.optimizer().equals(first.optimizer()) && d.method().equals(first.method())).toList();
            out.add(new Configuration(first.optimizer(), first.method(), perTask,
                    mine.isEmpty() ? null : Spread.of(mine.stream().map(RunDelta::deltaMPercent).toList()),
                    mine.isEmpty() ? null : Spread.of(mine.stream().map(RunDelta::improvementFraction).toList()),
                    group.size()));
        }
        return out;
    }

    private static List<ParetoPoint> paretoPoints(List<String> tasks, List<RunResult> finished, List<RunResult> mtlRuns) {
        List<ParetoPoint> candidates = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        Direction[] directions = null;
        for (RunResult run : mtlRuns) {
            double[] v = tasks.stream().mapToDouble(t -> run.metricOf(t).value()).toArray();
            directions = directionsOf(tasks, run);
            candidates.add(point("mtl/" + run.optimizer() + "/" + run.method() + "/seed=" + run.seed(), "MTL",
                    run.optimizer(), run.method(), run.seed(), tasks, v));
            values.add(v);
        }
        // STL: the T single-task runs of one optimizer and seed form one composite point
        Map<String, Map<String, RunResult>> stlGroups = new TreeMap<>();
        for (RunResult r : finished) {
            if (r.kind() == RunKind.STL && r.tasks().size() == 1 && r.metricOf(r.tasks().get(0)) != null) {
                stlGroups.computeIfAbsent(r.optimizer() + "\u0000" + r.seed(), k -> new LinkedHashMap<>()).put(r.tasks().get(0), r);
            }
        }
        for (Map<String, RunResult> group : stlGroups.values()) {
            if (!group.keySet().containsAll(tasks)) {
                continue;
            }
            RunResult first = group.values().iterator().next();
            double[] v = tasks.stream().mapToDouble(t -> group.get(t).metricOf(t).value()).toArray();
            directions = tasks.stream().map(t -> group.get(t).metricOf(t).higherIsBetter()
                    ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER).toArray(Direction[]::new);
            candidates.add(point("stl/" + first.optimizer() + "/seed=" + first.seed(), "STL", first.optimizer(), "stl",
                    first.seed(), tasks, v));
            values.add(v);
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<Integer> front = Pareto.front(values.toArray(double[][]::new), directions);
        List<ParetoPoint> out = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            ParetoPoint p = candidates.get(i);
            out.add(new ParetoPoint(p.label(), p.kind(), p.optimizer(), p.method(), p.seed(), p.values(), front.contains(i)));
        }
        return out;
    }

    private static Direction[] directionsOf(List<String> tasks, RunResult run) {
        return tasks.stream().map(t -> run.metricOf(t).higherIsBetter() ? Direction.HIGHER_IS_BETTER
                : Direction.LOWER_IS_BETTER).toArray(Direction[]::new);
    }

    private static ParetoPoint point(String label, String kind, String optimizer, String method, long seed,
                                     List<String> tasks, double[] v) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            values.put(tasks.get(k), v[k]);
        }
        return new ParetoPoint(label, kind, optimizer, method, seed, values, false);
    }
}
