package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtlab.core.analysis.ConflictBaselineStatistics;
import org.mtlab.core.analysis.Percentiles;
import org.mtlab.core.analysis.RunningStat;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.report.StudyReport.BaselineComparison;

/**
 * Reads every inter-task conflict figure against the single-task baseline measured in the same runs (Elich et al.,
 * GCPR 2024): is the angle between two tasks' gradients on one sample more extreme than the angle between two samples
 * of one task, and are the two tasks' gradient magnitudes less alike than two samples'? Pooled per MTL configuration
 * and over all MTL runs, with the rules stated in {@link #ANGLE_RULE} and {@link #MAGNITUDE_RULE}.
 */
final class BaselineEvidence {
    static final String BEYOND = "beyond single-task noise";
    static final String WITHIN = "within single-task noise";
    static final String LOWER = "lower between tasks";
    static final String NOT_LOWER = "not lower between tasks";

    static final String ANGLE_RULE = "angle against the single-task baseline: in each run and epoch with a baseline, "
            + "the median cosine between the two tasks' gradients on the same sample (inter-task) is compared with the "
            + "2.5th percentile of the cosine between the gradients of two samples of one task (inter-sample), for each "
            + "of the two tasks; the pair's angular conflict is \"" + BEYOND + "\" when the median lies below both "
            + "tasks' 2.5th percentiles in more than half of the run-epochs, otherwise \"" + WITHIN + "\"";
    static final String MAGNITUDE_RULE = "magnitude against the single-task baseline: the mean magnitude similarity "
            + "between the two tasks on the same sample is \"" + LOWER + "\" when it is below the mean magnitude "
            + "similarity between two samples of each of the two tasks, otherwise \"" + NOT_LOWER + "\"";
    static final String STATEMENT = "Every conflict figure between tasks is read against the conflict between two "
            + "samples of one task (inter-sample) measured in the same runs and steps: Elich et al. (GCPR 2024) found "
            + "that angular conflict between tasks usually lies within that single-task spread, while the magnitudes "
            + "of two tasks' gradients differ more than two samples'. Per-sample gradients on the shared trunk, m "
            + "samples drawn from the batch on every baseline step.";

    private BaselineEvidence() {
    }

    /** Pooled figures of one task pair. */
    private static final class Pool {
        int runs;
        final Mean interTaskCosine = new Mean();
        final Mean interTaskMagnitude = new Mean();
        final Mean interTaskSign = new Mean();
        final Mean sampleCosineA = new Mean();
        final Mean sampleCosineB = new Mean();
        final Mean sampleMagnitudeA = new Mean();
        final Mean sampleMagnitudeB = new Mean();
        final Mean sampleSignA = new Mean();
        final Mean sampleSignB = new Mean();
        int runEpochs;
        int runEpochsBeyond;
        double medianSum;
        double lowASum;
        double lowBSum;
    }

    /** Count-weighted mean of run means. */
    private static final class Mean {
        long n;
        double sum;

        void add(RunningStat.Summary s) {
            if (s != null && s.count() > 0 && !Double.isNaN(s.mean())) {
                n += s.count();
                sum += s.mean() * s.count();
            }
        }

        double value() {
            return n == 0 ? Double.NaN : sum / n;
        }
    }

    static List<BaselineComparison> compare(List<StudyReportBuilder.RunGradients> gradients) {
        Map<String, Map<String, Pool>> byConfiguration = new TreeMap<>();
        Map<String, Pool> all = new LinkedHashMap<>();
        for (StudyReportBuilder.RunGradients g : gradients) {
            if (g.kind() != RunKind.MTL || g.statistics() == null || g.statistics().baseline() == null
                    || g.statistics().baseline().steps() == 0) {
                continue;
            }
            ConflictBaselineStatistics.Snapshot b = g.statistics().baseline();
            Map<String, ConflictBaselineStatistics.SingleTask> single = new LinkedHashMap<>();
            b.tasks().forEach(t -> single.put(t.task(), t));
            Map<String, Pool> mine = byConfiguration.computeIfAbsent(g.optimizer() + "/" + g.method(),
                    k -> new LinkedHashMap<>());
            for (ConflictBaselineStatistics.InterTaskPair p : b.pairs()) {
                ConflictBaselineStatistics.SingleTask a = single.get(p.taskA());
                ConflictBaselineStatistics.SingleTask c = single.get(p.taskB());
                if (a == null || c == null) {
                    continue;
                }
                String key = p.taskA() + "\u0000" + p.taskB();
                for (Pool pool : List.of(mine.computeIfAbsent(key, k -> new Pool()), all.computeIfAbsent(key, k -> new Pool()))) {
                    pool.runs++;
                    pool.interTaskCosine.add(p.sameSample().cosine());
                    pool.interTaskMagnitude.add(p.sameSample().magnitudeSimilarity());
                    pool.interTaskSign.add(p.sameSample().signDisagreement());
                    pool.sampleCosineA.add(a.interSample().cosine());
                    pool.sampleCosineB.add(c.interSample().cosine());
                    pool.sampleMagnitudeA.add(a.interSample().magnitudeSimilarity());
                    pool.sampleMagnitudeB.add(c.interSample().magnitudeSimilarity());
                    pool.sampleSignA.add(a.interSample().signDisagreement());
                    pool.sampleSignB.add(c.interSample().signDisagreement());
                    addEpochs(pool, b, p.taskA(), p.taskB());
                }
            }
        }
        List<BaselineComparison> out = new ArrayList<>();
        byConfiguration.forEach((label, pools) -> pools.forEach((key, pool) -> out.add(comparison(label, key, pool))));
        if (byConfiguration.size() > 1) {
            all.forEach((key, pool) -> out.add(comparison(StudyReportBuilder.ALL_MTL_RUNS, key, pool)));
        }
        return out;
    }

