package org.mtlab.trainer.engine;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.mtlab.core.contract.ConflictBaseline;
import org.mtlab.core.contract.GradientEvent;

/**
 * Measures a step's single-task conflict baseline ({@link ConflictBaseline}, Elich et al., GCPR 2024) with the model's
 * own per-task backward passes: for each of {@code m} samples drawn from the batch, one forward and T backward passes
 * on that sample alone (its T per-task gradients on the shared trunk), and the same on each half of the batch. Then,
 * in Java and in double, the dot products and the sign-disagreement counts the baseline carries — only the pairs it
 * needs (inter-task on one sample, inter-sample for one task, the two halves of one task), not the full Gram of all
 * m·T gradients.
 *
 * <p>Exact, not approximated: the per-sample gradients are what the model computes for a batch of one, so they are
 * right for any trunk the model has (MLP, MultiLeNet, ResNet, MMoE experts) and any loss. The cost is m + 2 extra
 * small forward/backward passes on a baseline step, which is why only every {@code telemetry.baselineEvery}-th
 * gradient event carries one (BENCHMARKS.md has the measured cost).
 *
 * <p>Partial labels: the samples are drawn among the batch rows that carry every task's label (an unlabelled sample's
 * gradient for the task is zero, its direction undefined), and a batch with fewer than two such rows, or a half
 * without some task's label, has no baseline that step.
 *
 * <p>Deterministic: which rows are drawn depends only on the run's seed and the step, so a resumed run draws the same
 * rows. Not thread-safe: one instance per run (reuses its buffers).
 */
final class ConflictBaselineProbe {
    /** The model's per-task gradients on the shared parameters for the first {@code rows} rows of {@code x}. */
    @FunctionalInterface
    interface TaskGradients {
        /** May return the model's own buffers, overwritten by the next call: the probe copies what it keeps. */
        float[][] of(float[] x, float[][] targets, int rows);
    }

    private final int tasks;
    private final int input;
    private final int shared;
    private final int samples;
    private final long seed;
    private final float[] oneX;
    private final float[][] oneY;
    private final float[][][] perSample;
    private final float[][][] halves;
    private float[] halfX = new float[0];
    private float[][] halfY;

    /**
     * @param tasks   T, the run's tasks
     * @param input   features per row
     * @param shared  P, the shared parameters
     * @param samples m, the samples to draw per baseline step (fewer when the batch is smaller)
     * @param seed    the stream the draws come from (derived from the run's seed)
     */
    ConflictBaselineProbe(int tasks, int input, int shared, int samples, long seed) {
        if (samples < ConflictBaseline.MIN_SAMPLES || samples > ConflictBaseline.MAX_SAMPLES) {
            throw new IllegalArgumentException("baseline samples must lie in [" + ConflictBaseline.MIN_SAMPLES + ", "
                    + ConflictBaseline.MAX_SAMPLES + "], got " + samples);
        }
        this.tasks = tasks;
        this.input = input;
        this.shared = shared;
        this.samples = samples;
        this.seed = seed;
        this.oneX = new float[input];
        this.oneY = new float[tasks][1];
        this.perSample = new float[samples][tasks][shared];
        this.halves = new float[2][tasks][shared];
        this.halfY = new float[tasks][0];
    }

    /**
     * The rows of a batch of {@code rows} drawn at a step: min(m, rows) distinct rows, in the order drawn (a partial
     * Fisher–Yates shuffle of 0..rows−1 from a stream seeded by the probe's seed and the step).
     */
    int[] drawRows(long step, int rows) {
        int[] order = new int[rows];
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        return draw(step, order);
    }

