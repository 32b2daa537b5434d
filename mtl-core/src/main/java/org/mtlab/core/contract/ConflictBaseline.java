package org.mtlab.core.contract;

import java.util.Arrays;

/**
 * The single-task conflict baseline of one step (Elich et al., GCPR 2024), the optional section of a
 * {@link GradientEvent}: how much the gradients on the shared trunk disagree between two <em>samples</em> of one task
 * and between two <em>halves of the batch</em> for one task, beside how much they disagree between two tasks on the
 * <em>same</em> sample. Inter-task conflict means something only against that spread.
 *
 * <p>A per-sample gradient is the gradient of one task's loss on one sample (the batch loss restricted to that
 * sample, not divided by the batch size; cosine and magnitude similarity do not depend on a common scale). The
 * {@code m} samples are drawn at random from the step's batch; the half-batch gradients are the task's mean-loss
 * gradients on the batch's first ⌊n/2⌋ rows and on the rest. Everything is exact: dot products (Gram entries) in
 * double, and sign disagreements as counts of shared parameters whose two gradient entries have strictly opposite
 * signs (a zero entry disagrees with nothing), out of {@code sharedParameters}.
 *
 * <p>Packed layouts: a Gram matrix of n vectors is its upper triangle row by row ({@link GradientEvent#packedIndex});
 * a list over pairs i &lt; j of n items is the strict upper triangle row by row ({@link #pairIndex}).
 *
 * @param samples                     m ≥ 2, the number of samples drawn from the batch
 * @param sharedParameters            P, the number of shared parameters the sign counts are out of
 * @param sampleGrams                 per sample, the packed T×T Gram matrix of the T task gradients on that sample
 * @param sampleSignDisagreements     per sample, per task pair, the sign-disagreement count
 * @param taskSampleGrams             per task, the packed m×m Gram matrix of its m per-sample gradients (its diagonal
 *                                    equals the diagonals of {@code sampleGrams})
 * @param taskSampleSignDisagreements per task, per sample pair, the sign-disagreement count
 * @param halfBatches                 per task, {‖a‖², ‖b‖², ⟨a, b⟩} of its two half-batch gradients a and b
 * @param halfBatchSignDisagreements  per task, the sign-disagreement count between a and b
 * @param batchSignDisagreements      per task pair, the sign-disagreement count between the two tasks' batch gradients
 *                                    of the step (the gradients the event's Gram matrices are made of)
 */
public record ConflictBaseline(int samples, int sharedParameters, double[][] sampleGrams, int[][] sampleSignDisagreements,
                               double[][] taskSampleGrams, int[][] taskSampleSignDisagreements, double[][] halfBatches,
                               int[] halfBatchSignDisagreements, int[] batchSignDisagreements) {

    public static final int MIN_SAMPLES = 2;
    public static final int MAX_SAMPLES = 64;
    /** Indices into one row of {@link #halfBatches}. */
    public static final int HALF_A = 0;
    public static final int HALF_B = 1;
    public static final int HALF_DOT = 2;

    public int taskCount() {
        return taskSampleGrams.length;
    }

    /** Index of pair (i, j), i ≠ j, in a strict upper triangle of n items packed row by row. */
    public static int pairIndex(int i, int j, int n) {
        int a = Math.min(i, j);
        int b = Math.max(i, j);
        return a * n - a * (a + 1) / 2 + (b - a - 1);
    }

    public static int pairCount(int n) {
        return n * (n - 1) / 2;
    }

    /** Dot product of task i's and task j's gradients on sample s. */
    public double interTaskDot(int sample, int i, int j) {
        return sampleGrams[sample][GradientEvent.packedIndex(i, j, taskCount())];
    }

    /** Dot product of task t's gradients on samples s and u. */
    public double interSampleDot(int task, int s, int u) {
        return taskSampleGrams[task][GradientEvent.packedIndex(s, u, samples)];
    }

    public double signDisagreementFraction(int count) {
        return (double) count / sharedParameters;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConflictBaseline b && samples == b.samples && sharedParameters == b.sharedParameters
                && Arrays.deepEquals(sampleGrams, b.sampleGrams)
                && Arrays.deepEquals(sampleSignDisagreements, b.sampleSignDisagreements)
                && Arrays.deepEquals(taskSampleGrams, b.taskSampleGrams)
                && Arrays.deepEquals(taskSampleSignDisagreements, b.taskSampleSignDisagreements)
                && Arrays.deepEquals(halfBatches, b.halfBatches)
                && Arrays.equals(halfBatchSignDisagreements, b.halfBatchSignDisagreements)
                && Arrays.equals(batchSignDisagreements, b.batchSignDisagreements);
    }

    @Override
    public int hashCode() {
        return samples * 31 + sharedParameters + Arrays.deepHashCode(sampleGrams);
    }

    @Override
    public String toString() {
        return "ConflictBaseline[samples=" + samples + ", tasks=" + taskCount() + ", sharedParameters="
                + sharedParameters + "]";
    }
}
