package org.mtlab.core.methods;

import java.util.TreeMap;

/** Mean task losses per epoch, accumulated step by step (DWA, GradNorm and STCH reason about epoch averages). */
final class EpochLossAverages {
    private final TreeMap<Integer, double[]> sums = new TreeMap<>();
    private final TreeMap<Integer, Integer> counts = new TreeMap<>();

    void add(int epoch, double[] losses) {
        double[] sum = sums.computeIfAbsent(epoch, e -> new double[losses.length]);
        for (int t = 0; t < losses.length; t++) {
            sum[t] += losses[t];
        }
        counts.merge(epoch, 1, Integer::sum);
    }

    boolean has(int epoch) {
        return counts.containsKey(epoch);
    }

    double[] mean(int epoch) {
        double[] sum = sums.get(epoch);
        int count = counts.get(epoch);
        double[] mean = new double[sum.length];
        for (int t = 0; t < sum.length; t++) {
            mean[t] = sum[t] / count;
        }
        return mean;
    }

    /** The latest epoch with data strictly before {@code epoch}, or null. */
    Integer completedBefore(int epoch) {
        return counts.lowerKey(epoch);
    }
}
