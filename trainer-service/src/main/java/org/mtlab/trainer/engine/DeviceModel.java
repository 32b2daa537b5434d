package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.mtlab.core.contract.GradientEvent;

/**
 * A run's model on its device: every parameter tensor created once, in the run's manager, from the seeded initial
 * values, and updated in place by the run's {@link DeviceOptimizer} — nothing is copied back to the host on a step but
 * what Java decides with (the losses, and on telemetry or Gram-method steps the per-block Gram matrices, T×T each).
 * The forward pass is {@link MultiTaskNetwork}'s, over these tensors.
 *
 * <p>What the step kinds share: the batch's upload, the per-task losses (one download of T values), the per-task
 * backward passes collecting each task's shared gradient on the device as one row of J [T, P], the per-block Grams
 * G_l = J_l·J_lᵀ computed on the device, and {@code wᵀJ}. Every temporary belongs to the step's manager, so a step
 * leaves nothing behind; PyTorch accumulates gradients, so {@link #zeroGradients()} clears them before each step.
 *
 * <p>Not thread-safe: one instance per run.
 */
final class DeviceModel {
    private final MultiTaskNetwork net;
    private final MlpLayout layout;
    private final HostDeviceTraffic traffic;
    private final NDArray[] parameters;
    private final long[] blockColumns;

    /**
     * Uploads {@code initial} (the layout's flat vector) once into tensors of {@code runManager}; a block trunk brings
     * its own tensors (the trunk part of {@code initial} is then ignored).
     */
    DeviceModel(NDManager runManager, MultiTaskNetwork net, float[] initial, HostDeviceTraffic traffic) {
        MlpLayout layout = net.layout();
        if (initial.length != layout.totalSize()) {
            throw new IllegalArgumentException(initial.length + " initial values for " + layout.totalSize()
                    + " parameters");
        }
        this.net = net;
        this.layout = layout;
        this.traffic = traffic;
        this.parameters = new NDArray[layout.tensorCount()];
        // a block trunk's tensors are its own (a TorchScript module's, ResNet-18's), already on the device
        NDArray[] existing = net.kindNetwork().ownTensors();
        System.arraycopy(existing, 0, parameters, 0, existing.length);
        for (int i = existing.length; i < parameters.length; i++) {
            parameters[i] = traffic.upload(runManager, initial, layout.offset(i), layout.length(i),
                    new Shape(layout.shape(i)), HostDeviceTraffic.Purpose.CHECKPOINT);
            parameters[i].setRequiresGradient(true);
        }
        this.blockColumns = new long[layout.layers() + 1];
        for (int l = 0; l <= layout.layers(); l++) {
            blockColumns[l] = layout.blockStart(l);
        }
    }

    NDArray[] parameters() {
        return parameters;
    }

    MlpLayout layout() {
        return layout;
    }

    /** All parameters on the host, flat in the layout's order: for a checkpoint. */
    float[] parametersToHost() {
        float[] flat = new float[layout.totalSize()];
        for (int i = 0; i < parameters.length; i++) {
            float[] values = traffic.download(parameters[i], HostDeviceTraffic.Purpose.CHECKPOINT);
            System.arraycopy(values, 0, flat, layout.offset(i), values.length);
        }
        return flat;
    }

    /** The network's buffers (batch-norm running statistics) on the host, flat: for a checkpoint. */
    float[] buffersToHost() {
        float[] flat = new float[Math.toIntExact(bufferSize())];
        int at = 0;
        for (NDArray b : net.kindNetwork().buffers()) {
            float[] values = traffic.download(b, HostDeviceTraffic.Purpose.CHECKPOINT);
            System.arraycopy(values, 0, flat, at, values.length);
            at += values.length;
        }
        return flat;
    }

    /** Entries {@link #buffersToHost()} gives: what a checkpoint of this model must carry. */
    long bufferSize() {
        return net.kindNetwork().bufferSize();
    }

