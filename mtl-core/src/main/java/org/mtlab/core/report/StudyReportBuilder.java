package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtlab.core.analysis.LearningRateSelection;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.analysis.RunResult;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.analysis.StudyAnalysis.Spread;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.pareto.Direction;
import org.mtlab.core.pareto.Hypervolume;
import org.mtlab.core.pareto.Pareto;
import org.mtlab.core.report.StudyReport.Configuration;
import org.mtlab.core.report.StudyReport.ConflictEvidence;
import org.mtlab.core.report.StudyReport.OptimizerCount;
import org.mtlab.core.report.StudyReport.PairEvidence;
import org.mtlab.core.report.StudyReport.ParetoSummary;

/**
 * Builds a {@link StudyReport} from finished runs (their primary test metric per task) and the gradient statistics
 * of the MTL runs. STL baselines, configurations and Δm come from {@link StudyAnalysis}; this class adds the front
 * over configuration means, the hypervolume, the conflict evidence and the {@link Verdict}.
 */
public final class StudyReportBuilder {
    /** Label of the STL baseline point in "dominated by" lists. */
    public static final String STL_LABEL = "STL";
    public static final String ALL_MTL_RUNS = "all MTL runs";
    /** Magnitude similarity below this counts as "different" magnitudes: 2r/(1+r²) = 0.8 at a norm ratio r = 2. */
    public static final double MAGNITUDE_DIFFERENT_BELOW = 0.8;
    public static final double Z_95 = 1.96;

    public static final String REFERENCE_RULE = "reference point = the worst value per task among the MTL configuration "
            + "means and the STL baseline point, moved a further 10% of that task's range (best − worst) towards worse, "
            + "so that the extreme points contribute (10% of the value's magnitude, or 1 if it is 0, when all points "
            + "share a value); hypervolume in the tasks' metric units, higher is better";
    public static final String ANGLE_RULE = "angle: per task pair the mean cosine of the two tasks' gradients on the "
            + "shared trunk with the interval mean ± 1.96·std/√steps (steps pooled over a configuration's runs); "
            + "\"conflicting\" when the whole interval is below 0, \"aligned\" when above 0, otherwise \"not "
            + "distinguishable from orthogonal\". Consecutive steps are correlated, so the interval is narrower than an "
            + "independent-sample one: a screening rule, not a test";
    public static final String MAGNITUDE_RULE = "magnitude: mean magnitude similarity 2|g_a||g_b|/(|g_a|²+|g_b|²) "
            + "(1 = equal norms); \"different\" below 0.8, the value for a norm ratio of 2; norm ratio = larger mean "
            + "gradient norm / smaller";
    public static final String NO_BASELINE_STATEMENT = "The trainer does not yet send single-task (inter-sample) "
            + "gradient baselines, so this report cannot yet say whether the conflict between tasks exceeds the conflict "
            + "between samples of one task — Elich et al. (GCPR 2024) found that in angle it usually does not, and that "
            + "magnitude differences are what set MTL apart. The angle is compared with 0 (orthogonal gradients) and "
            + "the magnitude with equal norms only.";
    public static final String RECOMMENDATION_RULE = "recommended configuration: among the MTL configurations that keep "
            + "every task within its margin (the relative loss of the configuration's mean against the STL baseline "
            + "mean is at most the task's margin; a task without a margin is unconstrained), the one with the highest "
            + "value-weighted gain Σ_k v_k·g_k / Σ_k v_k, where g_k is the relative change against the STL baseline "
            + "mean in percent, positive when better whatever the metric's direction, and v_k the task's value "
            + "(default 1); ties by label. With equal values and no margins this is the configuration with the lowest "
            + "Δm%. When no configuration keeps every margin, none is recommended and the verdict names the closest "
            + "one: the configuration whose largest breach (percentage points beyond the margin) is smallest";
    public static final String PRIMARY_RULE = "primary task first: it is \"better beyond the seed spread\" under a "
            + "configuration when the Welch interval of that configuration against its STL baseline excludes 0 on the "
            + "better side; the verdict quotes the configuration with the largest such gain (or, when there is none, "
            + "the one with the best mean) and what it does to every other task";
    public static final String WARNING_RULES = "warnings: a task \"loses under every MTL configuration\" when every "
            + "configuration's mean is worse than its STL baseline mean by at least 0.05% (the smallest loss is quoted; a "
            + "smaller one would print as 0.0% and is not warned); an optimizer's "
            + "configurations are \"dominated\" when none of them is on the front of configuration means while another "
            + "optimizer's are";

