package org.mtlab.trainer.engine;

import java.nio.FloatBuffer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The model's passes at given parameters — a Java {@code float[]} in the layout's order, copied into fresh tensors for
 * each call — over the same {@link MultiTaskNetwork} the trainer runs: per-task gradients, a weighted-loss step, a
 * representation-space step, predictions, losses and MMoE's gates. What the gradient tests compare with finite
 * differences, hand-written backpropagation and closed forms; the trainer itself keeps its tensors on the device
 * ({@link DeviceModel}).
 *
 * <p>Per-task gradients: ONE forward pass building one graph for all heads; then for each task t one
 * {@link JniUtils#backward} of that task's loss with {@code keepGraph} true (false for the last task, which frees
 * the graph). PyTorch accumulates into {@code .grad} and DJL does not zero it, so after each task the shared
 * gradients are collected and zeroed in place ({@link JniUtils#zeroGrad}) before the next task's backward.
 */
final class ReferencePasses {
    private final NDManager runManager;
    private final MlpLayout layout;
    private final MultiTaskNetwork net;
    private final float[] losses;
    private final float[][] sharedGradients;
    private final float[] headGradients;
    private final float[] combinedSharedGradient;
    private float[][] representationGradients;

    /** Every head a regression head. */
    ReferencePasses(NDManager runManager, MlpLayout layout) {
        this(runManager, layout, new boolean[layout.heads()]);
    }

    /** @param classification per head: true for cross-entropy, false for MSE */
    ReferencePasses(NDManager runManager, MlpLayout layout, boolean[] classification) {
        this.runManager = runManager;
        this.layout = layout;
        this.net = new MultiTaskNetwork(KindNetworks.forLayout(layout), classification, new HostDeviceTraffic());
        this.losses = new float[layout.heads()];
        this.sharedGradients = new float[layout.heads()][layout.sharedSize()];
        this.headGradients = new float[layout.totalSize() - layout.sharedSize()];
        this.combinedSharedGradient = new float[layout.sharedSize()];
    }

    /**
     * The per-task results of one step. The arrays are this instance's buffers, overwritten by the next call.
     *
     * @param losses          per task, its loss on the batch (MSE or cross-entropy)
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
     * @param targets per head, at least {@code rows} targets: values, or class indices for classification heads
     */
    Gradients gradients(float[] params, float[] x, float[][] targets, int rows) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, true);
            NDArray input = step.create(FloatBuffer.wrap(x, 0, rows * layout.input()), new Shape(rows, layout.input()));
            NDArray[] predictions = net.forward(p, input, rows);
            NDArray[] taskLoss = new NDArray[layout.heads()];
            for (int t = 0; t < layout.heads(); t++) {
                taskLoss[t] = net.loss(step, t, predictions[t], targets[t], rows);
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
                // the task's own tensors (MMoE: gate then head) get gradient from this task's loss only
                for (int i = layout.taskFirstTensor(t); i < layout.taskFirstTensor(t) + layout.taskTensorCount(); i++) {
                    copyGradient(p[i], headGradients, layout.offset(i) - layout.sharedSize());
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new Gradients(losses, sharedGradients, headGradients);
    }

    /**
     * Turns the step's losses into the task weights of a loss-weighting method (which needs no gradients). Called
     * once per step, between the forward and the single backward pass.
     */
    @FunctionalInterface
    interface LossWeighting {
        float[] weights(float[] losses);
    }

    /**
     * The results of a step with one backward pass of {@code Σ_t w_t L_t}. The arrays are this instance's buffers,
     * overwritten by the next call.
     *
     * @param losses         per task, its loss on the batch
     * @param weights        the weights {@link LossWeighting} returned
     * @param sharedGradient ∂(Σ_t w_t L_t)/∂θ_shared
     * @param headGradients  per head, {@code w_t ∂L_t/∂θ_head_t} (already weighted), in layout order
     */
    record WeightedGradient(float[] losses, float[] weights, float[] sharedGradient, float[] headGradients) {
    }

    /**
     * One forward pass and ONE backward pass of the weighted sum of the task losses, the weights chosen from the
     * losses: a plain MTL step for a loss-weighting method, with no per-task shared gradients (no telemetry).
     */
    WeightedGradient weightedGradient(float[] params, float[] x, float[][] targets, int rows, LossWeighting weighting) {
        float[] shared = combinedSharedGradient;
        float[] weights;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, true);
            NDArray input = step.create(FloatBuffer.wrap(x, 0, rows * layout.input()), new Shape(rows, layout.input()));
            NDArray[] predictions = net.forward(p, input, rows);
            NDArray[] taskLoss = new NDArray[layout.heads()];
            for (int t = 0; t < layout.heads(); t++) {
                taskLoss[t] = net.loss(step, t, predictions[t], targets[t], rows);
                losses[t] = taskLoss[t].getFloat();
            }
            weights = weighting.weights(losses);
            NDArray total = taskLoss[0].mul(MultiTaskNetwork.scalar(step, weights[0]));
            for (int t = 1; t < layout.heads(); t++) {
                total = total.add(taskLoss[t].mul(MultiTaskNetwork.scalar(step, weights[t])));
            }
            JniUtils.backward((PtNDArray) total, (PtNDArray) step.ones(total.getShape()), false, false);
            for (int i = 0; i < layout.sharedTensorCount(); i++) {
                copyGradient(p[i], shared, layout.offset(i));
            }
            copyHeadGradients(p);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new WeightedGradient(losses, weights, shared, headGradients);
    }

    /**
     * Combines the per-task gradients on the shared representation into the one gradient the trunk back-propagates
     * (the weighting method working in representation space). Called once per step, between the head passes and the
     * trunk pass, while the step's graph is alive.
     */
    @FunctionalInterface
    interface RepresentationCombiner {
        /**
         * @param losses        per task, its loss on the batch
         * @param taskGradients per task, ∂L_t/∂z, z the batch's representation flattened row-major (rows × width)
         * @return the combined gradient on z, {@code rows × width} entries (read before the next call)
         */
        float[] combine(float[] losses, float[][] taskGradients);
    }

    /**
     * The results of a representation-space step. The arrays are this instance's buffers, overwritten by the next call.
     *
     * @param losses                  per task, its loss on the batch
     * @param representationGradients per task, ∂L_t/∂z (rows × width, row-major)
     * @param sharedGradient          the trunk's gradient for the combined seed c: (∂z/∂θ_shared)ᵀ c
     * @param headGradients           per head, its own task's raw gradient, in layout order
     */
    record RepresentationGradients(float[] losses, float[][] representationGradients, float[] sharedGradient,
                                   float[] headGradients) {
    }

    /**
     * A step in representation space: the trunk forward once to the shared representation h; z = h detached, a leaf
     * that requires gradient; the heads on z; per task one backward of its loss, which only runs through its head
     * (z is a leaf), giving ∂L_t/∂z and the head's gradient; the {@code combiner} turns the T representation gradients
     * into one seed c; then ONE backward of h with seed c through the trunk gives the shared-parameter gradient
     * (∂h/∂θ)ᵀ c. For loss weighting, c = Σ_t w_t ∂L_t/∂z and the trunk gradient is exactly ∇θ Σ_t w_t L_t.
     */
    RepresentationGradients representationGradients(float[] params, float[] x, float[][] targets, int rows,
                                                    RepresentationCombiner combiner) {
        int width = net.representationWidth();
        if (representationGradients == null || representationGradients[0].length != rows * width) {
            representationGradients = new float[layout.heads()][rows * width];
        }
        float[] shared = combinedSharedGradient;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, true);
            NDArray input = step.create(FloatBuffer.wrap(x, 0, rows * layout.input()), new Shape(rows, layout.input()));
            NDArray h = net.representation(p, input, rows);
            NDArray z = h.stopGradient();
            z.setRequiresGradient(true);
            NDArray[] taskLoss = new NDArray[layout.heads()];
            for (int t = 0; t < layout.heads(); t++) {
                taskLoss[t] = net.loss(step, t, net.head(p, t, z, rows), targets[t], rows);
            }
            PtNDArray seed = (PtNDArray) step.ones(taskLoss[0].getShape());
            for (int t = 0; t < layout.heads(); t++) {
                boolean last = t == layout.heads() - 1;
                losses[t] = taskLoss[t].getFloat();
                JniUtils.backward((PtNDArray) taskLoss[t], seed, !last, false);
                copyGradient(z, representationGradients[t], 0);
                if (!last) {
                    JniUtils.zeroGrad((PtNDArray) z);
                }
            }
            copyHeadGradients(p);
            float[] combined = combiner.combine(losses, representationGradients);
            if (combined.length < rows * width) {
                throw new IllegalArgumentException("combined representation gradient has " + combined.length
                        + " entries, the representation " + rows * width);
            }
            NDArray trunkSeed = step.create(FloatBuffer.wrap(combined, 0, rows * width), new Shape(rows, width));
            JniUtils.backward((PtNDArray) h, (PtNDArray) trunkSeed, false, false);
            for (int i = 0; i < layout.sharedTensorCount(); i++) {
                copyGradient(p[i], shared, layout.offset(i));
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new RepresentationGradients(losses, representationGradients, shared, headGradients);
    }

    private void copyHeadGradients(NDArray[] p) {
        for (int t = 0; t < layout.heads(); t++) {
            copyGradient(p[layout.headWeight(t)], headGradients, layout.offset(layout.headWeight(t)) - layout.sharedSize());
            copyGradient(p[layout.headBias(t)], headGradients, layout.offset(layout.headBias(t)) - layout.sharedSize());
        }
    }

    /**
     * Outputs of every head for {@code rows} samples from row {@code fromRow} of {@code x} (no graph), written
     * row-major into {@code out[head]} from {@code fromRow × outputs}: the prediction of a regression head, the
     * logits of a classification head.
     */
    void predict(float[] params, float[] x, int fromRow, int rows, float[][] out) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, false);
            int d = layout.input();
            NDArray input = step.create(FloatBuffer.wrap(x, fromRow * d, rows * d), new Shape(rows, d));
            NDArray[] predictions = net.forward(p, input, rows);
            for (int t = 0; t < layout.heads(); t++) {
                float[] values = predictions[t].toFloatArray();
                System.arraycopy(values, 0, out[t], fromRow * layout.headOutputs(t), values.length);
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
            NDArray[] predictions = net.forward(p, input, rows);
            for (int t = 0; t < layout.heads(); t++) {
                out[t] = net.loss(step, t, predictions[t], targets[t], rows).getFloat();
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

    /**
     * MMoE: each task's gate weights for {@code rows} samples (no graph), row-major [rows, experts] per task — what
     * the model mixes the experts with.
     */
    float[][] gates(float[] params, float[] x, int rows) {
        float[][] out = new float[layout.heads()][];
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, false);
            NDArray input = step.create(FloatBuffer.wrap(x, 0, rows * layout.input()), new Shape(rows, layout.input()));
            for (int t = 0; t < layout.heads(); t++) {
                out[t] = ((MmoeNetwork) net.kindNetwork()).gate(p, t, input).toFloatArray();
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }

    private static void copyGradient(NDArray parameter, float[] destination, int offset) {
        float[] g = parameter.getGradient().toFloatArray();
        System.arraycopy(g, 0, destination, offset, g.length);
    }
}