    /** Overwrites the network's buffers from a flat vector of {@link #bufferSize()} entries (a resumed run's). */
    void loadBuffers(float[] flat) {
        if (flat.length != bufferSize()) {
            throw new IllegalArgumentException(flat.length + " buffer values for a model with " + bufferSize());
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            int at = 0;
            for (NDArray b : net.kindNetwork().buffers()) {
                int length = Math.toIntExact(b.size());
                try (NDArray values = traffic.upload(b.getManager(), flat, at, length, b.getShape(),
                        HostDeviceTraffic.Purpose.CHECKPOINT)) {
                    b.muli(0).addi(values);
                }
                at += length;
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Overwrites every parameter from a flat vector (a resumed run's checkpoint). */
    void load(float[] flat) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int i = 0; i < parameters.length; i++) {
                try (NDArray values = traffic.upload(parameters[i].getManager(), flat, layout.offset(i),
                        layout.length(i), parameters[i].getShape(), HostDeviceTraffic.Purpose.CHECKPOINT)) {
                    parameters[i].muli(0).addi(values);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Clears every parameter's accumulated gradient. */
    void zeroGradients() {
        for (NDArray p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** The first {@code rows} rows of {@code x} on the device, [rows, input]. */
    NDArray input(NDManager step, float[] x, int rows, HostDeviceTraffic.Purpose purpose) {
        return traffic.upload(step, x, 0, rows * layout.input(), new Shape(rows, layout.input()), purpose);
    }

    /** A forward pass's per-task losses (graph nodes) and their values on the host. */
    record Pass(NDArray[] losses, float[] values) {
    }

    /** The batch up, every head's prediction and each task's loss; the T loss values down. */
    Pass forward(TrainingStep.Batch batch, HostDeviceTraffic.Purpose purpose) {
        NDArray in = input(batch.manager(), batch.x(), batch.rows(), purpose);
        NDArray[] losses = losses(batch.manager(), forward(in, batch.rows()), batch.targets(), batch.rows());
        return new Pass(losses, values(losses));
    }

    /** Every head's prediction (a graph when gradients are on). */
    NDArray[] forward(NDArray input, int rows) {
        return net.forward(parameters, input, rows);
    }

    NDArray representation(NDArray input, int rows) {
        return net.representation(parameters, input, rows);
    }

    NDArray head(int task, NDArray z, int rows) {
        return net.head(parameters, task, z, rows);
    }

    /** Each task's loss of its prediction, as graph nodes. */
    NDArray[] losses(NDManager step, NDArray[] predictions, float[][] targets, int rows) {
        NDArray[] losses = new NDArray[predictions.length];
        for (int t = 0; t < losses.length; t++) {
            losses[t] = net.loss(step, t, predictions[t], targets[t], rows);
        }
        return losses;
    }

    /** The losses' values on the host: one download of T floats. */
    float[] values(NDArray[] losses) {
        return traffic.download(losses.length == 1 ? losses[0] : NDArrays.stack(new NDList(losses)),
                HostDeviceTraffic.Purpose.STEP);
    }

    /**
     * One backward pass per task (the graph kept for the next task), each task's gradient on the shared parameters
     * collected as one row of J [T, P] on the device and cleared before the next task. The task-specific tensors keep
     * their own task's gradient (a head is reached by its task's loss alone).
     */
    NDArray taskSharedGradients(NDManager step, NDArray[] losses) {
        NDArray seed = step.ones(losses[0].getShape());
        NDList rows = new NDList(losses.length);
        for (int t = 0; t < losses.length; t++) {
            boolean last = t == losses.length - 1;
            JniUtils.backward((PtNDArray) losses[t], (PtNDArray) seed, !last, false);
            rows.add(sharedGradient(step));
            for (int i = 0; i < layout.sharedTensorCount(); i++) {
                JniUtils.zeroGrad((PtNDArray) parameters[i]);
            }
        }
        return rows.size() == 1 ? rows.get(0).expandDims(0) : NDArrays.stack(rows);
    }

    /** The shared tensors' current gradient, flat [P], a copy owned by the step. */
    NDArray sharedGradient(NDManager step) {
        return flatGradient(step, 0, layout.sharedTensorCount());
    }

    /** The task-specific tensors' current gradient, flat, a copy owned by the step. */
    NDArray taskSpecificGradient(NDManager step) {
        return flatGradient(step, layout.sharedTensorCount(), parameters.length);
    }

    private NDArray flatGradient(NDManager step, int from, int to) {
        NDList pieces = new NDList(to - from);
        for (int i = from; i < to; i++) {
            NDArray g = parameters[i].getGradient();
            g.attach(step);
            pieces.add(g.reshape(-1));
        }
        return NDArrays.concat(pieces, 0);
    }

    /**
     * The task-specific gradient with task t's tensors (its gate and head) scaled by the device's {@code weights[t]}: loss
     * weighting back-propagates {@code Σ_t w_t L_t}, whose gradient on a head is {@code w_t ∇L_t}.
     */
    NDArray weightedTaskSpecificGradient(NDManager step, NDArray weights) {
        NDList pieces = new NDList(parameters.length - layout.sharedTensorCount());
        for (int t = 0; t < layout.heads(); t++) {
            NDArray w = weights.get(t);
            for (int i = layout.taskFirstTensor(t); i < layout.taskFirstTensor(t) + layout.taskTensorCount(); i++) {
                NDArray g = parameters[i].getGradient();
                g.attach(step);
                pieces.add(g.reshape(-1).mul(w));
            }
        }
        return NDArrays.concat(pieces, 0);
    }

    /**
     * Per block of columns {@code [columns[l], columns[l+1])} of {@code j} [T, N], the packed upper triangle of
     * {@code J_l·J_lᵀ}, computed on the device in float32 as PyTorch's matrix product accumulates it (relative error
     * of the order of 1e-6 of {@code Σ|a_k b_k|}; float64 would first copy J at twice its size, which on a CPU costs
     * more than the extra backward passes) and downloaded together (L·T·T floats).
     */
    double[][] blockGrams(NDArray j, long[] columns) {
        int tasks = (int) j.getShape().get(0);
        int blocks = columns.length - 1;
        NDList grams = new NDList(blocks);
        for (int l = 0; l < blocks; l++) {
            NDArray block = blocks == 1 ? j : j.get(":, " + columns[l] + ":" + columns[l + 1]);
            grams.add(block.matMul(block.transpose()));
        }
        float[] all = traffic.download(blocks == 1 ? grams.get(0) : NDArrays.stack(grams),
                HostDeviceTraffic.Purpose.STEP);
        double[][] packed = new double[blocks][tasks * (tasks + 1) / 2];
        for (int l = 0; l < blocks; l++) {
            for (int a = 0; a < tasks; a++) {
                for (int b = a; b < tasks; b++) {
                    packed[l][GradientEvent.packedIndex(a, b, tasks)] = all[l * tasks * tasks + a * tasks + b];
                }
            }
        }
        return packed;
    }

    /** The per-trunk-block Grams of J [T, P]. */
    double[][] blockGrams(NDArray j) {
        return blockGrams(j, blockColumns);
    }

    /** The method's weights on the device, [T], owned by the step (T floats up). */
    NDArray weightsToDevice(NDManager step, float[] weights) {
        return traffic.upload(step, weights, new Shape(weights.length), HostDeviceTraffic.Purpose.STEP);
    }

    /** {@code Σ_t w_t J_t}, [N], on the device. */
    NDArray combine(NDArray weights, NDArray j) {
        return weights.reshape(1, -1).matMul(j).reshape(-1);
    }

    /** J's rows on the host (full-gradient telemetry, or a method that needs the vectors). */
    float[][] rowsToHost(NDArray j) {
        int tasks = (int) j.getShape().get(0);
        float[] all = traffic.download(j, HostDeviceTraffic.Purpose.GRADIENT_VECTORS);
        int width = all.length / tasks;
        float[][] rows = new float[tasks][];
        for (int t = 0; t < tasks; t++) {
            rows[t] = java.util.Arrays.copyOfRange(all, t * width, (t + 1) * width);
        }
        return rows;
    }

    /** A host vector on the device (a combination Java made from whole gradient vectors). */
    NDArray vectorToDevice(NDManager step, float[] values, Shape shape) {
        return traffic.upload(step, values, 0, (int) shape.size(), shape, HostDeviceTraffic.Purpose.GRADIENT_VECTORS);
    }

    /**
     * Each task's gradient on the shared parameters for the first {@code rows} rows of {@code x}, on the host (the
     * conflict baseline's passes): a forward and T backward passes at the current parameters, gradients cleared after.
     */
    float[][] taskSharedGradientsToHost(NDManager parent, float[] x, float[][] targets, int rows) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager step = parent.newSubManager()) {
            NDArray input = input(step, x, rows, HostDeviceTraffic.Purpose.BASELINE);
            NDArray j = taskSharedGradients(step, losses(step, forward(input, rows), targets, rows));
            zeroGradients();
            int tasks = targets.length;
            float[] all = traffic.download(j, HostDeviceTraffic.Purpose.BASELINE);
            float[][] out = new float[tasks][];
            for (int t = 0; t < tasks; t++) {
                out[t] = java.util.Arrays.copyOfRange(all, t * layout.sharedSize(), (t + 1) * layout.sharedSize());
            }
            return out;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Outputs of every head for {@code rows} samples from row {@code fromRow} of {@code x} (no graph), written
     * row-major into {@code out[head]} from {@code fromRow × outputs}.
     */
    void predict(NDManager parent, float[] x, int fromRow, int rows, float[][] out) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = parent.newSubManager()) {
            int d = layout.input();
            NDArray input = traffic.upload(step, x, fromRow * d, rows * d, new Shape(rows, d),
                    HostDeviceTraffic.Purpose.EVALUATION);
            NDArray[] predictions = forward(input, rows);
            for (int t = 0; t < layout.heads(); t++) {
                float[] values = traffic.download(predictions[t], HostDeviceTraffic.Purpose.EVALUATION);
                System.arraycopy(values, 0, out[t], fromRow * layout.headOutputs(t), values.length);
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Each task's loss on a batch at the current parameters, no graph (FAMO's losses after the step). */
    float[] lossesNow(NDManager parent, float[] x, float[][] targets, int rows) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = parent.newSubManager()) {
            NDArray input = input(step, x, rows, HostDeviceTraffic.Purpose.BATCH);
            return values(losses(step, forward(input, rows), targets, rows));
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