    private StudyReportBuilder() {
    }

    /** Gradient statistics of one run, as persisted by the analysis service. */
    public record RunGradients(String runId, RunKind kind, String optimizer, String method, long seed,
                               RunGradientStatistics.Snapshot statistics) {
    }

    /** A report from final metrics alone: no learning-rate selection, no cost figures, the default decision. */
    public static StudyReport build(String studyId, List<String> tasks, int runsKnown, List<RunResult> finished,
                                    List<RunGradients> gradients) {
        return build(studyId, tasks, runsKnown, finished, gradients, null, null, null);
    }

    /**
     * The full report: every configuration's learning rate and epoch chosen on validation
     * ({@link LearningRateSelection}), the verdict by the study's primary task, values and margins, and the cost.
     *
     * @param runs      every run known (finished or not: the cost counts the finished ones)
     * @param decision  the study's decision fields; null for the defaults (first task primary, values 1, no margins)
     */
    public static StudyReport build(String studyId, List<String> tasks, int runsKnown, List<RunHistory> runs,
                                    List<RunGradients> gradients, StudyDecision decision) {
        // loss-scale probe runs get a section of their own: they are not configurations of the decision
        List<RunHistory> all = runs;
        runs = all.stream().filter(r -> !ReproductionEvidence.isProbe(r)).toList();
        List<RunGradients> allGradients = gradients == null ? List.of() : gradients;
        gradients = allGradients.stream()
                .filter(g -> !org.mtlab.core.contract.StudySpec.LossScaleSpec.isProbe(g.method())).toList();
        LearningRateSelection.Result selection = LearningRateSelection.select(tasks, runs);
        java.util.Set<String> chosen = new java.util.HashSet<>();
        selection.selected().forEach(r -> chosen.add(r.runId().toString()));
        java.util.Set<String> selectedConfigurations = new java.util.HashSet<>();
        selection.choices().forEach(c -> selectedConfigurations.add(c.configuration()));
        java.util.Set<String> finishedIds = new java.util.HashSet<>();
        runs.stream().filter(RunHistory::finished).forEach(r -> finishedIds.add(r.runId().toString()));
        // conflict evidence from the chosen learning rate's runs (and from runs of configurations not chosen yet)
        List<RunGradients> relevant = gradients == null ? List.of() : gradients.stream()
                .filter(g -> chosen.contains(g.runId()) || !finishedIds.contains(g.runId())
                        && !selectedConfigurations.contains(g.optimizer() + "/" + g.method()))
                .toList();
        return build(studyId, tasks, runsKnown, selection.selected(), relevant, decision, selection, runs)
                .withReproduction(ReproductionEvidence.lossScale(tasks, all), ReproductionEvidence.corruption(tasks, runs),
                        ReproductionEvidence.similarity(relevant));
    }

