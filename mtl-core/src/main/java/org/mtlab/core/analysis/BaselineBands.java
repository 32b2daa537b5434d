package org.mtlab.core.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-task baseline band a chart draws behind a task pair's cosine (and magnitude similarity) over steps: per
 * epoch, the 2.5–97.5th percentile range of the figure between the gradients of two different samples of one task
 * (inter-sample), taken over both tasks of the pair (the lower edge is the smaller of the two tasks' 2.5th
 * percentiles, the upper edge the larger 97.5th), drawn over the epoch's steps. Beside it, the like-for-like
 * inter-task figure: the median over the epoch of the same figure between the two tasks' gradients on the same
 * sample. The lower edge is the threshold of the report's angle rule ({@code BaselineEvidence}): an inter-task
 * median below both tasks' 2.5th percentiles is conflict beyond single-task noise.
 */
public final class BaselineBands {
    public static final String DESCRIPTION = "band: per epoch, the 2.5–97.5th percentile range of the cosine (or "
            + "magnitude similarity) between the gradients of two different samples of the same task (inter-sample, "
            + "single-task noise), the widest over the pair's two tasks; median: the same figure between the two "
            + "tasks' gradients on the same sample";

    private BaselineBands() {
    }

    /**
     * One epoch of one pair, over steps {@code firstStep}..{@code lastStep}.
     *
     * @param cosineLow                  smaller of the two tasks' 2.5th percentile inter-sample cosines
     * @param cosineHigh                 larger of their 97.5th percentiles
     * @param sameSampleCosineMedian     median cosine of the two tasks' gradients on the same sample
     * @param magnitudeLow               as cosineLow, for the magnitude similarity
     * @param magnitudeHigh              as cosineHigh, for the magnitude similarity
     * @param sameSampleMagnitudeMedian  as sameSampleCosineMedian, for the magnitude similarity
     */
    public record Band(int epoch, long firstStep, long lastStep, double cosineLow, double cosineHigh,
                       double sameSampleCosineMedian, double magnitudeLow, double magnitudeHigh,
                       double sameSampleMagnitudeMedian) {
    }

    public record PairBands(String taskA, String taskB, List<Band> epochs) {
    }

    /**
     * The bands of every task pair of a run, epochs in order; empty without baseline. Epochs whose step range or
     * inter-sample values are missing are left out.
     */
    public static List<PairBands> of(RunGradientStatistics.Snapshot snapshot) {
        if (snapshot == null || snapshot.baseline() == null || snapshot.epochs() == null) {
            return List.of();
        }
        Map<Integer, RunGradientStatistics.EpochSummary> steps = new HashMap<>();
        snapshot.epochs().forEach(e -> steps.put(e.epoch(), e));
        List<PairBands> out = new ArrayList<>();
        for (ConflictBaselineStatistics.InterTaskPair pair : snapshot.baseline().pairs()) {
            List<Band> bands = new ArrayList<>();
            for (ConflictBaselineStatistics.Epoch epoch : snapshot.baseline().epochs()) {
                RunGradientStatistics.EpochSummary range = steps.get(epoch.epoch());
                Band band = range == null || range.firstStep() == null || range.lastStep() == null ? null
                        : band(epoch, pair.taskA(), pair.taskB(), range.firstStep(), range.lastStep());
                if (band != null) {
                    bands.add(band);
                }
            }
            out.add(new PairBands(pair.taskA(), pair.taskB(), bands));
        }
        return out;
    }

    private static Band band(ConflictBaselineStatistics.Epoch epoch, String taskA, String taskB, long first, long last) {
        ConflictBaselineStatistics.EpochSingleTask a = null;
        ConflictBaselineStatistics.EpochSingleTask b = null;
        for (ConflictBaselineStatistics.EpochSingleTask t : epoch.tasks()) {
            a = t.task().equals(taskA) ? t : a;
            b = t.task().equals(taskB) ? t : b;
        }
        ConflictBaselineStatistics.EpochInterTaskPair same = null;
        for (ConflictBaselineStatistics.EpochInterTaskPair p : epoch.pairs()) {
            same = p.taskA().equals(taskA) && p.taskB().equals(taskB) ? p : same;
        }
        if (a == null || b == null || same == null || a.interSample().cosine().count() == 0
                || b.interSample().cosine().count() == 0) {
            return null;
        }
        Percentiles ca = a.interSample().cosine();
        Percentiles cb = b.interSample().cosine();
        Percentiles ma = a.interSample().magnitudeSimilarity();
        Percentiles mb = b.interSample().magnitudeSimilarity();
        return new Band(epoch.epoch(), first, last, Math.min(ca.p2_5(), cb.p2_5()), Math.max(ca.p97_5(), cb.p97_5()),
                same.sameSample().cosine().p50(), Math.min(ma.p2_5(), mb.p2_5()), Math.max(ma.p97_5(), mb.p97_5()),
                same.sameSample().magnitudeSimilarity().p50());
    }
}
