package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtlab.core.analysis.BaselineBands;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.data.Corruptions;

/**
 * The report sections of Elich et al.'s (GCPR 2024) three questions that need more than the decision report: the
 * loss-scale probe (does a task's result move when its loss is multiplied by a constant, per optimizer), MTL against STL
 * under image corruptions, and the inter-task gradient similarity per epoch against the single-task band. All read the
 * runs' final metrics (end of training): a probe run and its twin, or a corrupted and a clean evaluation, are then the
 * same model.
 */
public final class ReproductionEvidence {
    public static final String LOSS_SCALE_RULE = "per optimizer, method and learning rate: every MTL run is paired with "
            + "its probe twin (same seed, the named task's training loss multiplied by the factor); per task the paired "
            + "shift = probe − base of the final test metric, mean over seeds with the 95% interval mean ± t(0.975, n−1)·"
            + "sd/√n; \"moved\" when the interval excludes 0. Elich et al.: Adam is invariant to a constant loss scale for "
            + "the task's head parameters (not the trunk), SGD is not, so SGD's shifts are expected to be larger";
    public static final String CORRUPTION_RULE = "per corruption, severity, task, optimizer and learning rate: the drop "
            + "of a run = its clean test accuracy − its accuracy on the corrupted test split (final model, same images "
            + "for every run), mean ± sd over seeds; MTL drop − STL drop with the Welch 95% interval: \"MTL holds up "
            + "better\" when the interval lies below 0, \"STL holds up better\" when above, otherwise not distinguishable";

    private ReproductionEvidence() {
    }

    /** Mean, sample standard deviation and count. */
    public record Stat(double mean, double std, int n) {
        static Stat of(List<Double> values) {
            int n = values.size();
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            return new Stat(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n);
        }
    }

    /**
     * One task's shift under the probe for one MTL configuration.
     *
     * @param shift          probe − base, paired by seed (metric units)
     * @param shiftLow       lower end of the 95% interval of the mean shift (null with one pair)
     * @param relativePercent 100 · mean shift / |base mean|
     */
    public record LossScaleShift(String optimizer, String method, double learningRate, String task, String metric,
                                 int pairs, Stat base, Stat probe, Stat shift, Double shiftLow, Double shiftHigh,
                                 double relativePercent, String outcome) {
    }

    public record LossScaleEvidence(String scaledTask, double factor, String rule, List<LossScaleShift> shifts,
                                    List<String> findings) {
    }

    /** One (corruption, severity, task, optimizer, learning rate, MTL method) comparison of accuracy drops. */
    public record CorruptionComparison(String corruption, int severity, double parameter, String task,
                                       String optimizer, double learningRate, String method, Stat mtlClean,
                                       Stat mtlCorrupted, Stat mtlDrop, Stat stlClean, Stat stlCorrupted, Stat stlDrop,
                                       double difference, Double low, Double high, String outcome) {
    }

    public record CorruptionEvidence(String rule, List<CorruptionComparison> comparisons, List<String> findings) {
    }

    /** One epoch of a task pair's similarity, averaged over the runs of one MTL configuration. */
    public record SimilarityPoint(int epoch, int runs, double interTaskCosineMedian, double cosineBandLow,
                                  double cosineBandHigh, double interTaskMagnitudeMedian, double magnitudeBandLow,
                                  double magnitudeBandHigh) {
    }

    public record SimilarityCurve(String configuration, String taskA, String taskB, String rule,
                                  List<SimilarityPoint> points) {
    }

    /** Whether a run is a loss-scale probe's. */
    public static boolean isProbe(RunHistory run) {
        return StudySpec.LossScaleSpec.isProbe(run.method());
    }

    /** Per task, the first test metric of the run's final metrics (the primary one), on the given split. */
    static Map<String, RunEvent.Metric> primary(List<RunEvent.Metric> metrics, String split) {
        Map<String, String> names = new LinkedHashMap<>();
        for (RunEvent.Metric m : metrics) {
            if ("test".equals(m.split())) {
                names.putIfAbsent(m.task(), m.name());
            }
        }
        Map<String, RunEvent.Metric> out = new LinkedHashMap<>();
        for (RunEvent.Metric m : metrics) {
            if (split.equals(m.split()) && m.name().equals(names.get(m.task())) && !out.containsKey(m.task())) {
                out.put(m.task(), m);
            }
        }
        return out;
    }

