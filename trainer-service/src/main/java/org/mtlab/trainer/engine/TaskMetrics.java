package org.mtlab.trainer.engine;

import java.util.List;

import org.mtlab.core.contract.RunEvent;

/**
 * One task's evaluation figures over a split, accumulated sample by sample in double from the head's outputs.
 * Classification: {@code accuracy} (argmax of the logits equals the label; ties go to the lowest class, as
 * {@code torch.argmax}), then {@code loss}, the mean cross-entropy −log softmax(logits)[label] computed with the
 * log-sum-exp shift. Regression: {@code mse}, {@code mae}, then {@code loss} (the MSE the task trains on). The first
 * figure is the task's primary metric.
 */
final class TaskMetrics {
    private final int outputs;
    private final boolean classification;
    private long count;
    private long correct;
    private double crossEntropy;
    private double squaredError;
    private double absoluteError;

    TaskMetrics(int outputs, boolean classification) {
        this.outputs = outputs;
        this.classification = classification;
    }

    /**
     * Adds the sample whose head outputs start at {@code row × outputs} of {@code out}; a sample without the task's
     * label (NaN) is not counted.
     */
    void add(float[] out, int row, float target) {
        if (Float.isNaN(target)) {
            return;
        }
        count++;
        int base = row * outputs;
        if (!classification) {
            double e = (double) out[base] - target;
            squaredError += e * e;
            absoluteError += Math.abs(e);
            return;
        }
        int label = (int) target;
        int best = 0;
        double max = out[base];
        for (int c = 1; c < outputs; c++) {
            if (out[base + c] > max) {
                max = out[base + c];
                best = c;
            }
        }
        if (best == label) {
            correct++;
        }
        double sum = 0;
        for (int c = 0; c < outputs; c++) {
            sum += Math.exp(out[base + c] - max);
        }
        crossEntropy += max + Math.log(sum) - out[base + label];
    }

    double accuracy() {
        return (double) correct / count;
    }

    double crossEntropy() {
        return crossEntropy / count;
    }

    double mse() {
        return squaredError / count;
    }

    double mae() {
        return absoluteError / count;
    }

    /** Labelled samples seen. */
    long count() {
        return count;
    }

    /** The task's figures; none when the split held no sample with its label. */
    void report(String task, String split, List<RunEvent.Metric> into) {
        if (count == 0) {
            return;
        }
        if (classification) {
            into.add(new RunEvent.Metric(task, split, "accuracy", accuracy(), true));
            into.add(new RunEvent.Metric(task, split, "loss", crossEntropy(), false));
        } else {
            into.add(new RunEvent.Metric(task, split, "mse", mse(), false));
            into.add(new RunEvent.Metric(task, split, "mae", mae(), false));
            into.add(new RunEvent.Metric(task, split, "loss", mse(), false));
        }
    }
}
