package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The method's part of a per-task step, in either gradient space: from the task gradients' rows {@code g} [T, n] on the
 * device and their Grams, the weights decided in Java and the combination {@code wᵀg} formed on the device — or, for a
 * method that needs the whole vectors, the rows copied to the host, combined there and the result copied back — and the
 * heads' gradient, weighted for loss weighting.
 *
 * @param weights       the weight the method applied to each task
 * @param combined      the combined gradient [n] on the device
 * @param heads         the task-specific parameters' gradient, flat, on the device
 * @param fullGradients the rows on the host when they were copied (telemetry asked, or the method needed them), else
 *                      null
 */
record StepDecision(float[] weights, NDArray combined, NDArray heads, float[][] fullGradients) {

    static StepDecision of(DeviceModel model, Aggregation aggregation, NDManager manager, int epoch, long step,
                           float[] losses, long unlabelled, NDArray g, double[][] grams, boolean rowsToHost) {
        boolean vectors = aggregation.needsGradientVectors();
        float[][] full = rowsToHost || vectors ? model.rowsToHost(g) : null;
        float[] weights;
        NDArray combined = null;
        if (vectors) {
            int width = (int) g.getShape().get(1);
            float[] c = new float[width];
            weights = aggregation.combine(epoch, step, losses, unlabelled, full, grams, c);
            combined = model.vectorToDevice(manager, c, new Shape(width));
        } else {
            weights = aggregation.decide(epoch, step, losses, unlabelled, grams);
        }
        NDArray w = vectors && !aggregation.weightsHeads() ? null : model.weightsToDevice(manager, weights);
        if (!vectors) {
            combined = model.combine(w, g);
        }
        NDArray heads = aggregation.weightsHeads() ? model.weightedTaskSpecificGradient(manager, w)
                : model.taskSpecificGradient(manager);
        return new StepDecision(weights, combined, heads, full);
    }
}
