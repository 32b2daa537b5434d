package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.mtlab.core.contract.GradientEvent;

/**
 * A step in parameter space: one forward pass, one backward pass per task collecting each task's gradient on the
 * shared parameters as a row of J [T, P] on the device; the per-block Grams J_l·J_lᵀ on the device when telemetry or
 * the method needs them (L·T·T values to the host); the method's weights decided in Java and {@code wᵀJ} formed on the
 * device. Only for a method that needs the whole vectors (GradDrop, DB-MTL), or for full-gradient telemetry, does J
 * cross to the host: those methods are element-wise rules on the vectors written in mtl-core, so the combined gradient
 * crosses back (counted as {@link HostDeviceTraffic.Purpose#GRADIENT_VECTORS}).
 */
final class ParameterSpaceStep implements TrainingStep {
    private final DeviceModel model;
    private final Aggregation aggregation;
    private final boolean fullGradients;
    private final LossCheck lossCheck;

    ParameterSpaceStep(DeviceModel model, Aggregation aggregation, boolean fullGradients, LossCheck lossCheck) {
        this.model = model;
        this.aggregation = aggregation;
        this.fullGradients = fullGradients;
        this.lossCheck = lossCheck;
    }

    @Override
    public Outcome run(Batch batch, int epoch, long step, boolean telemetry) {
        NDManager manager = batch.manager();
        DeviceModel.Pass pass = model.forward(batch, HostDeviceTraffic.Purpose.BATCH);
        lossCheck.check(step, pass.values());
        NDArray j = model.taskSharedGradients(manager, pass.losses());
        double[][] grams = telemetry || aggregation.needsGram() ? model.blockGrams(j) : null;
        long unlabelled = batch.unlabelledTasks();
        StepDecision d = StepDecision.of(model, aggregation, manager, epoch, step, pass.values(), unlabelled, j, grams,
                telemetry && fullGradients);
        return new Outcome(pass.values(), d.weights(), NDArrays.concat(new NDList(d.combined(), d.heads()), 0), j,
                grams, telemetry && fullGradients ? d.fullGradients() : null, model.layout().blockSizes(),
                GradientEvent.Space.PARAMETERS, unlabelled);
    }
}