    private static void addEpochs(Pool pool, ConflictBaselineStatistics.Snapshot b, String taskA, String taskB) {
        for (ConflictBaselineStatistics.Epoch epoch : b.epochs()) {
            Percentiles interTask = null;
            for (ConflictBaselineStatistics.EpochInterTaskPair p : epoch.pairs()) {
                if (p.taskA().equals(taskA) && p.taskB().equals(taskB)) {
                    interTask = p.sameSample().cosine();
                }
            }
            Percentiles sampleA = null;
            Percentiles sampleB = null;
            for (ConflictBaselineStatistics.EpochSingleTask t : epoch.tasks()) {
                if (t.task().equals(taskA)) {
                    sampleA = t.interSample().cosine();
                } else if (t.task().equals(taskB)) {
                    sampleB = t.interSample().cosine();
                }
            }
            if (interTask == null || sampleA == null || sampleB == null || interTask.count() == 0
                    || sampleA.count() == 0 || sampleB.count() == 0) {
                continue;
            }
            pool.runEpochs++;
            pool.medianSum += interTask.p50();
            pool.lowASum += sampleA.p2_5();
            pool.lowBSum += sampleB.p2_5();
            if (interTask.p50() < sampleA.p2_5() && interTask.p50() < sampleB.p2_5()) {
                pool.runEpochsBeyond++;
            }
        }
    }

    private static BaselineComparison comparison(String configuration, String key, Pool pool) {
        String a = key.substring(0, key.indexOf('\u0000'));
        String b = key.substring(key.indexOf('\u0000') + 1);
        int epochs = pool.runEpochs;
        String angle = epochs == 0 ? "no baseline" : 2 * pool.runEpochsBeyond > epochs ? BEYOND : WITHIN;
        double median = epochs == 0 ? Double.NaN : pool.medianSum / epochs;
        double lowA = epochs == 0 ? Double.NaN : pool.lowASum / epochs;
        double lowB = epochs == 0 ? Double.NaN : pool.lowBSum / epochs;
        double mag = pool.interTaskMagnitude.value();
        double magA = pool.sampleMagnitudeA.value();
        double magB = pool.sampleMagnitudeB.value();
        String magnitude = Double.isNaN(mag) || Double.isNaN(magA) || Double.isNaN(magB) ? "no baseline"
                : mag < magA && mag < magB ? LOWER : NOT_LOWER;
        String sentence = a + "–" + b + " against single-task noise (" + configuration + ", " + pool.runs
                + (pool.runs == 1 ? " run, " : " runs, ") + epochs + " run-epochs): angle " + angle
                + " — the median inter-task cosine (same sample) lies below both tasks' inter-sample 2.5th percentile in "
                + pool.runEpochsBeyond + " of " + epochs + " run-epochs (mean median " + Fmt.signed(median, 3)
                + "; mean 2.5th percentile between samples: " + a + " " + Fmt.signed(lowA, 3) + ", " + b + " "
                + Fmt.signed(lowB, 3) + "). Magnitude similarity " + Fmt.fixed(mag, 3) + " between the tasks vs "
                + Fmt.fixed(magA, 3) + " (" + a + ") and " + Fmt.fixed(magB, 3) + " (" + b + ") between samples → "
                + magnitude + ". Sign disagreement " + Fmt.fixed(pool.interTaskSign.value(), 3) + " between the tasks vs "
                + Fmt.fixed(pool.sampleSignA.value(), 3) + " / " + Fmt.fixed(pool.sampleSignB.value(), 3)
                + " between samples.";
        return new BaselineComparison(configuration, a, b, pool.runs, epochs, pool.runEpochsBeyond,
                pool.interTaskCosine.value(), median, pool.sampleCosineA.value(), pool.sampleCosineB.value(), lowA, lowB,
                angle, mag, magA, magB, magnitude, pool.interTaskSign.value(), pool.sampleSignA.value(),
                pool.sampleSignB.value(), sentence);
    }
}