    private static StudyReport build(String studyId, List<String> tasks, int runsKnown, List<RunResult> finished,
                                     List<RunGradients> gradients, StudyDecision requested,
                                     LearningRateSelection.Result selection, List<RunHistory> runs) {
        StudyDecision decision = requested == null ? StudyDecision.defaults(tasks) : requested;
        StudyAnalysis.Result analysis = StudyAnalysis.analyse(tasks, finished);
        List<String> notes = new ArrayList<>(analysis.notes());
        Map<String, StudyAnalysis.StlBaseline> baselines = new LinkedHashMap<>();
        analysis.stlBaselines().forEach(b -> baselines.put(b.task(), b));
        Map<String, Boolean> higher = directionsOf(tasks, finished);
        boolean allBaselines = baselines.size() == tasks.size();
        Map<String, LearningRateSelection.Choice> choices = new LinkedHashMap<>();
        if (selection != null) {
            selection.choices().forEach(c -> choices.put(c.configuration(), c));
            notes.addAll(selection.notes());
        }

        List<StudyAnalysis.Configuration> raw = analysis.configurations();
        int n = raw.size();
        double[][] means = new double[n][];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            StudyAnalysis.Configuration c = raw.get(i);
            labels[i] = c.optimizer() + "/" + c.method();
            means[i] = tasks.stream().mapToDouble(t -> c.perTask().get(t).mean()).toArray();
        }
        Direction[] directions = tasks.stream()
                .map(t -> Boolean.TRUE.equals(higher.get(t)) ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER)
                .toArray(Direction[]::new);
        double[] stlPoint = allBaselines ? tasks.stream().mapToDouble(t -> baselines.get(t).value().mean()).toArray() : null;
        List<Integer> front = n == 0 ? List.of() : Pareto.front(means, directions);

