package org.mtlab.core.methods;

/**
 * One training step as a method sees it: the epoch and step counters, and any of the task losses, the Gram
 * matrix of the task gradients on the shared parameters, and the gradients themselves (T×P). Given gradients,
 * the Gram matrix is computed here. Arrays are validated but not copied; do not modify them afterwards.
 *
 * <p>Partial labels: {@link #withUnlabelled} marks the tasks that had no label in the step's batch — each with a loss
 * of exactly 0 and a zero gradient (Gram row and column). How a method treats them is decided once, in
 * {@link AbstractMethod}: the method decides the step for the labelled tasks alone.
 */
public final class StepInput {
    private final int epoch;
    private final long step;
    private final double[] losses;
    private final double[][] gram;
    private final double[][] gradients;
    /** Per task, true when it had no label in the batch; null when every task had labels. */
    private final boolean[] unlabelled;

    private StepInput(int epoch, long step, double[] losses, double[][] gram, double[][] gradients) {
        this(epoch, step, losses, gram, gradients, null);
    }

    private StepInput(int epoch, long step, double[] losses, double[][] gram, double[][] gradients,
                      boolean[] unlabelled) {
        if (epoch < 0 || step < 0) {
            throw new IllegalArgumentException("epoch and step must not be negative: " + epoch + ", " + step);
        }
        this.epoch = epoch;
        this.step = step;
        this.losses = losses;
        this.gram = gram;
        this.gradients = gradients;
        this.unlabelled = unlabelled;
    }

    /**
     * This step with the tasks that had no label in the batch marked (partial labels); a mask without any such task
     * gives this step unchanged.
     *
     * @param unlabelledTasks per task, true when the batch held none of its labels
     * @throws IllegalArgumentException naming {@code unlabelled[t]} when the mask's length is not the task count or a
     *                                  marked task has a loss other than 0 or a non-zero gradient
     */
    public StepInput withUnlabelled(boolean[] unlabelledTasks) {
        if (unlabelledTasks == null || unlabelledTasks.length != taskCount()) {
            throw new IllegalArgumentException("unlabelled must have one entry per task (" + taskCount() + "), got "
                    + (unlabelledTasks == null ? "none" : unlabelledTasks.length));
        }
        boolean any = false;
        for (int t = 0; t < unlabelledTasks.length; t++) {
            if (!unlabelledTasks[t]) {
                continue;
            }
            any = true;
            String field = "unlabelled[" + t + "]";
            if (losses != null && losses[t] != 0) {
                throw new IllegalArgumentException(field + ": a task without a label in the batch has loss 0, task "
                        + t + " has " + losses[t]);
            }
            if (gram != null) {
                for (int j = 0; j < gram.length; j++) {
                    if (gram[t][j] != 0 || gram[j][t] != 0) {
                        throw new IllegalArgumentException(field + ": a task without a label in the batch has a zero "
                                + "gradient, but gram[" + t + "][" + j + "] is " + gram[t][j]);
                    }
                }
            }
        }
        return any ? new StepInput(epoch, step, losses, gram, gradients, unlabelledTasks.clone()) : this;
    }

    /** True when some task had no label in the step's batch. */
    public boolean hasUnlabelled() {
        return unlabelled != null;
    }

    /** True when task {@code t} had no label in the step's batch. */
    public boolean unlabelled(int t) {
        return unlabelled != null && unlabelled[t];
    }

    /** The tasks that had labels in the step's batch, in order (every task when none was marked). */
    public int[] labelledTasks() {
        int n = taskCount();
        int count = 0;
        for (int t = 0; t < n; t++) {
            count += unlabelled(t) ? 0 : 1;
        }
        int[] out = new int[count];
        int k = 0;
        for (int t = 0; t < n; t++) {
            if (!unlabelled(t)) {
                out[k++] = t;
            }
        }
        return out;
    }

    /** The step restricted to the given tasks (losses, Gram sub-matrix, gradient rows), in their order. */
    StepInput restrictedTo(int[] tasks) {
        double[] l = losses == null ? null : new double[tasks.length];
        double[][] g = gram == null ? null : new double[tasks.length][tasks.length];
        double[][] rows = gradients == null ? null : new double[tasks.length][];
        for (int a = 0; a < tasks.length; a++) {
            if (l != null) {
                l[a] = losses[tasks[a]];
            }
            if (g != null) {
                for (int b = 0; b < tasks.length; b++) {
                    g[a][b] = gram[tasks[a]][tasks[b]];
                }
            }
            if (rows != null) {
                rows[a] = gradients[tasks[a]];
            }
        }
        return new StepInput(epoch, step, l, g, rows);
    }

