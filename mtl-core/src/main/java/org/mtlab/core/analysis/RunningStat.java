package org.mtlab.core.analysis;

/**
 * Running mean and standard deviation (Welford's algorithm, numerically stable in one pass), an exponential moving
 * average, and the count of values below zero — the statistics kept for every gradient similarity series.
 */
public final class RunningStat {
    /** EMA weight of the newest value: a horizon of about 20 telemetry samples. */
    public static final double EMA_ALPHA = 0.1;

    private long count;
    private double mean;
    private double m2;
    private double ema;
    private long negatives;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    public void add(double value) {
        count++;
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        ema = count == 1 ? value : EMA_ALPHA * value + (1 - EMA_ALPHA) * ema;
        if (value < 0) {
            negatives++;
        }
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    public long count() {
        return count;
    }

    public double mean() {
        return count == 0 ? Double.NaN : mean;
    }

    /** Sample standard deviation (n − 1); 0 for a single value. */
    public double std() {
        return count < 2 ? 0 : Math.sqrt(m2 / (count - 1));
    }

    public double ema() {
        return count == 0 ? Double.NaN : ema;
    }

    /** Fraction of values below zero: for cosine similarity, the fraction of conflicting steps. */
    public double negativeFraction() {
        return count == 0 ? Double.NaN : (double) negatives / count;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** The complete state, for a checkpoint ({@link RunGradientStatistics#toBytes()}). */
    void writeTo(java.io.DataOutput out) throws java.io.IOException {
        out.writeLong(count);
        out.writeDouble(mean);
        out.writeDouble(m2);
        out.writeDouble(ema);
        out.writeLong(negatives);
        out.writeDouble(min);
        out.writeDouble(max);
    }

    /** Replaces this state by one {@link #writeTo} wrote. */
    void readFrom(java.io.DataInput in) throws java.io.IOException {
        count = in.readLong();
        mean = in.readDouble();
        m2 = in.readDouble();
        ema = in.readDouble();
        negatives = in.readLong();
        min = in.readDouble();
        max = in.readDouble();
    }

    public Summary summary() {
        return new Summary(count, mean(), std(), ema(), negativeFraction(), count == 0 ? Double.NaN : min,
                count == 0 ? Double.NaN : max);
    }

    public record Summary(long count, double mean, double std, double ema, double negativeFraction, double min,
                          double max) {
    }
}