    /** The loss-scale probe's evidence, or null when the study has no probe runs. */
    public static LossScaleEvidence lossScale(List<String> tasks, List<RunHistory> runs) {
        List<RunHistory> probes = runs.stream().filter(r -> r.finished() && isProbe(r)).toList();
        if (probes.isEmpty()) {
            return null;
        }
        StudySpec.LossScaleSpec scale = StudySpec.LossScaleSpec.parse(probes.get(0).method());
        List<LossScaleShift> shifts = new ArrayList<>();
        Map<String, List<RunHistory[]>> pairs = new TreeMap<>();
        for (RunHistory probe : probes) {
            String method = StudySpec.LossScaleSpec.baseMethod(probe.method());
            runs.stream().filter(r -> r.finished() && r.kind() == RunKind.MTL && r.method().equals(method)
                            && r.optimizer().equals(probe.optimizer()) && r.learningRate() == probe.learningRate()
                            && r.seed() == probe.seed()).findFirst()
                    .ifPresent(base -> pairs.computeIfAbsent(probe.optimizer() + "\u0000" + method + "\u0000"
                            + probe.learningRate(), k -> new ArrayList<>()).add(new RunHistory[]{base, probe}));
        }
        List<String> findings = new ArrayList<>();
        Map<String, Double> largestByOptimizer = new TreeMap<>();
        for (Map.Entry<String, List<RunHistory[]>> e : pairs.entrySet()) {
            String[] key = e.getKey().split("\u0000");
            for (String task : tasks) {
                List<Double> base = new ArrayList<>();
                List<Double> probe = new ArrayList<>();
                List<Double> shift = new ArrayList<>();
                String metric = null;
                for (RunHistory[] pair : e.getValue()) {
                    RunEvent.Metric b = primary(pair[0].finalMetrics(), "test").get(task);
                    RunEvent.Metric p = primary(pair[1].finalMetrics(), "test").get(task);
                    if (b != null && p != null) {
                        base.add(b.value());
                        probe.add(p.value());
                        shift.add(p.value() - b.value());
                        metric = b.name();
                    }
                }
                if (shift.isEmpty()) {
                    continue;
                }
                Stat s = Stat.of(shift);
                Stat baseStat = Stat.of(base);
                Double low = null;
                Double high = null;
                String outcome = "one seed: spread unknown";
                if (s.n() > 1) {
                    double half = SeedComparison.tQuantile975(s.n() - 1) * s.std() / Math.sqrt(s.n());
                    low = s.mean() - half;
                    high = s.mean() + half;
                    outcome = low > 0 || high < 0 ? "moved" : "not distinguishable from no shift";
                }
                double relative = 100 * s.mean() / Math.abs(baseStat.mean());
                shifts.add(new LossScaleShift(key[0], key[1], Double.parseDouble(key[2]), task, metric, s.n(), baseStat,
                        Stat.of(probe), s, low, high, relative, outcome));
                largestByOptimizer.merge(key[0], Math.abs(relative), Math::max);
            }
        }
        largestByOptimizer.forEach((optimizer, largest) -> findings.add(String.format(java.util.Locale.ROOT,
                "%s: the largest relative shift of a task's mean under the probe is %.2f%%", optimizer, largest)));
        return new LossScaleEvidence(scale == null ? null : scale.task(), scale == null ? Double.NaN : scale.factor(),
                LOSS_SCALE_RULE, shifts, findings);
    }

    /** MTL against STL accuracy drops under the corruptions; null when no run was evaluated on a corrupted split. */
    public static CorruptionEvidence corruption(List<String> tasks, List<RunHistory> runs) {
        List<RunHistory> finished = runs.stream().filter(r -> r.finished() && !isProbe(r)).toList();
        // (type, severity) in order of first appearance
        Map<String, Corruptions.Corrupted> corrupted = new LinkedHashMap<>();
        for (RunHistory r : finished) {
            for (RunEvent.Metric m : r.finalMetrics()) {
                Corruptions.Corrupted c = Corruptions.parseSplit(m.split());
                if (c != null) {
                    corrupted.putIfAbsent(m.split(), c);
                }
            }
        }
        if (corrupted.isEmpty()) {
            return null;
        }
        List<CorruptionComparison> comparisons = new ArrayList<>();
        Map<String, int[]> tally = new TreeMap<>();
        for (Map.Entry<String, Corruptions.Corrupted> c : corrupted.entrySet()) {
            for (String task : tasks) {
                Map<String, List<RunHistory>> mtl = new TreeMap<>();
                Map<String, List<RunHistory>> stl = new TreeMap<>();
                for (RunHistory r : finished) {
                    if (!r.tasks().contains(task)) {
                        continue;
                    }
                    String key = r.optimizer() + "\u0000" + r.learningRate();
                    if (r.kind() == RunKind.STL) {
                        stl.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
                    } else {
                        mtl.computeIfAbsent(key + "\u0000" + r.method(), k -> new ArrayList<>()).add(r);
                    }
                }
                for (Map.Entry<String, List<RunHistory>> m : mtl.entrySet()) {
                    String[] key = m.getKey().split("\u0000");
                    List<RunHistory> stlRuns = stl.get(key[0] + "\u0000" + key[1]);
                    if (stlRuns == null) {
                        continue;
                    }
                    double[][] mtlFigures = figures(m.getValue(), task, c.getKey());
                    double[][] stlFigures = figures(stlRuns, task, c.getKey());
                    if (mtlFigures[0].length == 0 || stlFigures[0].length == 0) {
                        continue;
                    }
                    Stat mtlDrop = Stat.of(list(mtlFigures[2]));
                    Stat stlDrop = Stat.of(list(stlFigures[2]));
                    SeedComparison.Result welch = SeedComparison.compare(
                            new org.mtlab.core.analysis.StudyAnalysis.Spread(mtlDrop.mean(), mtlDrop.std(), mtlDrop.n()),
                            new org.mtlab.core.analysis.StudyAnalysis.Spread(stlDrop.mean(), stlDrop.std(), stlDrop.n()),
                            false);
                    String outcome = welch.oneSeed() ? "one seed: spread unknown"
                            : welch.outcome() == SeedComparison.Outcome.MTL_BETTER ? "MTL holds up better"
                            : welch.outcome() == SeedComparison.Outcome.MTL_WORSE ? "STL holds up better"
                            : "not distinguishable";
                    comparisons.add(new CorruptionComparison(c.getValue().type(), c.getValue().severity(),
                            Corruptions.parameter(c.getValue().type(), c.getValue().severity()), task, key[0],
                            Double.parseDouble(key[1]), key[2], Stat.of(list(mtlFigures[0])), Stat.of(list(mtlFigures[1])),
                            mtlDrop, Stat.of(list(stlFigures[0])), Stat.of(list(stlFigures[1])), stlDrop,
                            mtlDrop.mean() - stlDrop.mean(), welch.intervalLow(), welch.intervalHigh(), outcome));
                    int[] t = tally.computeIfAbsent(key[0] + "/" + key[2], k -> new int[4]);
                    t[0]++;
                    t[1] += mtlDrop.mean() < stlDrop.mean() ? 1 : 0;
                    t[2] += "MTL holds up better".equals(outcome) ? 1 : 0;
                    t[3] += "STL holds up better".equals(outcome) ? 1 : 0;
                }
            }
        }
        List<String> findings = new ArrayList<>();
        tally.forEach((config, t) -> findings.add(String.format(java.util.Locale.ROOT, "MTL %s against STL: smaller "
                + "mean drop in %d of %d (corruption, severity, task) cells; beyond the seed spread: MTL better in %d, "
                + "STL better in %d", config, t[1], t[0], t[2], t[3])));
        return new CorruptionEvidence(CORRUPTION_RULE, comparisons, findings);
    }

