package org.mtlab.core.methods;

/**
 * One training step as a method sees it: the epoch and step counters, and any of the task losses, the Gram
 * matrix of the task gradients on the shared parameters, and the gradients themselves (T×P). Given gradients,
 * the Gram matrix is computed here. Arrays are validated but not copied; do not modify them afterwards.
 */
public final class StepInput {
    private final int epoch;
    private final long step;
    private final double[] losses;
    private final double[][] gram;
    private final double[][] gradients;

    private StepInput(int epoch, long step, double[] losses, double[][] gram, double[][] gradients) {
        if (epoch < 0 || step < 0) {
            throw new IllegalArgumentException("epoch and step must not be negative: " + epoch + ", " + step);
        }
        this.epoch = epoch;
        this.step = step;
        this.losses = losses;
        this.gram = gram;
        this.gradients = gradients;
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