    /** A step with losses only (enough for loss-weighting methods). */
    public static StepInput ofLosses(int epoch, long step, double[] losses) {
        checkLosses(losses);
        return new StepInput(epoch, step, losses, null, null);
    }

    /** A step with the Gram matrix of the task gradients; {@code losses} may be null. */
    public static StepInput ofGram(int epoch, long step, double[] losses, double[][] gram) {
        checkGram(gram);
        if (losses != null) {
            checkLosses(losses);
            requireSameTaskCount(losses.length, gram.length);
        }
        return new StepInput(epoch, step, losses, gram, null);
    }

    /** A step with the full per-task gradients (T×P); the Gram matrix is computed from them; losses may be null. */
    public static StepInput ofGradients(int epoch, long step, double[] losses, double[][] gradients) {
        if (gradients == null || gradients.length == 0) {
            throw new IllegalArgumentException("gradients must have at least one task row");
        }
        int p = gradients[0] == null ? -1 : gradients[0].length;
        for (int t = 0; t < gradients.length; t++) {
            if (gradients[t] == null || gradients[t].length != p) {
                throw new IllegalArgumentException("gradient rows must all have length " + p + "; row " + t
                        + " differs");
            }
            requireFinite("gradients[" + t + "]", gradients[t]);
        }
        if (losses != null) {
            checkLosses(losses);
            requireSameTaskCount(losses.length, gradients.length);
        }
        return new StepInput(epoch, step, losses, Linalg.gram(gradients), gradients);
    }

    public int epoch() {
        return epoch;
    }

    public long step() {
        return step;
    }

    public int taskCount() {
        return gram != null ? gram.length : losses.length;
    }

    public boolean hasLosses() {
        return losses != null;
    }

    public boolean hasGram() {
        return gram != null;
    }

    public boolean hasGradients() {
        return gradients != null;
    }

    public double[] losses() {
        if (losses == null) {
            throw new IllegalStateException("this step carries no losses");
        }
        return losses;
    }

    public double[][] gram() {
        if (gram == null) {
            throw new IllegalStateException("this step carries no Gram matrix (give the Gram matrix or the gradients)");
        }
        return gram;
    }

    public double[][] gradients() {
        if (gradients == null) {
            throw new IllegalStateException("this step carries no gradients (this method needs the full gradients)");
        }
        return gradients;
    }

    private static void checkLosses(double[] losses) {
        if (losses == null || losses.length == 0) {
            throw new IllegalArgumentException("losses must have at least one task");
        }
        requireFinite("losses", losses);
    }

    private static void checkGram(double[][] gram) {
        if (gram == null || gram.length == 0) {
            throw new IllegalArgumentException("the Gram matrix must have at least one task");
        }
        int t = gram.length;
        for (int i = 0; i < t; i++) {
            if (gram[i] == null || gram[i].length != t) {
                throw new IllegalArgumentException("the Gram matrix must be square, " + t + "×" + t);
            }
            for (int k = 0; k < t; k++) {
                if (!Double.isFinite(gram[i][k])) {
                    // the message as requireFinite writes it, built only when needed
                    requireFinite("gram[" + i + "]", gram[i]);
                }
            }
            if (gram[i][i] < 0) {
                throw new IllegalArgumentException("gram[" + i + "][" + i + "] is negative: not a Gram matrix");
            }
        }
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < i; j++) {
                double tolerance = 1e-9 * Math.max(1e-300, Math.sqrt(gram[i][i] * gram[j][j]));
                if (Math.abs(gram[i][j] - gram[j][i]) > tolerance) {
                    throw new IllegalArgumentException("the Gram matrix is not symmetric at (" + i + ", " + j + ")");
                }
            }
        }
    }

    private static void requireSameTaskCount(int lossCount, int gramCount) {
        if (lossCount != gramCount) {
            throw new IllegalArgumentException(lossCount + " losses but " + gramCount + " task gradients");
        }
    }

    private static void requireFinite(String what, double[] values) {
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new IllegalArgumentException(what + "[" + k + "] is not finite: " + values[k]);
            }
        }
    }
}
