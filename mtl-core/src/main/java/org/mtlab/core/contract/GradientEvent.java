package org.mtlab.core.contract;

import java.util.Arrays;
import java.util.UUID;

/**
 * Per-task gradient telemetry of one training step, on {@link Topics#GRADIENTS} keyed by run id, encoded by
 * {@link GradientEventCodec}. {@code (runId, attempt, step)} identifies an event.
 *
 * <p>The gradients live in the run's {@link Space}: on the shared parameters (blocks = layers of the shared trunk)
 * or on the shared representation (one block, {@code representation}: the batch's rows × features of the trunk's
 * output, flattened row-major). Per block it carries the exact Gram matrix of the task gradients, packed as its
 * upper triangle; the per-task gradient norms are the square roots of its diagonal, so they are exact too and are
 * not sent twice. The Gram matrix of all blocks together is the sum of the block Gram matrices.
 *
 * @param losses        per-task loss of the step, in the order of the run's tasks
 * @param weights       per-task weight applied by the run's weighting method
 * @param blockGrams    per block, the packed upper triangle of the T×T Gram matrix ({@link #packedIndex})
 * @param blockSizes    per block, its number of parameters (only with full gradients, else null)
 * @param fullGradients per task, the complete gradient over all shared parameters, blocks concatenated (or null)
 * @param baseline      the single-task conflict baseline of the step (inter-sample and inter-batch), or null on steps
 *                      without one; always measured on the shared parameters
 * @param space         where the gradients of {@code blockGrams} and {@code fullGradients} live
 * @param unlabelledTasks bit t set: task t had no label in the step's batch (partial labels), so its loss is exactly
 *                      0, its gradient exactly zero (its Gram row and column, its full gradient) and its direction
 *                      undefined: the analysis leaves the step out of every figure of that task; 0 when every task
 *                      had a label in the batch
 */
