package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.mtlab.core.contract.GradientEvent;

/**
 * A step in representation space: the trunk forward once to the shared representation h; z = h detached, a leaf that
 * requires gradient; the heads on z; per task one backward of its loss (through its head only) giving ∂L_t/∂z as a
 * row of R [T, rows·width] on the device; the method combines the rows (weights from R·Rᵀ, one telemetry block
 * {@value MultiTaskTrainer#REPRESENTATION_BLOCK}) into one seed c = wᵀR, and ONE backward of h with seed c through the
 * trunk gives the shared gradient (∂h/∂θ)ᵀc. For loss weighting the trunk gradient is exactly ∇θ Σ_t w_t L_t.
 */
final class RepresentationSpaceStep implements TrainingStep {
    private final DeviceModel model;
    private final Aggregation aggregation;
    private final boolean fullGradients;
    private final LossCheck lossCheck;

    RepresentationSpaceStep(DeviceModel model, Aggregation aggregation, boolean fullGradients, LossCheck lossCheck) {
        this.model = model;
        this.aggregation = aggregation;
        this.fullGradients = fullGradients;
        this.lossCheck = lossCheck;
    }

    @Override
    public Outcome run(Batch batch, int epoch, long step, boolean telemetry) {
        NDManager manager = batch.manager();
        int rows = batch.rows();
        NDArray input = model.input(manager, batch.x(), rows, HostDeviceTraffic.Purpose.BATCH);
        NDArray h = model.representation(input, rows);
        NDArray z = h.stopGradient();
        z.setRequiresGradient(true);
        int tasks = batch.targets().length;
        NDArray[] predictions = new NDArray[tasks];
        for (int t = 0; t < tasks; t++) {
            predictions[t] = model.head(t, z, rows);
        }
        NDArray[] losses = model.losses(manager, predictions, batch.targets(), rows);
        float[] values = model.values(losses);
        lossCheck.check(step, values);
        NDArray seed = manager.ones(losses[0].getShape());
        NDList taskRows = new NDList(tasks);
        for (int t = 0; t < tasks; t++) {
            JniUtils.backward((PtNDArray) losses[t], (PtNDArray) seed, t < tasks - 1, false);
            NDArray g = z.getGradient();
            g.attach(manager);
            taskRows.add(g.reshape(-1).duplicate());
            JniUtils.zeroGrad((PtNDArray) z);
        }
        NDArray r = NDArrays.stack(taskRows);
        long width = r.getShape().get(1);
        double[][] grams = telemetry || aggregation.needsGram() ? model.blockGrams(r, new long[] {0, width}) : null;
        long unlabelled = batch.unlabelledTasks();
        StepDecision d = StepDecision.of(model, aggregation, manager, epoch, step, values, unlabelled, r, grams,
                telemetry && fullGradients);
        JniUtils.backward((PtNDArray) h, (PtNDArray) d.combined().reshape(h.getShape()), false, false);
        NDArray gradient = NDArrays.concat(new NDList(model.sharedGradient(manager), d.heads()), 0);
        return new Outcome(values, d.weights(), gradient, null, grams,
                telemetry && fullGradients ? d.fullGradients() : null,
                new int[] {(int) width}, GradientEvent.Space.REPRESENTATION, unlabelled);
    }
}
