package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.mtlab.core.contract.GradientEvent;

/**
 * The plain step of a loss-weighting method on a step without telemetry: one forward pass, the weights from the losses,
 * ONE backward pass of {@code Σ_t w_t L_t} — the same update as the per-task step (heads get {@code w_t ∇L_t}), with
 * no per-task gradients, which is what makes sampled telemetry cheap.
 */
final class PlainLossWeightedStep implements TrainingStep {
    private final DeviceModel model;
    private final Aggregation aggregation;
    private final LossCheck lossCheck;

    PlainLossWeightedStep(DeviceModel model, Aggregation aggregation, LossCheck lossCheck) {
        if (!aggregation.weighsLossesOnly()) {
            throw new IllegalArgumentException(aggregation.name() + " needs per-task gradients on every step");
        }
        this.model = model;
        this.aggregation = aggregation;
        this.lossCheck = lossCheck;
    }

    @Override
    public Outcome run(Batch batch, int epoch, long step, boolean telemetry) {
        NDManager manager = batch.manager();
        DeviceModel.Pass pass = model.forward(batch, HostDeviceTraffic.Purpose.BATCH);
        float[] values = pass.values();
        NDArray[] losses = pass.losses();
        lossCheck.check(step, values);
        long unlabelled = batch.unlabelledTasks();
        float[] weights = aggregation.lossWeights(epoch, step, values, unlabelled);
        NDArray w = model.weightsToDevice(manager, weights);
        NDArray total = losses[0].mul(w.get(0));
        for (int t = 1; t < losses.length; t++) {
            total = total.add(losses[t].mul(w.get(t)));
        }
        JniUtils.backward((PtNDArray) total, (PtNDArray) manager.ones(total.getShape()), false, false);
        NDArray gradient = NDArrays.concat(new NDList(model.sharedGradient(manager),
                model.taskSpecificGradient(manager)), 0);
        return new Outcome(values, weights, gradient, null, null, null, null, GradientEvent.Space.PARAMETERS,
                unlabelled);
    }
}
