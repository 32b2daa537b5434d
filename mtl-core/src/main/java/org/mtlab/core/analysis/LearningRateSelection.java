package org.mtlab.core.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.pareto.DeltaM;
import org.mtlab.core.pareto.Direction;

/**
 * Chooses, for every configuration, its learning rate and its epoch on the validation split only, so that Adam and
 * SGD, and STL and MTL, are compared each at its own best setting (Elich et al. select on validation Δm over a grid
 * of ten learning rates). The test split is read only after the choice, at the chosen runs and epoch.
 *
 * <p>Rule ({@link #RULE}): an STL configuration (task × optimizer) takes the (learning rate, epoch) with the best mean
 * over seeds of its validation metric; the STL baseline of a task is then the optimizer with the best validation mean
 * at its chosen setting. An MTL configuration (optimizer × method) takes the (learning rate, epoch) with the lowest
 * mean over seeds of its validation Δm% against those STL baselines' validation means. Only epochs every seed of a
 * learning rate has evaluated count. Ties go to the smaller learning rate, then the earlier epoch.
 */
public final class LearningRateSelection {
    public static final String RULE = "selection on the validation split only: each STL configuration (task × "
            + "optimizer) takes the learning rate and epoch with the best mean validation metric over seeds, and the STL "
            + "baseline of a task is the optimizer best on validation; each MTL configuration (optimizer × method) takes "
            + "the learning rate and epoch with the lowest mean validation Δm% (lower is better) against the STL "
            + "baselines' validation means; only epochs evaluated by every seed count; ties: smaller learning rate, then "
            + "earlier epoch. The report's figures are the TEST metrics of the chosen runs at the chosen epoch.";

    private LearningRateSelection() {
    }

    /** One (learning rate, epoch) a configuration could take, with its mean validation score over seeds. */
    public record Candidate(double learningRate, int epoch, double validationScore, int seeds) {
    }

    /**
     * What one configuration chose.
     *
     * @param configuration   "stl[task]/optimizer" or "optimizer/method"
     * @param score           what the validation score is: the metric's name, or "Δm%"
     * @param higherIsBetter  the score's direction
     * @param epoch           the chosen epoch; null when the runs report only their final metrics
     * @param bestPerRate     per learning rate, its best epoch and score (what was compared)
     */
    public record Choice(String configuration, RunKind kind, String task, String optimizer, String method,
                         double learningRate, Integer epoch, String score, double validationScore,
                         boolean higherIsBetter, int seeds, List<Candidate> bestPerRate) {
    }

    public record Result(String rule, List<Choice> choices, List<RunResult> selected, List<String> notes) {
    }

    public static Result select(List<String> tasks, List<RunHistory> runs) {
        List<String> notes = new ArrayList<>();
        List<Choice> choices = new ArrayList<>();
        List<RunResult> selected = new ArrayList<>();
        List<RunHistory> finished = runs.stream().filter(RunHistory::finished).toList();

        // STL: per task × optimizer
        Map<String, Double> stlValidation = new LinkedHashMap<>();
        for (String task : tasks) {
            Map<String, List<RunHistory>> byOptimizer = new TreeMap<>();
            finished.stream().filter(r -> r.kind() == RunKind.STL && r.tasks().equals(List.of(task)))
                    .forEach(r -> byOptimizer.computeIfAbsent(r.optimizer(), k -> new ArrayList<>()).add(r));
            Choice bestOfTask = null;
            for (var entry : byOptimizer.entrySet()) {
                Choice c = choose("stl[" + task + "]/" + entry.getKey(), RunKind.STL, task, entry.getKey(), "stl",
                        entry.getValue(), r -> validationScoreStl(r, task), higherIsBetterOf(entry.getValue(), task),
                        metricNameOf(entry.getValue(), task), notes);
                if (c == null) {
                    continue;
                }
                choices.add(c);
                selected.addAll(chosenRuns(entry.getValue(), c));
                if (bestOfTask == null || better(c.validationScore(), bestOfTask.validationScore(), c.higherIsBetter())) {
                    bestOfTask = c;
                }
            }
            if (bestOfTask != null && !Double.isNaN(bestOfTask.validationScore())) {
                stlValidation.put(task, bestOfTask.validationScore());
            }
        }

        // MTL: per optimizer × method, on validation Δm% against the STL validation baselines
        List<RunHistory> mtl = finished.stream().filter(r -> r.kind() == RunKind.MTL).toList();
        Map<String, Double> reference = new LinkedHashMap<>(stlValidation);
        if (!mtl.isEmpty() && reference.size() < tasks.size()) {
            notes.add("MTL learning rates chosen without every STL baseline: validation Δm% against the mean validation "
                    + "metric of all MTL evaluations for the tasks without one (a fixed scale per task, so the choice "
                    + "may change once the baselines finish)");
            for (String task : tasks) {
                reference.computeIfAbsent(task, t -> meanValidation(mtl, t));
            }
        }
        Map<String, List<RunHistory>> configurations = new TreeMap<>();
        mtl.forEach(r -> configurations.computeIfAbsent(r.optimizer() + "/" + r.method(), k -> new ArrayList<>()).add(r));
        for (var entry : configurations.entrySet()) {
            RunHistory first = entry.getValue().get(0);
            Choice c = choose(entry.getKey(), RunKind.MTL, null, first.optimizer(), first.method(), entry.getValue(),
                    r -> validationDeltaM(r, tasks, reference), false, "Δm%", notes);
            if (c != null) {
                choices.add(c);
                selected.addAll(chosenRuns(entry.getValue(), c));
            }
        }
        return new Result(RULE, choices, selected, notes);
    }