    private static List<Double> list(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** Per run: clean test value, corrupted value, drop (clean − corrupted); runs lacking either are skipped. */
    private static double[][] figures(List<RunHistory> runs, String task, String split) {
        List<double[]> rows = new ArrayList<>();
        for (RunHistory r : runs) {
            RunEvent.Metric clean = primary(r.finalMetrics(), "test").get(task);
            RunEvent.Metric bad = primary(r.finalMetrics(), split).get(task);
            if (clean != null && bad != null) {
                rows.add(new double[]{clean.value(), bad.value(), clean.value() - bad.value()});
            }
        }
        double[][] out = new double[3][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int k = 0; k < 3; k++) {
                out[k][i] = rows.get(i)[k];
            }
        }
        return out;
    }

    /** Per MTL configuration and task pair: the epoch-wise median inter-task similarity and the single-task band. */
    public static List<SimilarityCurve> similarity(List<StudyReportBuilder.RunGradients> gradients) {
        Map<String, Map<Integer, List<BaselineBands.Band>>> byPair = new TreeMap<>();
        for (StudyReportBuilder.RunGradients g : gradients) {
            if (g.kind() != RunKind.MTL || StudySpec.LossScaleSpec.isProbe(g.method())) {
                continue;
            }
            for (BaselineBands.PairBands pair : BaselineBands.of(g.statistics())) {
                String key = g.optimizer() + "/" + g.method() + "\u0000" + pair.taskA() + "\u0000" + pair.taskB();
                for (BaselineBands.Band band : pair.epochs()) {
                    byPair.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(band.epoch(),
                            k -> new ArrayList<>()).add(band);
                }
            }
        }
        List<SimilarityCurve> out = new ArrayList<>();
        byPair.forEach((key, epochs) -> {
            String[] k = key.split("\u0000");
            List<SimilarityPoint> points = new ArrayList<>();
            epochs.forEach((epoch, bands) -> points.add(new SimilarityPoint(epoch, bands.size(),
                    mean(bands, BaselineBands.Band::sameSampleCosineMedian), mean(bands, BaselineBands.Band::cosineLow),
                    mean(bands, BaselineBands.Band::cosineHigh), mean(bands, BaselineBands.Band::sameSampleMagnitudeMedian),
                    mean(bands, BaselineBands.Band::magnitudeLow), mean(bands, BaselineBands.Band::magnitudeHigh))));
            out.add(new SimilarityCurve(k[0], k[1], k[2], BaselineBands.DESCRIPTION + "; each averaged over the "
                    + "configuration's runs (seeds)", points));
        });
        return out;
    }

    private static double mean(List<BaselineBands.Band> bands, java.util.function.ToDoubleFunction<BaselineBands.Band> f) {
        return bands.stream().mapToDouble(f).average().orElse(Double.NaN);
    }
}
