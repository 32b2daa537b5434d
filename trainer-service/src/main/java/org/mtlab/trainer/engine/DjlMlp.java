package org.mtlab.trainer.engine;

import java.nio.FloatBuffer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The MLP's forward pass and per-task backward passes on DJL's PyTorch engine, over parameters held in a Java
 * {@code float[]} ({@link MlpLayout}).
 *
 * <p>Why Java-side parameters: every step copies the parameters into fresh NDArrays of a per-step sub-manager that is
 * closed when the step ends, so no native tensor outlives its step (native memory cannot grow step over step, which
 * the tests check), the optimizer is plain Java ({@code org.mtlab.core.optim}, tested against closed forms), a
 * checkpoint is the float vector plus {@code OptimizerState}, and results are bit-reproducible. The price is one copy
 * of the parameters into native memory and of the gradients out per step: on the benchmark MLP (10⁴ parameters,
 * 2 tasks) creating the parameter arrays takes about 60 µs and copying the gradients out about 45 µs of a ≈0.9 ms
 * step, most of which is the per-task backward passes (≈0.4 ms) and the forward pass (≈0.2 ms).
 *
 * <p>Per step: ONE forward pass building one graph for all heads; then for each task t one
 * {@link JniUtils#backward} of that task's loss with {@code keepGraph} true (false for the last task, which frees
 * the graph). PyTorch accumulates into {@code .grad} and DJL does not zero it, so after each task the shared
 * gradients are copied out and zeroed in place ({@link JniUtils#zeroGrad}) before the next task's backward. A head
 * only receives gradient from its own task's loss, so heads need no zeroing.
 *
 * <p>Not thread-safe: one instance per training run (reuses its output buffers).
 */
final class DjlMlp {
    private final NDManager runManager;
    private final MlpLayout layout;
    private final float[] losses;
    private final float[][] sharedGradients;
    private final float[] headGradients;

    DjlMlp(NDManager runManager, MlpLayout layout) {
        this.runManager = runManager;
        this.layout = layout;
        this.losses = new float[layout.heads()];
        this.sharedGradients = new float[layout.heads()][layout.sharedSize()];
        this.headGradients = new float[layout.totalSize() - layout.sharedSize()];
    }

    /**
     * The per-task results of one step. The arrays are this instance's buffers, overwritten by the next call.
     *
     * @param losses          per task, its mean squared error on the batch
     * @param sharedGradients per task, ∂loss_t/∂θ_shared (length {@link MlpLayout#sharedSize()})
     * @param headGradients   per head, the gradient of its own task's loss, heads concatenated in layout order
     *                        (index {@code offset(tensor) − sharedSize})
     */
    record Gradients(float[] losses, float[][] sharedGradients, float[] headGradients) {
    }

    /**
     * One forward and one backward per task on a batch.
     *
     * @param x       row-major features, at least {@code rows × input} entries
     * @param targets per head, at least {@code rows} targets
     */
    Gradients gradients(float[] params, float[] x, float[][] targets, int rows) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, true);
            NDArray input = step.create(FloatBuffer.wrap(x, 0, rows * layout.input()), new Shape(rows, layout.input()));
            NDArray[] predictions = forward(p, input, rows);
            NDArray[] taskLoss = new NDArray[layout.heads()];
            for (int t = 0; t < layout.heads(); t++) {
                NDArray y = step.create(FloatBuffer.wrap(targets[t], 0, rows), new Shape(rows));
                taskLoss[t] = predictions[t].sub(y).square().mean();
            }
            PtNDArray seed = (PtNDArray) step.ones(taskLoss[0].getShape());
            int shared = layout.sharedTensorCount();
            for (int t = 0; t < layout.heads(); t++) {
                boolean last = t == layout.heads() - 1;
                losses[t] = taskLoss[t].getFloat();
                JniUtils.backward((PtNDArray) taskLoss[t], seed, !last, false);
                for (int i = 0; i < shared; i++) {
                    copyGradient(p[i], sharedGradients[t], layout.offset(i));
                    if (!last) {
                        JniUtils.zeroGrad((PtNDArray) p[i]);
                    }
                }
                copyGradient(p[layout.headWeight(t)], headGradients, layout.offset(layout.headWeight(t)) - layout.sharedSize());
                copyGradient(p[layout.headBias(t)], headGradients, layout.offset(layout.headBias(t)) - layout.sharedSize());
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new Gradients(losses, sharedGradients, headGradients);
    }

    /** Predictions of every head for {@code rows} samples (no graph), written into {@code out[head][row]}. */
    void predict(float[] params, float[] x, int fromRow, int rows, float[][] out) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, false);
            int d = layout.input();
            NDArray input = step.create(FloatBuffer.wrap(x, fromRow * d, rows * d), new Shape(rows, d));
            NDArray[] predictions = forward(p, input, rows);
            for (int t = 0; t < layout.heads(); t++) {
                float[] values = predictions[t].toFloatArray();
                System.arraycopy(values, 0, out[t], fromRow, rows);
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Each task's loss on a batch (no graph), computed with the same operations as {@link #gradients}: what FAMO
     * needs after the optimizer step ({@code MtlMethod#afterStep}). Returns a fresh array.
     */
    float[] losses(float[] params, float[] x, float[][] targets, int rows) {
        float[] out = new float[layout.heads()];
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, false);
            NDArray input = step.create(FloatBuffer.wrap(x, 0, rows * layout.input()), new Shape(rows, layout.input()));
            NDArray[] predictions = forward(p, input, rows);
            for (int t = 0; t < layout.heads(); t++) {
                NDArray y = step.create(FloatBuffer.wrap(targets[t], 0, rows), new Shape(rows));
                out[t] = predictions[t].sub(y).square().mean().getFloat();
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }

    private NDArray[] parameters(NDManager manager, float[] params, boolean requiresGradient) {
        NDArray[] p = new NDArray[layout.tensorCount()];
        for (int i = 0; i < p.length; i++) {
            p[i] = manager.create(FloatBuffer.wrap(params, layout.offset(i), layout.length(i)), new Shape(layout.shape(i)));
            if (requiresGradient) {
                p[i].setRequiresGradient(true);
            }
        }
        return p;
    }

    /** Trunk of ReLU(linear) layers, then a linear head per task; each prediction has shape [rows]. */
    private NDArray[] forward(NDArray[] p, NDArray input, int rows) {
        NDArray h = input;
        for (int l = 0; l < layout.layers(); l++) {
            h = Activation.relu(h.getNDArrayInternal().linear(h, p[2 * l], p[2 * l + 1]).singletonOrThrow());
        }
        NDArray[] predictions = new NDArray[layout.heads()];
        for (int t = 0; t < layout.heads(); t++) {
            predictions[t] = h.getNDArrayInternal().linear(h, p[layout.headWeight(t)], p[layout.headBias(t)])
                    .singletonOrThrow().reshape(rows);
        }
        return predictions;
    }

    private static void copyGradient(NDArray parameter, float[] destination, int offset) {
        float[] g = parameter.getGradient().toFloatArray();
        System.arraycopy(g, 0, destination, offset, g.length);
    }
}