        List<Configuration> configurations = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StudyAnalysis.Configuration c = raw.get(i);
            Map<String, Double> gains = new LinkedHashMap<>();
            for (int k = 0; k < tasks.size(); k++) {
                StudyAnalysis.StlBaseline b = baselines.get(tasks.get(k));
                if (b != null && b.value().mean() != 0) {
                    gains.put(tasks.get(k), gainPercent(means[i][k], b.value().mean(), directions[k]));
                }
            }
            List<String> dominatedBy = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j != i && Pareto.dominates(means[j], means[i], directions)) {
                    dominatedBy.add(labels[j]);
                }
            }
            if (stlPoint != null && Pareto.dominates(stlPoint, means[i], directions)) {
                dominatedBy.add(STL_LABEL);
            }
            LearningRateSelection.Choice choice = choices.get(labels[i]);
            configurations.add(new Configuration(labels[i], c.optimizer(), c.method(), c.seeds(), c.perTask(), gains,
                    c.deltaMPercent(), c.improvementFraction(), front.contains(i), dominatedBy,
                    gains.size() == tasks.size() ? valueWeightedGain(gains, decision) : null,
                    marginBreaches(gains, decision), choice == null ? null : choice.learningRate(),
                    choice == null ? null : choice.epoch()));
        }

        ParetoSummary pareto = paretoSummary(tasks, configurations, means, stlPoint, directions, front, labels);
        ConflictEvidence conflict = conflictEvidence(tasks, gradients == null ? List.of() : gradients);
        if (conflict.pairs().isEmpty()) {
            notes.add("no gradient statistics of MTL runs yet: no conflict evidence");
        }
        // the cost of the configuration the verdict speaks of, which its lead quotes
        StudyReport.CostSummary cost = runs == null ? null : StudyCosts.summarise(tasks, runs, selection, baselines,
                VerdictRules.subject(tasks, baselines, configurations), configurations);
        Verdict verdict = VerdictRules.decide(tasks, baselines, configurations, pareto, decision,
                cost == null ? null : cost.savings());
        StudyReport.SelectionSummary selectionSummary = selection == null ? null
                : new StudyReport.SelectionSummary(selection.rule(), selection.choices(), selection.notes());
        // every finished run counts, not only those of the chosen learning rates
        int finishedRuns = runs == null ? analysis.finishedRuns() : (int) runs.stream().filter(RunHistory::finished).count();
        return new StudyReport(studyId, List.copyOf(tasks), runsKnown, finishedRuns, analysis.deltaMConventions(),
                analysis.stlBaselines(), configurations, pareto, conflict, verdict, notes, decision, selectionSummary,
                cost, decision.quick() ? QuickLimits.of(tasks, decision) : List.of());
    }

    /** Σ_k value_k·gain_k / Σ_k value_k: the value-weighted mean of the per-task gains in percent. */
    static double valueWeightedGain(Map<String, Double> gains, StudyDecision decision) {
        double weighted = 0;
        double total = 0;
        for (var e : gains.entrySet()) {
            double v = decision.valueOf(e.getKey());
            weighted += v * e.getValue();
            total += v;
        }
        return weighted / total;
    }

    /** Per task whose loss (−gain, percent) exceeds its margin: the excess in percentage points. */
    static Map<String, Double> marginBreaches(Map<String, Double> gains, StudyDecision decision) {
        Map<String, Double> out = new LinkedHashMap<>();
        gains.forEach((task, gain) -> {
            Double margin = decision.marginOf(task);
            if (margin != null && -gain > 100 * margin) {
                out.put(task, -gain - 100 * margin);
            }
        });
        return out;
    }

    /** Relative change of {@code value} against {@code baseline} in percent, positive when better. */
    static double gainPercent(double value, double baseline, Direction direction) {
        double change = 100.0 * (value - baseline) / Math.abs(baseline);
        return direction == Direction.HIGHER_IS_BETTER ? change : -change;
    }

    private static Map<String, Boolean> directionsOf(List<String> tasks, List<RunResult> finished) {
        Map<String, Boolean> higher = new LinkedHashMap<>();
        for (RunResult r : finished) {
            for (RunResult.TaskMetric m : r.testMetrics()) {
                higher.putIfAbsent(m.task(), m.higherIsBetter());
            }
        }
        return higher;
    }

    private static ParetoSummary paretoSummary(List<String> tasks, List<Configuration> configurations, double[][] means,
                                               double[] stlPoint, Direction[] directions, List<Integer> front,
                                               String[] labels) {
        int n = configurations.size();
        Map<String, Double> stl = stlPoint == null ? null : byTask(tasks, stlPoint);
        boolean stlDominatesAll = stlPoint != null && n > 0
                && configurations.stream().allMatch(c -> c.dominatedBy().contains(STL_LABEL));
        if (n == 0) {
            return new ParetoSummary("MTL configuration means (optimizer × method, mean over seeds)", List.of(), stl,
                    false, null, REFERENCE_RULE, null, null, List.of());
        }
        List<double[]> all = new ArrayList<>(List.of(means));
        if (stlPoint != null) {
            all.add(stlPoint);
        }
        double[] reference = referencePoint(all, directions);
        double hv = Hypervolume.of(means, reference, directions);
        Double stlHv = stlPoint == null ? null : Hypervolume.of(new double[][] {stlPoint}, reference, directions);
        Map<String, List<Integer>> byOptimizer = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            byOptimizer.computeIfAbsent(configurations.get(i).optimizer(), k -> new ArrayList<>()).add(i);
        }
        List<OptimizerCount> counts = new ArrayList<>();
        byOptimizer.forEach((optimizer, members) -> counts.add(new OptimizerCount(optimizer, members.size(),
                (int) members.stream().filter(front::contains).count(),
                Hypervolume.of(members.stream().map(i -> means[i]).toArray(double[][]::new), reference, directions))));
        return new ParetoSummary("MTL configuration means (optimizer × method, mean over seeds)",
                front.stream().map(i -> labels[i]).toList(), stl, stlDominatesAll, byTask(tasks, reference),
                REFERENCE_RULE, hv, stlHv, counts);
    }

    /** See {@link #REFERENCE_RULE}. */
    static double[] referencePoint(List<double[]> points, Direction[] directions) {
        double[] ref = new double[directions.length];
        for (int k = 0; k < directions.length; k++) {
            double sign = directions[k] == Direction.HIGHER_IS_BETTER ? -1 : 1; // worse = larger after sign
            double worst = Double.NEGATIVE_INFINITY;
            double best = Double.POSITIVE_INFINITY;
            for (double[] p : points) {
                worst = Math.max(worst, sign * p[k]);
                best = Math.min(best, sign * p[k]);
            }
            double range = worst - best;
            double margin = range > 0 ? 0.1 * range : (worst != 0 ? 0.1 * Math.abs(worst) : 1.0);
            ref[k] = sign * (worst + margin);
        }
        return ref;
    }

    private static Map<String, Double> byTask(List<String> tasks, double[] v) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            m.put(tasks.get(k), v[k]);
        }
        return m;
    }

    /** Pooled (count, mean, sum of squared deviations) — Chan et al.'s parallel combination of Welford states. */
    private static final class Pool {
        long n;
        double mean;
        double m2;
        double negatives;

        void add(long count, double m, double std, double negativeFraction) {
            if (count <= 0 || Double.isNaN(m)) {
                return;
            }
            long total = n + count;
            double delta = m - mean;
            double otherM2 = std * std * (count - 1);
            m2 += otherM2 + delta * delta * n * count / total;
            mean += delta * count / total;
            n = total;
            if (!Double.isNaN(negativeFraction)) {
                negatives += negativeFraction * count;
            }
        }

        double std() {
            return n < 2 ? 0 : Math.sqrt(m2 / (n - 1));
        }
    }

    private static final class PairPool {
        final Pool cosine = new Pool();
        final Pool magnitude = new Pool();
        final Pool normA = new Pool();
        final Pool normB = new Pool();
        int runs;
    }

    private static ConflictEvidence conflictEvidence(List<String> tasks, List<RunGradients> gradients) {
        // configuration label -> "a\0b" -> pooled statistics; TreeMap for a stable order
        Map<String, Map<String, PairPool>> byConfiguration = new TreeMap<>();
        Map<String, PairPool> all = new LinkedHashMap<>();
        for (RunGradients g : gradients) {
            if (g.kind() != RunKind.MTL || g.statistics() == null || g.statistics().analysedSteps() == 0) {
                continue;
            }
            Map<String, RunGradientStatistics.TaskSummary> norms = new LinkedHashMap<>();
            g.statistics().tasks().forEach(t -> norms.put(t.task(), t));
            Map<String, PairPool> mine = byConfiguration.computeIfAbsent(g.optimizer() + "/" + g.method(), k -> new LinkedHashMap<>());
            for (RunGradientStatistics.PairSummary p : g.statistics().pairs()) {
                String key = p.taskA() + "\u0000" + p.taskB();
                for (PairPool pool : List.of(mine.computeIfAbsent(key, k -> new PairPool()),
                        all.computeIfAbsent(key, k -> new PairPool()))) {
                    pool.runs++;
                    pool.cosine.add(p.cosine().count(), p.cosine().mean(), p.cosine().std(), p.cosine().negativeFraction());
                    pool.magnitude.add(p.magnitudeSimilarity().count(), p.magnitudeSimilarity().mean(),
                            p.magnitudeSimilarity().std(), Double.NaN);
                    addNorm(pool.normA, norms.get(p.taskA()));
                    addNorm(pool.normB, norms.get(p.taskB()));
                }
            }
        }
        List<PairEvidence> pairs = new ArrayList<>();
        byConfiguration.forEach((label, pools) -> pools.forEach((key, pool) -> pairs.add(evidence(label, key, pool))));
        if (byConfiguration.size() > 1) {
            all.forEach((key, pool) -> pairs.add(evidence(ALL_MTL_RUNS, key, pool)));
        }
        List<String> findings = new ArrayList<>();
        List<PairEvidence> summary = pairs.stream()
                .filter(p -> p.configuration().equals(byConfiguration.size() > 1 ? ALL_MTL_RUNS : p.configuration()))
                .toList();
        for (PairEvidence p : summary) {
            findings.add(p.sentence());
        }
        summary.stream().filter(p -> p.magnitude().equals("different"))
                .max(Comparator.comparingDouble(PairEvidence::normRatio))
                .ifPresent(p -> findings.add("Magnitudes differ: " + p.larger()
                        + "'s gradient on the shared trunk is " + Fmt.fixed(p.normRatio(), 2) + "× the other's ("
                        + p.taskA() + "–" + p.taskB() + ", magnitude similarity " + Fmt.fixed(p.magnitudeSimilarity(), 3)
                        + "), so the larger task steers the shared trunk unless the method or the optimizer balances "
                        + "the scales (with SGD a task weight acts as a per-task learning rate; Adam is invariant to a "
                        + "constant loss scale only in the task heads)."));
        List<StudyReport.BaselineComparison> baseline = BaselineEvidence.compare(gradients);
        if (baseline.isEmpty()) {
            if (!summary.isEmpty()) {
                findings.add(NO_BASELINE_STATEMENT);
            }
            return new ConflictEvidence(false, NO_BASELINE_STATEMENT, List.of(ANGLE_RULE, MAGNITUDE_RULE), pairs,
                    findings, baseline);
        }
        boolean pooled = baseline.stream().anyMatch(c -> c.configuration().equals(ALL_MTL_RUNS));
        baseline.stream().filter(c -> !pooled || c.configuration().equals(ALL_MTL_RUNS))
                .forEach(c -> findings.add(c.sentence()));
        return new ConflictEvidence(true, BaselineEvidence.STATEMENT, List.of(ANGLE_RULE, MAGNITUDE_RULE,
                BaselineEvidence.ANGLE_RULE, BaselineEvidence.MAGNITUDE_RULE), pairs, findings, baseline);
    }

    private static void addNorm(Pool pool, RunGradientStatistics.TaskSummary t) {
        if (t != null && t.gradientNorm() != null) {
            pool.add(t.gradientNorm().count(), t.gradientNorm().mean(), t.gradientNorm().std(), Double.NaN);
        }
    }

    private static PairEvidence evidence(String configuration, String key, PairPool pool) {
        String a = key.substring(0, key.indexOf('\u0000'));
        String b = key.substring(key.indexOf('\u0000') + 1);
        long steps = pool.cosine.n;
        double mean = pool.cosine.mean;
        double std = pool.cosine.std();
        double half = steps > 0 ? Z_95 * std / Math.sqrt(steps) : Double.NaN;
        double low = mean - half;
        double high = mean + half;
        String angle = steps < 2 ? "too few steps" : high < 0 ? "conflicting" : low > 0 ? "aligned"
                : "not distinguishable from orthogonal";
        double normA = pool.normA.mean;
        double normB = pool.normB.mean;
        double ratio = Math.min(normA, normB) > 0 ? Math.max(normA, normB) / Math.min(normA, normB) : Double.NaN;
        String larger = normA >= normB ? a : b;
        double mag = pool.magnitude.mean;
        String magnitude = mag < MAGNITUDE_DIFFERENT_BELOW ? "different" : "similar";
        double conflictFraction = steps > 0 ? pool.cosine.negatives / steps : Double.NaN;
        String sentence = a + "–" + b + " (" + configuration + ", " + pool.runs + (pool.runs == 1 ? " run, " : " runs, ")
                + steps + " steps): mean cosine " + Fmt.signed(mean, 3) + ", 95% interval [" + Fmt.signed(low, 3) + ", "
                + Fmt.signed(high, 3) + "] → " + angleWords(angle) + "; cosine < 0 on "
                + Math.round(100 * conflictFraction) + "% of steps. Magnitude similarity " + Fmt.fixed(mag, 3)
                + ", norm ratio " + (Double.isNaN(ratio) ? "n/a" : Fmt.fixed(ratio, 2)) + " (" + larger
                + "'s gradient larger) → magnitudes " + magnitude + ".";
        return new PairEvidence(configuration, a, b, pool.runs, steps, mean, std, low, high, conflictFraction, mag, normA,
                normB, ratio, larger, angle, magnitude, sentence);
    }

    private static String angleWords(String angle) {
        return switch (angle) {
            case "conflicting" -> "angular conflict (interval below 0)";
            case "aligned" -> "aligned, no angular conflict (interval above 0)";
            case "too few steps" -> "too few steps to tell";
            default -> "not distinguishable from orthogonal (interval contains 0)";
        };
    }
}
