package org.mtlab.core.data;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The synthetic regression data of the MMoE paper (Ma, Zhao, Yi, Chen, Hong, Chi: "Modeling Task Relationships in
 * Multi-task Learning with Multi-gate Mixture-of-Experts", KDD 2018), generalised from two to T tasks.
 *
 * <ol>
 *   <li>Orthonormal unit vectors u<sub>1</sub>..u<sub>T</sub> in R<sup>d</sup>: Gram–Schmidt of seeded Gaussian vectors.</li>
 *   <li>Task weights w<sub>1</sub> = c·u<sub>1</sub> and w<sub>t</sub> = c·(ρ·u<sub>1</sub> + sqrt(1−ρ²)·u<sub>t</sub>)
 *       for t ≥ 2. Hence cos(w<sub>1</sub>, w<sub>t</sub>) = ρ for every t ≥ 2, and for s ≠ t, both ≥ 2,
 *       cos(w<sub>s</sub>, w<sub>t</sub>) = ρ² (the u<sub>1</sub> components meet, the rest are orthogonal).
 *       With two tasks this is exactly the paper's construction.</li>
 *   <li>x ~ N(0, I<sub>d</sub>);
 *       y<sub>t</sub> = w<sub>t</sub>ᵀx + Σ<sub>i=1..10</sub> sin(α<sub>i</sub>·w<sub>t</sub>ᵀx + β<sub>i</sub>) + ε,
 *       α<sub>i</sub> = i, β<sub>i</sub> = i², ε ~ N(0, 0.01) (variance 0.01, independent per task and sample).
 *       The paper gives no α, β; these are mtlab's fixed choice (a public generator uses β<sub>i</sub> = (i−1)²).</li>
 * </ol>
 *
 * <p>Everything follows from {@link Params#seed()} through independent {@link SplittableRandom} streams (directions,
 * features, noise), so the same parameters give bit-identical data on every machine. The data are generated for
 * all tasks of a study, so a single-task run sees exactly the targets its task has in the multi-task runs. Samples
 * are split 80/10/10 in generation order into train, validation and test (the samples are i.i.d., so the order
 * carries no information).
 */
public final class SyntheticMmoeDataset {
    public static final int SINE_TERMS = 10;
    public static final double NOISE_VARIANCE = 0.01;

    private static final long DIRECTION_STREAM = 0x6d6d6f6501L;
    private static final long FEATURE_STREAM = 0x6d6d6f6502L;
    private static final long NOISE_STREAM = 0x6d6d6f6503L;

    /**
     * Dataset parameters, named as in {@code StudySpec.DatasetSpec.params}.
     *
     * @param rho       task correlation ρ ∈ [−1, 1] (cosine between w<sub>1</sub> and every other w<sub>t</sub>)
     * @param dimension input dimension d ≥ number of tasks
     * @param samples   number of samples before the split (≥ 10 so that every split is non-empty)
     * @param seed      data seed (independent of a run's training seed)
     * @param scale     c &gt; 0, the norm of every w<sub>t</sub>
     */
    public record Params(double rho, int dimension, int samples, long seed, double scale) {
        public static final Params DEFAULT = new Params(0.5, 100, 4000, 0, 1);

        public Params {
            if (!(rho >= -1 && rho <= 1)) {
                throw new IllegalArgumentException("rho must lie in [-1, 1], got " + rho);
            }
            if (dimension < 1) {
                throw new IllegalArgumentException("dimension must be positive, got " + dimension);
            }
            if (samples < 10) {
                throw new IllegalArgumentException("samples must be at least 10, got " + samples);
            }
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
            }
        }
    }

    /**
     * One split: {@code features} row-major n × d, {@code targets[t]} the n targets of task t (dataset task order).
     * Arrays are shared, not copied: treat them as read-only.
     */
    public record Split(int size, int dimension, float[] features, float[][] targets) {
        public float feature(int sample, int k) {
            return features[sample * dimension + k];
        }
    }

    private final List<String> tasks;
    private final Params params;
    private final double[][] weights;
    private final Split train;
    private final Split validation;
    private final Split test;

    private SyntheticMmoeDataset(List<String> tasks, Params params, double[][] weights, Split train, Split validation,
                                 Split test) {
        this.tasks = tasks;
        this.params = params;
        this.weights = weights;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    public static SyntheticMmoeDataset generate(List<String> tasks, Params p) {
        Objects.requireNonNull(tasks, "tasks");
        int t = tasks.size();
        if (t < 1) {
            throw new IllegalArgumentException("at least one task is needed");
        }
        if (p.dimension() < t) {
            throw new IllegalArgumentException("dimension " + p.dimension() + " must be at least the number of tasks " + t);
        }
        int d = p.dimension();
        double[][] u = orthonormal(t, d, new SplittableRandom(mix(p.seed(), DIRECTION_STREAM)));
        double[][] w = new double[t][d];
        double orthogonal = Math.sqrt(Math.max(0, 1 - p.rho() * p.rho()));
        for (int k = 0; k < d; k++) {
            w[0][k] = p.scale() * u[0][k];
            for (int task = 1; task < t; task++) {
                w[task][k] = p.scale() * (p.rho() * u[0][k] + orthogonal * u[task][k]);
            }
        }

        int n = p.samples();
        float[] x = new float[n * d];
        float[][] y = new float[t][n];
        SplittableRandom features = new SplittableRandom(mix(p.seed(), FEATURE_STREAM));
        SplittableRandom noise = new SplittableRandom(mix(p.seed(), NOISE_STREAM));
        double noiseStd = Math.sqrt(NOISE_VARIANCE);
        double[] row = new double[d];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < d; k++) {
                float v = (float) gaussian(features);
                x[s * d + k] = v;
                row[k] = v; // targets use exactly the stored (float) features
            }
            for (int task = 0; task < t; task++) {
                y[task][s] = (float) (noiselessTarget(w[task], row) + noiseStd * gaussian(noise));
            }
        }

        int nTrain = trainSize(n);
        int nValidation = validationSize(n);
        return new SyntheticMmoeDataset(List.copyOf(tasks), p, w, slice(x, y, d, 0, nTrain),
                slice(x, y, d, nTrain, nTrain + nValidation), slice(x, y, d, nTrain + nValidation, n));
    }

    /** ⌊0.8·n⌋ training samples (integer arithmetic, no rounding surprises). */
    public static int trainSize(int samples) {
        return (int) (samples * 8L / 10);
    }

    /** ⌊0.1·n⌋ validation samples; the test split takes the rest. */
    public static int validationSize(int samples) {
        return samples / 10;
    }

    /** w·x + Σ_{i=1..10} sin(i·w·x + i²): the target before noise ({@link StrictMath}, reproducible everywhere). */
    public static double noiselessTarget(double[] w, double[] x) {
        double z = 0;
        for (int k = 0; k < w.length; k++) {
            z += w[k] * x[k];
        }
        double y = z;
        for (int i = 1; i <= SINE_TERMS; i++) {
            y += StrictMath.sin(i * z + (double) i * i);
        }
        return y;
    }

    public List<String> tasks() {
        return tasks;
    }

    public Params params() {
        return params;
    }

    public int dimension() {
        return params.dimension();
    }

    /** Index of a task in {@link #tasks()}, or an {@link IllegalArgumentException} naming the known tasks. */
    public int taskIndex(String task) {
        int i = tasks.indexOf(task);
        if (i < 0) {
            throw new IllegalArgumentException("unknown task '" + task + "'; dataset tasks: " + tasks);
        }
        return i;
    }

    /** A copy of the task weight vector w<sub>t</sub>. */
    public double[] weight(int task) {
        return weights[task].clone();
    }

    public Split train() {
        return train;
    }

    public Split validation() {
        return validation;
    }

    public Split test() {
        return test;
    }

    /** Gram–Schmidt (modified, re-orthogonalised once) of seeded Gaussian vectors; redraws a degenerate vector. */
    private static double[][] orthonormal(int count, int d, SplittableRandom random) {
        double[][] u = new double[count][];
        for (int i = 0; i < count; i++) {
            double[] v;
            do {
                v = new double[d];
                for (int k = 0; k < d; k++) {
                    v[k] = gaussian(random);
                }
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j < i; j++) {
                        double dot = dot(v, u[j]);
                        for (int k = 0; k < d; k++) {
                            v[k] -= dot * u[j][k];
                        }
                    }
                }
            } while (Math.sqrt(dot(v, v)) < 1e-6);
            double norm = Math.sqrt(dot(v, v));
            for (int k = 0; k < d; k++) {
                v[k] /= norm;
            }
            u[i] = v;
        }
        return u;
    }

    private static Split slice(float[] x, float[][] y, int d, int from, int to) {
        int n = to - from;
        float[] xs = new float[n * d];
        System.arraycopy(x, from * d, xs, 0, n * d);
        float[][] ys = new float[y.length][n];
        for (int t = 0; t < y.length; t++) {
            System.arraycopy(y[t], from, ys[t], 0, n);
        }
        return new Split(n, d, xs, ys);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    /**
     * Standard normal by Box–Muller from a {@link SplittableRandom} (which has no nextGaussian of its own in Java 17);
     * {@link StrictMath} keeps the values bit-identical across JVMs and CPUs.
     */
    static double gaussian(SplittableRandom random) {
        double u1;
        do {
            u1 = random.nextDouble();
        } while (u1 == 0);
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    private static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
