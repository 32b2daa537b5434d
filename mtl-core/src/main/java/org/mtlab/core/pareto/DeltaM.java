package org.mtlab.core.pareto;

/**
 * Relative multi-task performance against a baseline, in the two sign conventions found in the literature.
 * Every figure should say which one it uses; the method names do.
 */
public final class DeltaM {
    private DeltaM() {
    }

    /**
     * Literature Δm in percent, lower is better (Maninis et al. 2019; as used by Elich et al. 2024, see SCIENCE.md):
     * {@code 100/K Σ_k (−1)^{l_k} (M_mtl,k − M_stl,k) / M_stl,k}, {@code l_k = 1} if higher is better, over all K
     * metrics. The denominator is taken as {@code |M_stl,k|}: identical to the formula for the usual positive
     * metrics, and it keeps the sign meaningful should a baseline be negative.
     *
     * @param mtl        the multi-task model's metrics
     * @param stl        the single-task baselines, one per metric
     * @param directions one per metric
     * @throws IllegalArgumentException on mismatched lengths, no metrics, non-finite values or a zero baseline
     */
    public static double deltaMPercentLowerIsBetter(double[] mtl, double[] stl, Direction[] directions) {
        checkInputs(mtl, stl, directions);
        double sum = 0.0;
        for (int k = 0; k < mtl.length; k++) {
            sum += signedRelativeChange(mtl[k], stl[k], directions[k]);
        }
        // (−1)^{l_k}(M − S)/S is the relative change with "better" negative: the opposite of signedRelativeChange.
        return -100.0 * sum / mtl.length;
    }

    /**
     * LibMTL's {@code count_improvement} convention: a fraction, higher is better. Each metric's relative
     * improvement {@code ±(M_k − B_k)/B_k} (positive when better) is averaged within its task first, then the
     * task means are averaged, so a task with many metrics does not outweigh one with few.
     *
     * @param taskOfMetric the task index of each metric; tasks are the distinct values, none may be negative
     * @throws IllegalArgumentException on mismatched lengths, no metrics, non-finite values or a zero baseline
     */
    public static double improvementFractionHigherIsBetter(double[] mtl, double[] base, Direction[] directions,
                                                           int[] taskOfMetric) {
        checkInputs(mtl, base, directions);
        if (taskOfMetric == null) {
            throw new IllegalArgumentException("taskOfMetric must not be null");
        }
        Checks.sameLength("taskOfMetric", mtl.length, taskOfMetric.length);
        int taskCount = 0;
        for (int k = 0; k < taskOfMetric.length; k++) {
            if (taskOfMetric[k] < 0) {
                throw new IllegalArgumentException("taskOfMetric[" + k + "] is negative: " + taskOfMetric[k]);
            }
            taskCount = Math.max(taskCount, taskOfMetric[k] + 1);
        }
        double[] taskSum = new double[taskCount];
        int[] taskMetrics = new int[taskCount];
        for (int k = 0; k < mtl.length; k++) {
            taskSum[taskOfMetric[k]] += signedRelativeChange(mtl[k], base[k], directions[k]);
            taskMetrics[taskOfMetric[k]]++;
        }
        double sumOfTaskMeans = 0.0;
        int tasksPresent = 0;
        for (int t = 0; t < taskCount; t++) {
            if (taskMetrics[t] > 0) {
                sumOfTaskMeans += taskSum[t] / taskMetrics[t];
                tasksPresent++;
            }
        }
        return sumOfTaskMeans / tasksPresent;
    }

    /** Relative change of {@code value} against {@code baseline}, positive when {@code value} is better. */
    private static double signedRelativeChange(double value, double baseline, Direction direction) {
        double change = (value - baseline) / Math.abs(baseline);
        return direction == Direction.HIGHER_IS_BETTER ? change : -change;
    }

    private static void checkInputs(double[] mtl, double[] baseline, Direction[] directions) {
        Checks.directionsPresent(directions);
        Checks.finite("mtl", mtl);
        Checks.finite("baseline", baseline);
        Checks.sameLength("mtl", directions.length, mtl.length);
        Checks.sameLength("baseline", directions.length, baseline.length);
        if (directions.length == 0) {
            throw new IllegalArgumentException("at least one metric is needed");
        }
        for (int k = 0; k < baseline.length; k++) {
            if (baseline[k] == 0.0) {
                throw new IllegalArgumentException("baseline[" + k + "] is zero: relative change is undefined");
            }
        }
    }
}
