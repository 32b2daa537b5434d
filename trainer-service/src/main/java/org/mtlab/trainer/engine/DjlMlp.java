package org.mtlab.trainer.engine;

import java.nio.FloatBuffer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The model's forward pass and losses on DJL's PyTorch engine: an MLP trunk, MultiLeNet's or the small ResNet's
 * convolutional trunk, or a {@link BlockTrunk} (TorchScript, ResNet-18), then one linear head per task; or MMoE's
 * experts, then per task its softmax gate's mixture of them and its linear head. A regression head has one output and
 * mean-squared-error loss; a classification head has one logit per class and cross-entropy loss (mean over the batch of
 * −log softmax(logits)[label], as {@code nn.CrossEntropyLoss}).
 *
 * <p>Training runs through {@link DeviceModel}, whose parameter tensors live on the device for the whole run and are
 * handed to {@link #forward}, {@link #representation}, {@link #head} and {@link #loss}. The methods taking a Java
 * {@code float[]} of parameters ({@link #gradients}, {@link #weightedGradient}, {@link #representationGradients},
 * {@link #predict}, {@link #losses}, {@link #gates}) evaluate the same passes at given parameters, copying them in for
 * the call: the reference the gradient tests check against finite differences and closed forms, not the training
 * path. (Moving those tests onto {@link DeviceModel} and these methods into the tests is open work.)
 *
 * <p>Per-task gradients: ONE forward pass building one graph for all heads; then for each task t one
 * {@link JniUtils#backward} of that task's loss with {@code keepGraph} true (false for the last task, which frees
 * the graph). PyTorch accumulates into {@code .grad} and DJL does not zero it, so after each task the shared
 * gradients are collected and zeroed in place ({@link JniUtils#zeroGrad}) before the next task's backward. A head
 * (and an MMoE gate) only receives gradient from its own task's loss, so they need no zeroing.
 *
 * <p>Not thread-safe: one instance per training run (reuses its output buffers).
 */
final class DjlMlp {
    private final NDManager runManager;
    private final MlpLayout layout;
    private final HostDeviceTraffic traffic;
    private final BlockTrunk blockTrunk;
    private final float[] losses;
    private final float[][] sharedGradients;
    private final float[] headGradients;
    private final boolean[] classification;
    private final float[] combinedSharedGradient;
    private float[][] representationGradients;

    /** Every head a regression head. */
    DjlMlp(NDManager runManager, MlpLayout layout) {
        this(runManager, layout, new boolean[layout.heads()]);
    }

    /** @param classification per head: true for cross-entropy over its outputs (at least 2), false for MSE (1 output) */
    DjlMlp(NDManager runManager, MlpLayout layout, boolean[] classification) {
        this(runManager, layout, classification, new HostDeviceTraffic());
    }

    /** @param traffic counts what the model's own passes move between host and device (the batch's targets) */
    DjlMlp(NDManager runManager, MlpLayout layout, boolean[] classification, HostDeviceTraffic traffic) {
        this(runManager, layout, classification, traffic, null);
    }

    /** @param blockTrunk the trunk of a {@link MlpLayout.Trunk#BLOCK} layout (null for the others) */
    DjlMlp(NDManager runManager, MlpLayout layout, boolean[] classification, HostDeviceTraffic traffic,
           BlockTrunk blockTrunk) {
        if ((layout.trunk() == MlpLayout.Trunk.BLOCK) != (blockTrunk != null)) {
            throw new IllegalArgumentException("a BLOCK layout needs its trunk, and only it");
        }
        if (classification.length != layout.heads()) {
            throw new IllegalArgumentException(classification.length + " head kinds for " + layout.heads() + " heads");
        }
        for (int t = 0; t < classification.length; t++) {
            if (classification[t] ? layout.headOutputs(t) < 2 : layout.headOutputs(t) != 1) {
                throw new IllegalArgumentException("head " + t + " has " + layout.headOutputs(t) + " outputs: a "
                        + (classification[t] ? "classification head needs at least 2" : "regression head has 1"));
            }
        }
        this.runManager = runManager;
        this.layout = layout;
        this.traffic = traffic;
        this.blockTrunk = blockTrunk;
        this.classification = classification.clone();
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
            NDArray[] predictions = forward(p, input, rows);
            NDArray[] taskLoss = new NDArray[layout.heads()];
            for (int t = 0; t < layout.heads(); t++) {
                taskLoss[t] = loss(step, t, predictions[t], targets[t], rows);
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

    /** Features of the shared representation: the trunk's output width, the heads' input. */
    int representationWidth() {
        return (int) layout.shape(layout.headWeight(0))[1];
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
            NDArray[] predictions = forward(p, input, rows);
            NDArray[] taskLoss = new NDArray[layout.heads()];
            for (int t = 0; t < layout.heads(); t++) {
                taskLoss[t] = loss(step, t, predictions[t], targets[t], rows);
                losses[t] = taskLoss[t].getFloat();
            }
            weights = weighting.weights(losses);
            NDArray total = taskLoss[0].mul(scalar(step, weights[0]));
            for (int t = 1; t < layout.heads(); t++) {
                total = total.add(taskLoss[t].mul(scalar(step, weights[t])));
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
        int width = representationWidth();
        if (representationGradients == null || representationGradients[0].length != rows * width) {
            representationGradients = new float[layout.heads()][rows * width];
        }
        float[] shared = combinedSharedGradient;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager step = runManager.newSubManager()) {
            NDArray[] p = parameters(step, params, true);
            NDArray input = step.create(FloatBuffer.wrap(x, 0, rows * layout.input()), new Shape(rows, layout.input()));
            NDArray h = representation(p, input, rows);
            NDArray z = h.stopGradient();
            z.setRequiresGradient(true);
            NDArray[] taskLoss = new NDArray[layout.heads()];
            for (int t = 0; t < layout.heads(); t++) {
                taskLoss[t] = loss(step, t, head(p, t, z, rows), targets[t], rows);
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

    /**
     * The shared trunk alone: the representation the heads read, [rows, width]. A trunk added to {@link #forward}
     * must be added here too (a model without one shared representation, e.g. per-task gated mixtures, cannot run in
     * representation space).
     */
    NDArray representation(NDArray[] p, NDArray input, int rows) {
        if (layout.trunk() == MlpLayout.Trunk.MULTILENET) {
            return multiLeNetTrunk(p, input, rows);
        }
        if (layout.trunk() == MlpLayout.Trunk.RESNET) {
            return resNetTrunk(p, input, rows);
        }
        if (layout.trunk() == MlpLayout.Trunk.MLP) {
            return mlpTrunk(p, input);
        }
        if (layout.trunk() == MlpLayout.Trunk.BLOCK) {
            return blockTrunk.forward(input, rows);
        }
        throw new IllegalArgumentException("representation space is not implemented for trunk " + layout.trunk());
    }

    /** Head t on the representation z: [rows] for a regression head, [rows, C] for a classifier. */
    NDArray head(NDArray[] p, int t, NDArray z, int rows) {
        NDArray out = z.getNDArrayInternal().linear(z, p[layout.headWeight(t)], p[layout.headBias(t)]).singletonOrThrow();
        return classification[t] ? out : out.reshape(rows);
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
            NDArray[] predictions = forward(p, input, rows);
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
            NDArray[] predictions = forward(p, input, rows);
            for (int t = 0; t < layout.heads(); t++) {
                out[t] = loss(step, t, predictions[t], targets[t], rows).getFloat();
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }

    /** The trunk whose own tensors are the shared parameters, or null. */
    BlockTrunk blockTrunk() {
        return blockTrunk;
    }

    private NDArray[] parameters(NDManager manager, float[] params, boolean requiresGradient) {
        if (blockTrunk != null) {
            throw new IllegalStateException("a block trunk computes with its own tensors: use DeviceModel");
        }
        NDArray[] p = new NDArray[layout.tensorCount()];
        for (int i = 0; i < p.length; i++) {
            p[i] = manager.create(FloatBuffer.wrap(params, layout.offset(i), layout.length(i)), new Shape(layout.shape(i)));
            if (requiresGradient) {
                p[i].setRequiresGradient(true);
            }
        }
        return p;
    }

    /** Per head, the constant its training loss is multiplied by (a loss-scale probe run); null: none. */
    private float[] lossFactors;

    /** Multiplies head t's training loss by {@code factors[t]} from now on (a loss-scale probe); null for none. */
    void scaleLosses(float[] factors) {
        if (factors != null && factors.length != layout.heads()) {
            throw new IllegalArgumentException(factors.length + " loss factors for " + layout.heads() + " heads");
        }
        this.lossFactors = factors == null ? null : factors.clone();
    }

    /** Head t's training loss: its {@link #unscaledLoss}, times its loss factor when one is set. */
    NDArray loss(NDManager step, int t, NDArray prediction, float[] target, int rows) {
        NDArray loss = unscaledLoss(step, t, prediction, target, rows);
        return lossFactors == null || lossFactors[t] == 1f ? loss : loss.mul(lossFactors[t]);
    }

    /** Head t's loss: MSE of its [rows] predictions, or cross-entropy of its [rows, C] logits against class indices. */
    NDArray unscaledLoss(NDManager step, int t, NDArray prediction, float[] target, int rows) {
        if (!classification[t]) {
            NDArray y = traffic.upload(step, target, 0, rows, new Shape(rows), HostDeviceTraffic.Purpose.BATCH);
            return prediction.sub(y).square().mean();
        }
        int classes = layout.headOutputs(t);
        float[] oneHot = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            int label = (int) target[r];
            if (label < 0 || label >= classes || label != target[r]) {
                throw new IllegalArgumentException("head " + t + ": label " + target[r] + " is not a class 0.."
                        + (classes - 1));
            }
            oneHot[r * classes + label] = 1;
        }
        NDArray mask = traffic.upload(step, oneHot, new Shape(rows, classes), HostDeviceTraffic.Purpose.BATCH);
        return prediction.logSoftmax(1).mul(mask).sum().div(scalar(step, -rows));
    }

    /**
     * The trunk, then a linear head per task: shape [rows] for a regression head, [rows, C] for a classifier. For
     * MMoE the trunk's output is the experts' outputs and each head reads its own gate's mixture of them.
     */
    NDArray[] forward(NDArray[] p, NDArray input, int rows) {
        NDArray h = switch (layout.trunk()) {
            case MULTILENET -> multiLeNetTrunk(p, input, rows);
            case RESNET -> resNetTrunk(p, input, rows);
            case MMOE -> mmoeExperts(p, input, rows);
            case MLP -> mlpTrunk(p, input);
            case BLOCK -> blockTrunk.forward(input, rows);
        };
        NDArray[] predictions = new NDArray[layout.heads()];
        for (int t = 0; t < layout.heads(); t++) {
            NDArray features = layout.trunk() == MlpLayout.Trunk.MMOE ? mmoeMixture(p, t, h, input) : h;
            NDArray out = features.getNDArrayInternal().linear(features, p[layout.headWeight(t)], p[layout.headBias(t)])
                    .singletonOrThrow();
            predictions[t] = classification[t] ? out : out.reshape(rows);
        }
        return predictions;
    }

    /** ReLU(linear) layers. */
    private NDArray mlpTrunk(NDArray[] p, NDArray input) {
        NDArray h = input;
        for (int l = 0; l < layout.layers(); l++) {
            h = Activation.relu(h.getNDArrayInternal().linear(h, p[2 * l], p[2 * l + 1]).singletonOrThrow());
        }
        return h;
    }

    /** conv(k 9) → ReLU → maxpool 2 → conv(k 5) → ReLU → maxpool 2 → flatten → ReLU(linear). */
    private NDArray multiLeNetTrunk(NDArray[] p, NDArray input, int rows) {
        int[] image = layout.imageShape();
        NDArray h = input.reshape(rows, 1, image[0], image[1]);
        for (int l = 0; l < 2; l++) {
            NDArrayEx ex = h.getNDArrayInternal();
            h = Activation.relu(ex.convolution(h, p[2 * l], p[2 * l + 1], new Shape(1, 1), new Shape(0, 0),
                    new Shape(1, 1), 1).singletonOrThrow());
            h = h.getNDArrayInternal().maxPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }
        h = h.reshape(rows, -1);
        return Activation.relu(h.getNDArrayInternal().linear(h, p[4], p[5]).singletonOrThrow());
    }

    /**
     * The ResNet: conv 3×3 → ReLU; stage 1: ReLU(x + conv b(ReLU(conv a(x)))); stages 2 and 3: ReLU(proj(x) +
     * conv b(ReLU(conv a(x)))) with conv a and the 1×1 projection at stride 2; average pooling to a 3×3 grid →
     * [rows, 32 · 9].
     */
    private NDArray resNetTrunk(NDArray[] p, NDArray input, int rows) {
        int[] image = layout.imageShape();
        NDArray h = Activation.relu(conv(input.reshape(rows, 1, image[0], image[1]), p, 0, 1, 1));
        for (int block = 1; block <= MlpLayout.RESNET_BLOCKS; block++) {
            int first = layout.blockFirstTensor(block);
            int stride = block == 1 ? 1 : 2;
            NDArray branch = conv(Activation.relu(conv(h, p, first, stride, 1)), p, first + 2, 1, 1);
            NDArray shortcut = block == 1 ? h : conv(h, p, first + 4, stride, 0);
            h = Activation.relu(shortcut.add(branch));
        }
        // average pooling to a 3×3 grid, flattened channel by channel, row by row
        Shape kernel = new Shape(h.getShape().get(2) / MlpLayout.RESNET_GRID, h.getShape().get(3) / MlpLayout.RESNET_GRID);
        h = h.getNDArrayInternal().avgPool(kernel, kernel, new Shape(0, 0), false, true);
        return h.reshape(rows, -1);
    }

    private static NDArray conv(NDArray x, NDArray[] p, int weight, int stride, int padding) {
        return x.getNDArrayInternal().convolution(x, p[weight], p[weight + 1], new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }

    /** MMoE's experts in one matrix product: ReLU(x·[W_1; …; W_E]ᵀ + [b_1; …; b_E]) as [rows, E, expertWidth]. */
    private NDArray mmoeExperts(NDArray[] p, NDArray input, int rows) {
        int experts = layout.experts();
        NDList weights = new NDList(experts);
        NDList biases = new NDList(experts);
        for (int e = 0; e < experts; e++) {
            weights.add(p[2 * e]);
            biases.add(p[2 * e + 1]);
        }
        NDArray w = experts == 1 ? p[0] : NDArrays.concat(weights, 0);
        NDArray b = experts == 1 ? p[1] : NDArrays.concat(biases, 0);
        NDArray h = Activation.relu(input.getNDArrayInternal().linear(input, w, b).singletonOrThrow());
        return h.reshape(rows, experts, -1);
    }

    /** Task t's gate: softmax over the experts of linear(input), [rows, E]. */
    NDArray mmoeGate(NDArray[] p, int t, NDArray input) {
        int gate = layout.gateWeight(t);
        return input.getNDArrayInternal().linear(input, p[gate], p[gate + 1]).singletonOrThrow().softmax(1);
    }

    /** Task t's input to its head: Σ_e gate_t(x)_e · expert_e(x), [rows, expertWidth]. */
    private NDArray mmoeMixture(NDArray[] p, int t, NDArray experts, NDArray input) {
        return experts.mul(mmoeGate(p, t, input).expandDims(2)).sum(new int[] {1});
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
                out[t] = mmoeGate(p, t, input).toFloatArray();
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }

    /**
     * A scalar operand for the autograd graph, owned by {@code step} until the step ends. Never hand a Java number to
     * an NDArray operation (like {@code div(-rows)}) inside a graph: DJL wraps it in a tensor over a Java direct
     * buffer and closes that right after the operation, while autograd keeps the tensor for the backward pass; once
     * the collector frees the buffer, a later backward (the second task's, with the graph kept) reads whatever was
     * written there since. That made MultiLeNet runs and their resumes differ now and then under load.
     */
    static NDArray scalar(NDManager step, float value) {
        return step.create(value);
    }

    private static void copyGradient(NDArray parameter, float[] destination, int offset) {
        float[] g = parameter.getGradient().toFloatArray();
        System.arraycopy(g, 0, destination, offset, g.length);
    }
}
