package org.mtlab.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where every tensor of a hard-parameter-sharing model lives in one flat float vector. Two trunks:
 * <ul>
 *   <li>{@link Trunk#MLP}: {@code hidden} ReLU(linear) layers, weight [out, in] as PyTorch's {@code nn.Linear};</li>
 *   <li>{@link Trunk#MULTILENET}: MultiLeNet of Pareto MTL (Lin et al., NeurIPS 2019) on single-channel
 *       {@code rows × cols} images — conv(1→10, k 9) → ReLU → maxpool 2 → conv(10→20, k 5) → ReLU → maxpool 2 →
 *       fc(→50) → ReLU (fc(500→50) on 36×36 MultiFashion); conv weights [out, in, k, k] as {@code nn.Conv2d}.</li>
 * </ul>
 * Each trunk layer is a weight then its bias; then one linear head per run task, weight [outputs, last width] then
 * bias [outputs], with one output for a regression task and one logit per class for a classification task.
 *
 * <p>The shared parameters are therefore the prefix {@code [0, sharedSize)}, and trunk layer {@code l} (one
 * telemetry block) is the contiguous range {@code [blockStart(l), blockStart(l + 1))}: this is also the order of
 * the full gradient vectors in a {@code GradientEvent}.
 */
final class MlpLayout {
    enum Trunk { MLP, MULTILENET }

    /** MultiLeNet's layer sizes, as Pareto MTL's code has them. */
    static final int LENET_CONV1_CHANNELS = 10;
    static final int LENET_CONV1_KERNEL = 9;
    static final int LENET_CONV2_CHANNELS = 20;
    static final int LENET_CONV2_KERNEL = 5;
    static final int LENET_FEATURES = 50;

    private final Trunk trunk;
    private final int input;
    private final int[] image;
    private final int layers;
    private final int heads;
    private final int[] headOutputs;
    private final int[] offsets;
    private final long[][] shapes;
    private final List<String> blockNames;
    private final int sharedSize;
    private final int totalSize;

    /** An MLP with one regression output per head. */
    MlpLayout(int input, List<Integer> hidden, int heads) {
        this(input, hidden, ones(heads));
    }

    /** An MLP whose head t has {@code headOutputs[t]} outputs. */
    MlpLayout(int input, List<Integer> hidden, int[] headOutputs) {
        this(Trunk.MLP, input, null, mlpTrunk(input, hidden), mlpNames(hidden), headOutputs);
    }

    /** MultiLeNet on {@code rows × cols} single-channel images; head t has {@code headOutputs[t]} outputs. */
    static MlpLayout multiLeNet(int rows, int cols, int[] headOutputs) {
        int[] pooled = lenetFeatureMap(rows, cols);
        List<long[]> trunk = List.of(
                new long[] {LENET_CONV1_CHANNELS, 1, LENET_CONV1_KERNEL, LENET_CONV1_KERNEL},
                new long[] {LENET_CONV1_CHANNELS},
                new long[] {LENET_CONV2_CHANNELS, LENET_CONV1_CHANNELS, LENET_CONV2_KERNEL, LENET_CONV2_KERNEL},
                new long[] {LENET_CONV2_CHANNELS},
                new long[] {LENET_FEATURES, (long) LENET_CONV2_CHANNELS * pooled[0] * pooled[1]},
                new long[] {LENET_FEATURES});
        return new MlpLayout(Trunk.MULTILENET, rows * cols, new int[] {rows, cols}, trunk,
                List.of("conv1", "conv2", "fc"), headOutputs);
    }

    /** Height and width of MultiLeNet's last feature map (after the second pooling), or an error if too small. */
    static int[] lenetFeatureMap(int rows, int cols) {
        int h = ((rows - LENET_CONV1_KERNEL + 1) / 2 - LENET_CONV2_KERNEL + 1) / 2;
        int w = ((cols - LENET_CONV1_KERNEL + 1) / 2 - LENET_CONV2_KERNEL + 1) / 2;
        if (rows - LENET_CONV1_KERNEL + 1 < 2 || cols - LENET_CONV1_KERNEL + 1 < 2 || h < 1 || w < 1) {
            throw new IllegalArgumentException("MultiLeNet needs images of at least 20×20 pixels, got " + rows + "×"
                    + cols);
        }
        return new int[] {h, w};
    }

    private MlpLayout(Trunk trunk, int input, int[] image, List<long[]> trunkShapes, List<String> blockNames,
                      int[] headOutputs) {
        if (input < 1 || headOutputs == null || headOutputs.length < 1) {
            throw new IllegalArgumentException("a model needs a positive input size and at least one head");
        }
        this.trunk = trunk;
        this.input = input;
        this.image = image;
        this.layers = trunkShapes.size() / 2;
        this.blockNames = List.copyOf(blockNames);
        this.heads = headOutputs.length;
        this.headOutputs = headOutputs.clone();
        long last = trunkShapes.get(trunkShapes.size() - 1)[0];
        int tensors = trunkShapes.size() + 2 * heads;
        this.shapes = new long[tensors][];
        for (int i = 0; i < trunkShapes.size(); i++) {
            shapes[i] = trunkShapes.get(i).clone();
        }
        for (int t = 0; t < heads; t++) {
            if (headOutputs[t] < 1) {
                throw new IllegalArgumentException("head " + t + " needs at least one output, got " + headOutputs[t]);
            }
            shapes[trunkShapes.size() + 2 * t] = new long[] {headOutputs[t], last};
            shapes[trunkShapes.size() + 2 * t + 1] = new long[] {headOutputs[t]};
        }
        this.offsets = new int[tensors + 1];
        long offset = 0;
        for (int i = 0; i < tensors; i++) {
            offsets[i] = Math.toIntExact(offset);
            long size = 1;
            for (long dim : shapes[i]) {
                size *= dim;
            }
            offset += size;
        }
        offsets[tensors] = Math.toIntExact(offset);
        this.sharedSize = offsets[2 * layers];
        this.totalSize = offsets[tensors];
    }

    private static int[] ones(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("a model needs at least one head");
        }
        int[] widths = new int[heads];
        java.util.Arrays.fill(widths, 1);
        return widths;
    }

    private static List<long[]> mlpTrunk(int input, List<Integer> hidden) {
        if (input < 1 || hidden == null || hidden.isEmpty()) {
            throw new IllegalArgumentException("an MLP needs a positive input size, at least one hidden layer and one head");
        }
        List<long[]> shapes = new ArrayList<>();
        int in = input;
        for (int l = 0; l < hidden.size(); l++) {
            Integer width = hidden.get(l);
            if (width == null || width < 1) {
                throw new IllegalArgumentException("model.hidden[" + l + "] must be a positive width, got " + width);
            }
            shapes.add(new long[] {width, in});
            shapes.add(new long[] {width});
            in = width;
        }
        return shapes;
    }

    private static List<String> mlpNames(List<Integer> hidden) {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < hidden.size(); l++) {
            names.add("shared." + l);
        }
        return names;
    }

    Trunk trunk() {
        return trunk;
    }

    /** Features per sample ({@code rows × cols} for MultiLeNet). */
    int input() {
        return input;
    }

    /** {@code {rows, cols}} for MultiLeNet, null for an MLP. */
    int[] imageShape() {
        return image == null ? null : image.clone();
    }

    /** Trunk layers (telemetry blocks). */
    int layers() {
        return layers;
    }

    int heads() {
        return heads;
    }

    /** Outputs of head t: 1 for regression, the class count for classification. */
    int headOutputs(int task) {
        return headOutputs[task];
    }

    int tensorCount() {
        return shapes.length;
    }

    int sharedTensorCount() {
        return 2 * layers;
    }

    int offset(int tensor) {
        return offsets[tensor];
    }

    int length(int tensor) {
        return offsets[tensor + 1] - offsets[tensor];
    }

    long[] shape(int tensor) {
        return shapes[tensor].clone();
    }

    int headWeight(int task) {
        return 2 * layers + 2 * task;
    }

    int headBias(int task) {
        return headWeight(task) + 1;
    }

    int sharedSize() {
        return sharedSize;
    }

    int totalSize() {
        return totalSize;
    }

    /** Start of trunk layer {@code l}'s parameters; {@code blockStart(layers())} is {@link #sharedSize()}. */
    int blockStart(int layer) {
        return offsets[2 * layer];
    }

    int[] blockSizes() {
        int[] sizes = new int[layers];
        for (int l = 0; l < layers; l++) {
            sizes[l] = blockStart(l + 1) - blockStart(l);
        }
        return sizes;
    }

    List<String> blockNames() {
        return blockNames;
    }

    /**
     * PyTorch's default initialisation of {@code nn.Linear} and {@code nn.Conv2d}, U(−1/√fan_in, 1/√fan_in) for
     * weight and bias (fan_in: the weight's entries per output), drawn from seeded streams: one for the trunk, one per
     * head keyed by {@code headKeys[t]} (the task's index among the study's tasks), so that a task's head starts
     * identical in its STL run and in every MTL run of the same seed.
     */
    void initialise(float[] params, long seed, int[] headKeys) {
        if (params.length != totalSize || headKeys.length != heads) {
            throw new IllegalArgumentException("parameter vector or head keys of the wrong size");
        }
        SplittableRandom trunkRandom = new SplittableRandom(Seeds.mix(seed, Seeds.TRUNK_INIT));
        for (int i = 0; i < sharedTensorCount(); i++) {
            fill(params, i, trunkRandom);
        }
        for (int t = 0; t < heads; t++) {
            SplittableRandom head = new SplittableRandom(Seeds.mix(Seeds.mix(seed, Seeds.HEAD_INIT), headKeys[t]));
            fill(params, headWeight(t), head);
            fill(params, headBias(t), head);
        }
    }

    private void fill(float[] params, int tensor, SplittableRandom random) {
        // weight and its bias share fan_in: the weight's entries per output unit
        long[] weight = shapes[tensor % 2 == 0 ? tensor : tensor - 1];
        long fanIn = 1;
        for (int k = 1; k < weight.length; k++) {
            fanIn *= weight[k];
        }
        double bound = 1 / Math.sqrt(fanIn);
        for (int k = offsets[tensor]; k < offsets[tensor + 1]; k++) {
            params[k] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
    }
}