public record GradientEvent(UUID runId, int attempt, long step, int epoch, float[] losses, float[] weights,
                            double[][] blockGrams, int[] blockSizes, float[][] fullGradients, ConflictBaseline baseline,
                            Space space, long unlabelledTasks) {

    /** Where an event's per-task gradients live (the study spec's {@code telemetry.gradientSpace}). */
    public enum Space {
        /** Gradients on the shared parameters. */
        PARAMETERS,
        /** Gradients on the shared representation: the trunk's output for the step's batch. */
        REPRESENTATION;

        /** The spec's spelling: lower case. */
        public String specName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** From the spec's spelling (case ignored); an unknown name is an {@link IllegalArgumentException}. */
        public static Space of(String name) {
            for (Space s : values()) {
                if (s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown gradient space '" + name + "'; known: parameters, representation");
        }
    }

    public GradientEvent {
        java.util.Objects.requireNonNull(space, "space");
        if (losses != null && (unlabelledTasks & ~allTasks(losses.length)) != 0) {
            throw new IllegalArgumentException("unlabelledTasks " + Long.toBinaryString(unlabelledTasks)
                    + " names a task beyond the event's " + losses.length);
        }
    }

    /** An event whose tasks all had labels in the batch. */
    public GradientEvent(UUID runId, int attempt, long step, int epoch, float[] losses, float[] weights,
                         double[][] blockGrams, int[] blockSizes, float[][] fullGradients, ConflictBaseline baseline,
                         Space space) {
        this(runId, attempt, step, epoch, losses, weights, blockGrams, blockSizes, fullGradients, baseline, space, 0L);
    }

    /** An event on the shared parameters. */
    public GradientEvent(UUID runId, int attempt, long step, int epoch, float[] losses, float[] weights,
                         double[][] blockGrams, int[] blockSizes, float[][] fullGradients, ConflictBaseline baseline) {
        this(runId, attempt, step, epoch, losses, weights, blockGrams, blockSizes, fullGradients, baseline,
                Space.PARAMETERS);
    }

    /** An event on the shared parameters without a conflict baseline. */
    public GradientEvent(UUID runId, int attempt, long step, int epoch, float[] losses, float[] weights,
                         double[][] blockGrams, int[] blockSizes, float[][] fullGradients) {
        this(runId, attempt, step, epoch, losses, weights, blockGrams, blockSizes, fullGradients, null);
    }

    /** Above this many shared parameters a run cannot ask for full gradients: the event would outgrow Kafka's limits. */
    public static final int MAX_FULL_GRADIENT_PARAMETERS = 50_000;

    public int taskCount() {
        return losses.length;
    }

    public int blockCount() {
        return blockGrams.length;
    }

    public boolean hasFullGradients() {
        return fullGradients != null;
    }

    public boolean hasBaseline() {
        return baseline != null;
    }

    /** True when task {@code task} had no label in the step's batch ({@link #unlabelledTasks()}). */
    public boolean unlabelled(int task) {
        return (unlabelledTasks >>> task & 1L) != 0;
    }

    /** True when some task had no label in the step's batch. */
    public boolean hasUnlabelledTasks() {
        return unlabelledTasks != 0;
    }

    /** The mask with a bit for each of {@code tasks} tasks (1..{@value GradientEventCodec#MAX_TASKS}). */
    public static long allTasks(int tasks) {
        return tasks >= Long.SIZE ? -1L : (1L << tasks) - 1;
    }

    /**
     * The {@link #unlabelledTasks()} mask of a batch: bit t set when none of the first {@code rows} targets of task t
     * is a label (a missing label is NaN).
     *
     * @throws IllegalArgumentException for more than {@value GradientEventCodec#MAX_TASKS} tasks
     */
    public static long unlabelledMask(float[][] targets, int rows) {
        if (targets.length > GradientEventCodec.MAX_TASKS) {
            throw new IllegalArgumentException("at most " + GradientEventCodec.MAX_TASKS + " tasks, got " + targets.length);
        }
        long mask = 0;
        for (int t = 0; t < targets.length; t++) {
            boolean any = false;
            for (int r = 0; r < rows && !any; r++) {
                any = !Float.isNaN(targets[t][r]);
            }
            if (!any) {
                mask |= 1L << t;
            }
        }
        return mask;
    }

    /** This event with the given conflict baseline. */
    public GradientEvent withBaseline(ConflictBaseline conflictBaseline) {
        return new GradientEvent(runId, attempt, step, epoch, losses, weights, blockGrams, blockSizes, fullGradients,
                conflictBaseline, space, unlabelledTasks);
    }

    /** This event with its gradients in the given space. */
    public GradientEvent inSpace(Space gradientSpace) {
        return new GradientEvent(runId, attempt, step, epoch, losses, weights, blockGrams, blockSizes, fullGradients,
                baseline, gradientSpace, unlabelledTasks);
    }

    /** This event with the given {@link #unlabelledTasks()} mask. */
    public GradientEvent withUnlabelledTasks(long mask) {
        return new GradientEvent(runId, attempt, step, epoch, losses, weights, blockGrams, blockSizes, fullGradients,
                baseline, space, mask);
    }

    /** Index of Gram entry (i, j) in a packed upper triangle of a T×T matrix. */
    public static int packedIndex(int i, int j, int tasks) {
        int a = Math.min(i, j);
        int b = Math.max(i, j);
        return a * tasks - a * (a - 1) / 2 + (b - a);
    }

    public static int packedLength(int tasks) {
        return tasks * (tasks + 1) / 2;
    }

    public double gram(int block, int i, int j) {
        return blockGrams[block][packedIndex(i, j, taskCount())];
    }

    /** The Gram matrix of the whole shared trunk (sum over blocks), as a full T×T matrix. */
    public double[][] totalGram() {
        int t = taskCount();
        double[][] g = new double[t][t];
        for (double[] packed : blockGrams) {
            for (int i = 0; i < t; i++) {
                for (int j = i; j < t; j++) {
                    g[i][j] += packed[packedIndex(i, j, t)];
                }
            }
        }
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < i; j++) {
                g[i][j] = g[j][i];
            }
        }
        return g;
    }

    public double norm(int block, int task) {
        return Math.sqrt(gram(block, task, task));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GradientEvent e && runId.equals(e.runId) && attempt == e.attempt && step == e.step
                && epoch == e.epoch && Arrays.equals(losses, e.losses) && Arrays.equals(weights, e.weights)
                && Arrays.deepEquals(blockGrams, e.blockGrams) && Arrays.equals(blockSizes, e.blockSizes)
                && Arrays.deepEquals(fullGradients, e.fullGradients) && java.util.Objects.equals(baseline, e.baseline)
                && space == e.space && unlabelledTasks == e.unlabelledTasks;
    }

    @Override
    public int hashCode() {
        return runId.hashCode() * 31 + Long.hashCode(step) * 17 + attempt;
    }

    @Override
    public String toString() {
        return "GradientEvent[run=" + runId + ", attempt=" + attempt + ", step=" + step + ", epoch=" + epoch
                + ", tasks=" + taskCount() + ", blocks=" + blockCount() + ", full=" + hasFullGradients() + ", baseline=" + hasBaseline() + ", space=" + space.specName()
                + (unlabelledTasks == 0 ? "" : ", unlabelled=" + Long.toBinaryString(unlabelledTasks)) + "]";
    }
}
