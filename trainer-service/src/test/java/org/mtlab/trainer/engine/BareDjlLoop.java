package org.mtlab.trainer.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.data.TaskData;
import org.mtlab.core.data.DatasetKinds;
import org.mtlab.core.model.DataShape;
import org.mtlab.core.model.ModelKinds;

/**
 * The limit a trainer step is measured against: the same model and optimizer with nothing else — per step the batch
 * up, forward, the summed loss, ONE backward, the device optimizer's update, gradients cleared. No loss values come
 * back, no weights, no telemetry, no checks.
 */
final class BareDjlLoop {
    private BareDjlLoop() {
    }

    /** Mean wall time of a step over one epoch of the request (its model, data, batch size, optimizer). */
    static double meanStepMicros(TrainingRequest request) {
        TaskData data = DatasetKinds.standard().load(request.datasetTasks(), request.dataset());
        int tasks = request.tasks().size();
        int[] taskIndex = request.tasks().stream().mapToInt(data::taskIndex).toArray();
        int[] outputs = new int[tasks];
        boolean[] classification = new boolean[tasks];
        for (int t = 0; t < tasks; t++) {
            outputs[t] = data.tasks().get(taskIndex[t]).outputs();
            classification[t] = data.tasks().get(taskIndex[t]).isClassification();
        }
        MlpLayout layout = new MlpLayout(ModelKinds.of(request.model().kind()), request.model(),
                new DataShape(data.dimension(), data.imageShape()), outputs);
        float[] initial = new float[layout.totalSize()];
        layout.initialise(initial, request.seed(), taskIndex);
        int batch = request.batchSize();
        int d = layout.input();
        TaskData.Split train = data.train();
        float[] x = new float[batch * d];
        float[][] y = new float[tasks][batch];
        try (NDManager run = Engine.getEngine(MultiTaskTrainer.ENGINE).newBaseManager(Device.cpu())) {
            HostDeviceTraffic traffic = new HostDeviceTraffic();
            DeviceModel model = new DeviceModel(run, new MultiTaskNetwork(KindNetworks.forLayout(layout),
                    classification, traffic), initial, traffic);
            DeviceOptimizer optimizer = DeviceOptimizer.create(request.optimizer(), model.parameters(),
                    layout.sharedTensorCount(), tasks, run, traffic);
            long nanos = 0;
            int steps = 0;
            JniUtils.setGradMode(true);
            for (int from = 0; from + batch <= train.size(); from += batch) {
                for (int r = 0; r < batch; r++) {
                    train.features(from + r, x, r * d);
                    for (int t = 0; t < tasks; t++) {
                        y[t][r] = train.target(taskIndex[t], from + r);
                    }
                }
                long t0 = System.nanoTime();
                try (NDManager step = run.newSubManager()) {
                    NDArray input = model.input(step, x, batch, HostDeviceTraffic.Purpose.BATCH);
                    NDArray[] losses = model.losses(step, model.forward(input, batch), y, batch);
                    NDArray total = NDArrays.add(losses);
                    JniUtils.backward((PtNDArray) total, (PtNDArray) step.ones(total.getShape()), false, false);
                    NDArray gradient = NDArrays.concat(new NDList(model.sharedGradient(step),
                            model.taskSpecificGradient(step)), 0);
                    optimizer.step(gradient, null, step);
                    model.zeroGradients();
                }
                nanos += System.nanoTime() - t0;
                steps++;
            }
            return nanos / 1e3 / steps;
        }
    }
}
