package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A model kind's network ({@link KindNetwork}) with one linear head per task and each task's loss, on DJL's PyTorch
 * engine. A regression head has one output and mean-squared-error loss; a classification head has one logit per class
 * and cross-entropy loss (mean over the batch of −log softmax(logits)[label], as {@code nn.CrossEntropyLoss}).
 *
 * <p>Stateless over the tensors it is handed: {@link DeviceModel} owns the run's parameters on the device and passes
 * them to {@link #forward}, {@link #representation}, {@link #head} and {@link #loss}.
 */
final class MultiTaskNetwork implements AutoCloseable {
    private final KindNetwork network;
    private final MlpLayout layout;
    private final HostDeviceTraffic traffic;
    private final boolean[] classification;
    /** Per head, the constant its training loss is multiplied by (a loss-scale probe run); null: none. */
    private float[] lossFactors;

    /**
     * @param classification per head: true for cross-entropy over its outputs (at least 2), false for MSE (1 output)
     * @param traffic        counts what the passes move between host and device (the batch's targets)
     */
    MultiTaskNetwork(KindNetwork network, boolean[] classification, HostDeviceTraffic traffic) {
        MlpLayout layout = network.layout();
        if (classification.length != layout.heads()) {
            throw new IllegalArgumentException(classification.length + " head kinds for " + layout.heads() + " heads");
        }
        for (int t = 0; t < classification.length; t++) {
            if (classification[t] ? layout.headOutputs(t) < 2 : layout.headOutputs(t) != 1) {
                throw new IllegalArgumentException("head " + t + " has " + layout.headOutputs(t) + " outputs: a "
                        + (classification[t] ? "classification head needs at least 2" : "regression head has 1"));
            }
        }
        this.network = network;
        this.layout = layout;
        this.traffic = traffic;
        this.classification = classification.clone();
    }

    MlpLayout layout() {
        return layout;
    }

    KindNetwork kindNetwork() {
        return network;
    }

    /**
     * The trunk, then a linear head per task: shape [rows] for a regression head, [rows, C] for a classifier. Each
     * head reads {@link KindNetwork#headInput} (the trunk's output, or MMoE's per-task mixture).
     */
    NDArray[] forward(NDArray[] p, NDArray input, int rows) {
        NDArray h = network.trunk(p, input, rows);
        NDArray[] predictions = new NDArray[layout.heads()];
        for (int t = 0; t < layout.heads(); t++) {
            predictions[t] = head(p, t, network.headInput(p, t, h, input), rows);
        }
        return predictions;
    }

    /** The shared trunk alone: the representation the heads read, [rows, width]. */
    NDArray representation(NDArray[] p, NDArray input, int rows) {
        if (!org.mtlab.core.model.ModelKinds.of(layout.kindName()).hasSharedRepresentation()) {
            throw new IllegalArgumentException("representation space is not implemented for model kind "
                    + layout.kindName() + ": its heads read no one shared representation");
        }
        return network.trunk(p, input, rows);
    }

    /** Features of the shared representation: the trunk's output width, the heads' input. */
    int representationWidth() {
        return (int) layout.shape(layout.headWeight(0))[1];
    }

    /** Head t on the features z: [rows] for a regression head, [rows, C] for a classifier. */
    NDArray head(NDArray[] p, int t, NDArray z, int rows) {
        NDArray out = z.getNDArrayInternal().linear(z, p[layout.headWeight(t)], p[layout.headBias(t)]).singletonOrThrow();
        return classification[t] ? out : out.reshape(rows);
    }

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
        return lossFactors == null || lossFactors[t] == 1f ? loss : loss.mul(scalar(step, lossFactors[t]));
    }

    /**
     * Head t's loss: MSE of its [rows] predictions, or cross-entropy of its [rows, C] logits against class indices,
     * averaged over the rows that carry the task's label. A missing label is NaN (partial labels: not every sample has
     * every task's label); a batch without any of the task's labels gives a zero loss with zero gradient.
     */
    NDArray unscaledLoss(NDManager step, int t, NDArray prediction, float[] target, int rows) {
        int labelled = 0;
        for (int r = 0; r < rows; r++) {
            if (!Float.isNaN(target[r])) {
                labelled++;
            }
        }
        if (labelled == 0) {
            return prediction.sum().mul(scalar(step, 0f));
        }
        if (!classification[t]) {
            if (labelled == rows) {
                NDArray y = traffic.upload(step, target, 0, rows, new Shape(rows), HostDeviceTraffic.Purpose.BATCH);
                return prediction.sub(y).square().mean();
            }
            // [target with 0 for a missing label, then 1 where labelled], one upload
            float[] valuesAndMask = new float[2 * rows];
            for (int r = 0; r < rows; r++) {
                boolean has = !Float.isNaN(target[r]);
                valuesAndMask[r] = has ? target[r] : 0f;
                valuesAndMask[rows + r] = has ? 1f : 0f;
            }
            NDArray both = traffic.upload(step, valuesAndMask, new Shape(2, rows), HostDeviceTraffic.Purpose.BATCH);
            return prediction.sub(both.get(0)).square().mul(both.get(1)).sum().div(scalar(step, labelled));
        }
        int classes = layout.headOutputs(t);
        float[] oneHot = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            if (Float.isNaN(target[r])) {
                continue; // an unlabelled row: a zero row, no contribution
            }
            int label = (int) target[r];
            if (label < 0 || label >= classes || label != target[r]) {
                throw new IllegalArgumentException("head " + t + ": label " + target[r] + " is not a class 0.."
                        + (classes - 1));
            }
            oneHot[r * classes + label] = 1;
        }
        NDArray mask = traffic.upload(step, oneHot, new Shape(rows, classes), HostDeviceTraffic.Purpose.BATCH);
        return prediction.logSoftmax(1).mul(mask).sum().div(scalar(step, -labelled));
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

    /** Releases the kind network's own module (a block trunk); the run's tensors are the run manager's. */
    @Override
    public void close() {
        network.close();
    }
}
