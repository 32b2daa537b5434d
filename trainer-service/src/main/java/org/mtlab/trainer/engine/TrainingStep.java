package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.mtlab.core.contract.GradientEvent;

/**
 * One kind of training step, chosen once per run (parameter space, representation space, or the plain loss-weighted
 * step a loss-weighting method takes when no telemetry is due): the passes on the batch, the method's decision, and
 * the gradient the optimizer applies — all on the run's device, every tensor owned by the step's manager.
 */
interface TrainingStep {

    /** The batch: {@code rows} rows of features {@code x} and per task its targets, and the step's manager. */
    record Batch(NDManager manager, float[] x, float[][] targets, int rows) {
        /** Bit t set: the batch holds none of task t's labels (partial labels: a missing label is NaN). */
        long unlabelledTasks() {
            return GradientEvent.unlabelledMask(targets, rows);
        }
    }

    /**
     * What a step decided.
     *
     * @param losses              per task, its loss on the batch
     * @param weights             the weight the method applied to each task
     * @param gradient            every parameter's gradient, flat, shared part first (on the device)
     * @param taskSharedGradients per task its shared gradient [T, P] (on the device), or null when the step did not
     *                            form them
     * @param grams               per telemetry block the packed Gram of the task gradients, or null
     * @param fullGradients       per task its whole gradient vector on the host, when telemetry asked for it, else null
     * @param blockSizes          the telemetry blocks' sizes (the event's), or null
     * @param space               the space the gradients and Grams are taken in
     * @param unlabelledTasks     bit t set: task t had no label in the batch (its loss 0, its gradient zero)
     */
    record Outcome(float[] losses, float[] weights, NDArray gradient, NDArray taskSharedGradients, double[][] grams,
                   float[][] fullGradients, int[] blockSizes, GradientEvent.Space space, long unlabelledTasks) {
    }

    /** Checks a step's losses (a non-finite loss ends the run). */
    @FunctionalInterface
    interface LossCheck {
        void check(long step, float[] losses);
    }

    /**
     * @param epoch     the trainer's epoch, from 1
     * @param step      the trainer's step, from 1
     * @param telemetry whether this step emits a gradient event (its Grams are then computed)
     */
    Outcome run(Batch batch, int epoch, long step, boolean telemetry);
}
