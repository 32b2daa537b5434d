package org.mtlab.core.analysis;

import java.util.Arrays;

/**
 * Distribution of a series as Elich et al. (GCPR 2024) report gradient similarities per epoch: mean and the 2.5th,
 * 50th and 97.5th percentiles. Percentiles interpolate linearly between order statistics (position (n − 1)·q, as
 * numpy's default), so a 95% band is [p2_5, p97_5].
 */
public record Percentiles(long count, double mean, double std, double p2_5, double p50, double p97_5) {

    public static Percentiles of(double[] values, int length) {
        if (length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = Arrays.copyOf(values, length);
        Arrays.sort(sorted);
        RunningStat stat = new RunningStat();
        for (double v : sorted) {
            stat.add(v);
        }
        return new Percentiles(length, stat.mean(), stat.std(), quantile(sorted, 0.025), quantile(sorted, 0.5),
                quantile(sorted, 0.975));
    }

    /** Linear interpolation between the order statistics around position (n − 1)·q of a sorted array. */
    static double quantile(double[] sorted, double q) {
        double position = (sorted.length - 1) * q;
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
