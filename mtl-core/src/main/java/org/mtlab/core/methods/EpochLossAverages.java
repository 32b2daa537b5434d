package org.mtlab.core.methods;

import java.util.TreeMap;

/**
 * Mean task losses per epoch, accumulated step by step (DWA, GradNorm and STCH reason about epoch averages). With
 * partial labels a task's mean is over the steps where it had labels: a step counts for the epoch, its loss only for
 * the tasks it labelled.
 */
final class EpochLossAverages {
    private final TreeMap<Integer, double[]> sums = new TreeMap<>();
    private final TreeMap<Integer, long[]> counts = new TreeMap<>();

    /** Adds a step whose tasks all had labels. */
    void add(int epoch, double[] losses) {
        add(epoch, losses, null);
    }

    /** Adds a step; {@code input}'s unlabelled tasks (if given) do not count for their means. */
    void add(int epoch, double[] losses, StepInput input) {
        double[] sum = sums.computeIfAbsent(epoch, e -> new double[losses.length]);
        long[] count = counts.computeIfAbsent(epoch, e -> new long[losses.length]);
        for (int t = 0; t < losses.length; t++) {
            if (input == null || !input.unlabelled(t)) {
                sum[t] += losses[t];
                count[t]++;
            }
        }
    }

    boolean has(int epoch) {
        return counts.containsKey(epoch);
    }

    /** Per task, its mean loss over the epoch's steps that labelled it; NaN for a task no step of the epoch labelled. */
    double[] mean(int epoch) {
        double[] sum = sums.get(epoch);
        long[] count = counts.get(epoch);
        double[] mean = new double[sum.length];
        for (int t = 0; t < sum.length; t++) {
            mean[t] = count[t] == 0 ? Double.NaN : sum[t] / count[t];
        }
        return mean;
    }

    /** The latest epoch with data strictly before {@code epoch}, or null. */
    Integer completedBefore(int epoch) {
        return counts.lowerKey(epoch);
    }
}