    /** Per evaluation of a run (epoch → validation score); NaN where the validation metric is missing. */
    private interface Scorer {
        Map<Integer, Double> scores(RunHistory run);
    }

    private static Map<Integer, Double> validationScoreStl(RunHistory run, String task) {
        Map<Integer, Double> out = new TreeMap<>();
        run.byEpoch("validation").forEach((epoch, m) -> {
            if (m.containsKey(task)) {
                out.put(epoch, m.get(task).value());
            }
        });
        if (out.isEmpty()) {
            run.byEpoch("test").keySet().forEach(epoch -> out.put(epoch, Double.NaN));
        }
        return out;
    }

    private static Map<Integer, Double> validationDeltaM(RunHistory run, List<String> tasks, Map<String, Double> reference) {
        Map<Integer, Double> out = new TreeMap<>();
        run.byEpoch("validation").forEach((epoch, m) -> {
            if (m.keySet().containsAll(tasks) && reference.keySet().containsAll(tasks)) {
                double[] v = new double[tasks.size()];
                double[] ref = new double[tasks.size()];
                Direction[] d = new Direction[tasks.size()];
                for (int k = 0; k < tasks.size(); k++) {
                    RunResult.TaskMetric metric = m.get(tasks.get(k));
                    v[k] = metric.value();
                    ref[k] = reference.get(tasks.get(k));
                    d[k] = metric.higherIsBetter() ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER;
                }
                out.put(epoch, DeltaM.deltaMPercentLowerIsBetter(v, ref, d));
            }
        });
        if (out.isEmpty()) {
            run.byEpoch("test").keySet().forEach(epoch -> out.put(epoch, Double.NaN));
        }
        return out;
    }

    private static Choice choose(String label, RunKind kind, String task, String optimizer, String method,
                                 List<RunHistory> runs, Scorer scorer, boolean higherIsBetter, String scoreName,
                                 List<String> notes) {
        Map<Double, List<RunHistory>> byRate = new TreeMap<>();
        runs.forEach(r -> byRate.computeIfAbsent(r.learningRate(), k -> new ArrayList<>()).add(r));
        List<Candidate> bestPerRate = new ArrayList<>();
        Candidate best = null;
        boolean missingValidation = false;
        for (var entry : byRate.entrySet()) {
            List<Map<Integer, Double>> perSeed = entry.getValue().stream().map(scorer::scores).toList();
            Set<Integer> common = new TreeSet<>(perSeed.get(0).keySet());
            perSeed.forEach(s -> common.retainAll(s.keySet()));
            Candidate bestHere = null;
            for (int epoch : common) {
                double sum = 0;
                for (Map<Integer, Double> s : perSeed) {
                    sum += s.get(epoch);
                }
                double mean = sum / perSeed.size();
                missingValidation |= Double.isNaN(mean);
                Candidate c = new Candidate(entry.getKey(), epoch, mean, perSeed.size());
                if (bestHere == null || better(mean, bestHere.validationScore(), higherIsBetter)) {
                    bestHere = c;
                }
            }
            if (bestHere != null) {
                bestPerRate.add(bestHere);
                if (best == null || better(bestHere.validationScore(), best.validationScore(), higherIsBetter)) {
                    best = bestHere;
                }
            }
        }
        if (best == null) {
            return null;
        }
        if (missingValidation) {
            // never fall back to the test split: without validation figures the choice is the first candidate
            notes.add(label + ": no validation metrics, so no learning rate or epoch could be selected; "
                    + "reported at the smallest learning rate and its last evaluation");
            Candidate first = bestPerRate.get(0);
            List<Integer> epochs = new ArrayList<>(scorer.scores(byRate.get(first.learningRate()).get(0)).keySet());
            best = new Candidate(first.learningRate(), epochs.get(epochs.size() - 1), Double.NaN, first.seeds());
        }
        return new Choice(label, kind, task, optimizer, method, best.learningRate(),
                best.epoch() == Integer.MAX_VALUE ? null : best.epoch(), scoreName, best.validationScore(),
                higherIsBetter, best.seeds(), bestPerRate);
    }

    /** Strictly better: ties keep the earlier candidate (smaller learning rate, earlier epoch). NaN never wins. */
    private static boolean better(double candidate, double incumbent, boolean higherIsBetter) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        if (Double.isNaN(incumbent)) {
            return true;
        }
        return higherIsBetter ? candidate > incumbent : candidate < incumbent;
    }

    private static List<RunResult> chosenRuns(List<RunHistory> runs, Choice c) {
        int epoch = c.epoch() == null ? Integer.MAX_VALUE : c.epoch();
        return runs.stream().filter(r -> Double.compare(r.learningRate(), c.learningRate()) == 0)
                .map(r -> r.at(epoch)).filter(r -> !r.testMetrics().isEmpty()).toList();
    }

    private static boolean higherIsBetterOf(List<RunHistory> runs, String task) {
        for (RunHistory r : runs) {
            for (var m : r.byEpoch("test").values()) {
                if (m.containsKey(task)) {
                    return m.get(task).higherIsBetter();
                }
            }
        }
        return false;
    }

    private static String metricNameOf(List<RunHistory> runs, String task) {
        for (RunHistory r : runs) {
            for (var m : r.byEpoch("test").values()) {
                if (m.containsKey(task)) {
                    return m.get(task).metric();
                }
            }
        }
        return "metric";
    }

    private static double meanValidation(List<RunHistory> runs, String task) {
        RunningStat s = new RunningStat();
        for (RunHistory r : runs) {
            r.byEpoch("validation").values().forEach(m -> {
                if (m.containsKey(task)) {
                    s.add(m.get(task).value());
                }
            });
        }
        return s.count() == 0 ? Double.NaN : s.mean();
    }
}