    /** min(m, candidates) distinct entries of {@code candidates} (shuffled in place), as {@link #drawRows} draws. */
    private int[] draw(long step, int[] order) {
        int rows = order.length;
        int m = Math.min(samples, rows);
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, step));
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(rows - i);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return Arrays.copyOf(order, m);
    }

    /** The rows among the first {@code rows} that carry every task's label, in order. */
    private int[] fullyLabelled(float[][] targets, int rows) {
        int[] out = new int[rows];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            boolean all = true;
            for (int t = 0; t < tasks && all; t++) {
                all = !Float.isNaN(targets[t][r]);
            }
            if (all) {
                out[n++] = r;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** True when each task has a label among rows [from, to). */
    private boolean everyTaskLabelled(float[][] targets, int from, int to) {
        for (int t = 0; t < tasks; t++) {
            boolean any = false;
            for (int r = from; r < to && !any; r++) {
                any = !Float.isNaN(targets[t][r]);
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /**
     * The baseline of one step, or null when the batch has fewer than 2 rows (no pair of samples, no two halves) or,
     * with partial labels, fewer than 2 rows carrying every task's label or a half without some task's label.
     * Call it before the optimizer changes the parameters the batch gradients were taken at.
     *
     * @param batchGradients per task, its gradient on the shared parameters for the whole batch (read first, so it
     *                       may be the model's buffer that {@code model} overwrites)
     */
    ConflictBaseline measure(long step, float[] x, float[][] targets, int rows, float[][] batchGradients,
                             TaskGradients model) {
        int[] candidates = fullyLabelled(targets, rows);
        int first = rows / 2;
        if (rows < 2 || candidates.length < 2 || !everyTaskLabelled(targets, 0, first)
                || !everyTaskLabelled(targets, first, rows)) {
            return null;
        }
        int[] batchSigns = new int[ConflictBaseline.pairCount(tasks)];
        for (int i = 0; i < tasks; i++) {
            for (int j = i + 1; j < tasks; j++) {
                batchSigns[ConflictBaseline.pairIndex(i, j, tasks)] = opposite(batchGradients[i], batchGradients[j]);
            }
        }
        int[] drawn = draw(step, candidates);
        int m = drawn.length;
        for (int s = 0; s < m; s++) {
            int row = drawn[s];
            System.arraycopy(x, row * input, oneX, 0, input);
            for (int t = 0; t < tasks; t++) {
                oneY[t][0] = targets[t][row];
            }
            copy(model.of(oneX, oneY, 1), perSample[s]);
        }
        copy(model.of(x, targets, first), halves[0]);
        int second = rows - first;
        if (halfX.length < second * input) {
            halfX = new float[second * input];
            halfY = new float[tasks][second];
        }
        System.arraycopy(x, first * input, halfX, 0, second * input);
        for (int t = 0; t < tasks; t++) {
            System.arraycopy(targets[t], first, halfY[t], 0, second);
        }
        copy(model.of(halfX, halfY, second), halves[1]);

        double[][] squaredNorms = new double[m][tasks];
        for (int s = 0; s < m; s++) {
            for (int t = 0; t < tasks; t++) {
                squaredNorms[s][t] = dot(perSample[s][t], perSample[s][t]);
            }
        }
        double[][] sampleGrams = new double[m][GradientEvent.packedLength(tasks)];
        int[][] sampleSigns = new int[m][ConflictBaseline.pairCount(tasks)];
        for (int s = 0; s < m; s++) {
            for (int i = 0; i < tasks; i++) {
                sampleGrams[s][GradientEvent.packedIndex(i, i, tasks)] = squaredNorms[s][i];
                for (int j = i + 1; j < tasks; j++) {
                    sampleGrams[s][GradientEvent.packedIndex(i, j, tasks)] = dot(perSample[s][i], perSample[s][j]);
                    sampleSigns[s][ConflictBaseline.pairIndex(i, j, tasks)] = opposite(perSample[s][i], perSample[s][j]);
                }
            }
        }
        double[][] taskGrams = new double[tasks][GradientEvent.packedLength(m)];
        int[][] taskSigns = new int[tasks][ConflictBaseline.pairCount(m)];
        double[][] halfBatches = new double[tasks][];
        int[] halfSigns = new int[tasks];
        for (int t = 0; t < tasks; t++) {
            for (int s = 0; s < m; s++) {
                taskGrams[t][GradientEvent.packedIndex(s, s, m)] = squaredNorms[s][t];
                for (int u = s + 1; u < m; u++) {
                    taskGrams[t][GradientEvent.packedIndex(s, u, m)] = dot(perSample[s][t], perSample[u][t]);
                    taskSigns[t][ConflictBaseline.pairIndex(s, u, m)] = opposite(perSample[s][t], perSample[u][t]);
                }
            }
            float[] a = halves[0][t];
            float[] b = halves[1][t];
            halfBatches[t] = new double[] {dot(a, a), dot(b, b), dot(a, b)};
            halfSigns[t] = opposite(a, b);
        }
        return new ConflictBaseline(m, shared, sampleGrams, sampleSigns, taskGrams, taskSigns, halfBatches, halfSigns,
                batchSigns);
    }

    private void copy(float[][] from, float[][] to) {
        for (int t = 0; t < tasks; t++) {
            System.arraycopy(from[t], 0, to[t], 0, shared);
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += (double) a[k] * b[k];
        }
        return sum;
    }

    /**
     * Entries with strictly opposite signs. The product of two floats in double is exact (no underflow to 0), so its
     * sign is the sign comparison.
     */
    private static int opposite(float[] a, float[] b) {
        int n = 0;
        for (int k = 0; k < a.length; k++) {
            if ((double) a[k] * b[k] < 0) {
                n++;
            }
        }
        return n;
    }
}
