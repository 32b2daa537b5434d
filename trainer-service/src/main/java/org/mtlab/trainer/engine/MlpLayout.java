package org.mtlab.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where every tensor of a multi-task model lives in one flat float vector. Four trunks:
 * <ul>
 *   <li>{@link Trunk#MLP}: {@code hidden} ReLU(linear) layers, weight [out, in] as PyTorch's {@code nn.Linear};</li>
 *   <li>{@link Trunk#MULTILENET}: MultiLeNet of Pareto MTL (Lin et al., NeurIPS 2019) on single-channel
 *       {@code rows × cols} images — conv(1→10, k 9) → ReLU → maxpool 2 → conv(10→20, k 5) → ReLU → maxpool 2 →
 *       fc(→50) → ReLU (fc(500→50) on 36×36 MultiFashion); conv weights [out, in, k, k] as {@code nn.Conv2d}.</li>
 *   <li>{@link Trunk#RESNET}: a small residual network (He et al., CVPR 2016) for single-channel images, without
 *       batch normalisation — stem conv(1→8, 3×3) → ReLU, then three stages of one basic block each (8, 16, 32
 *       channels; the last two downsample by stride 2 and add a 1×1 stride-2 projection shortcut), then average
 *       pooling to a 3×3 grid: 288 shared features (see {@link #resNet}).</li>
 *   <li>{@link Trunk#MMOE}: Multi-gate Mixture-of-Experts (Ma et al., KDD 2018) — E experts, each ReLU(linear(input →
 *       expertWidth)), are the shared parameters; each task has its own softmax gate (linear input → E) that mixes
 *       the expert outputs, then its linear head (see {@link #mmoe}).</li>
 * </ul>
 * Every layer is a weight then its bias (tensor 2i a weight, 2i + 1 its bias); after the trunk come the task-specific
 * tensors, task after task: for MMoE the task's gate (weight [E, input], bias [E]), then for every trunk the task's
 * linear head, weight [outputs, feature width] then bias [outputs], with one output for a regression task and one
 * logit per class for a classification task.
 *
 * <p>The shared parameters are therefore the prefix {@code [0, sharedSize)}; task t's own parameters (gate and head)
 * the contiguous range {@code [taskStart(t), taskEnd(t))}; and telemetry block {@code l} (a trunk layer, a ResNet
 * stage, an MMoE expert) the contiguous range {@code [blockStart(l), blockStart(l + 1))}: this is also the order of
 * the full gradient vectors in a {@code GradientEvent}.
 */
final class MlpLayout {
    enum Trunk { MLP, MULTILENET, RESNET, MMOE }

    /** MultiLeNet's layer sizes, as Pareto MTL's code has them. */
    static final int LENET_CONV1_CHANNELS = 10;
    static final int LENET_CONV1_KERNEL = 9;
    static final int LENET_CONV2_CHANNELS = 20;
    static final int LENET_CONV2_KERNEL = 5;
    static final int LENET_FEATURES = 50;

    /** The ResNet's channels: stem and first stage, second stage, third stage (= its shared feature width). */
    static final int[] RESNET_CHANNELS = {8, 16, 32};
    /** Residual blocks in the ResNet: one per stage. */
    static final int RESNET_BLOCKS = 3;
    /** The ResNet's last feature map is average-pooled to a grid of this many cells per side. */
    static final int RESNET_GRID = 3;

    private final Trunk trunk;
    private final int input;
    private final int[] image;
    private final int layers;
    private final int[] blockFirstTensor;
    private final int sharedTensors;
    private final int taskTensors;
    private final int experts;
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
        this(Trunk.MLP, input, null, mlpTrunk(input, hidden), pairs(hidden.size()), mlpNames(hidden), 0, 0,
                headOutputs);
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
        return new MlpLayout(Trunk.MULTILENET, rows * cols, new int[] {rows, cols}, trunk, pairs(3),
                List.of("conv1", "conv2", "fc"), 0, 0, headOutputs);
    }

    /**
     * The small ResNet on {@code rows × cols} single-channel images; head t has {@code headOutputs[t]} outputs.
     * Tensors: stem conv [8, 1, 3, 3]; stage 1: conv a, conv b [8, 8, 3, 3]; stage 2: conv a [16, 8, 3, 3] (stride 2),
     * conv b [16, 16, 3, 3], projection [16, 8, 1, 1] (stride 2); stage 3 likewise 16 → 32; each with its bias. Blocks
     * (telemetry): {@code stem, stage1, stage2, stage3}. Every 3×3 conv pads by 1, so a 36×36 image gives feature maps
     * of 36×36, 18×18 and 9×9. The last map is average-pooled to a 3×3 grid (kernel and stride ⌊side / 3⌋; a
     * remainder at the far edge is dropped, none on 36×36), giving 32 · 9 = 288 shared features: global average
     * pooling would discard where an item lies, and MultiFashion's two tasks differ only in that (top-left or
     * bottom-right item) — a tiny net's receptive field (25 pixels) cannot make up for it.
     */
    static MlpLayout resNet(int rows, int cols, int[] headOutputs) {
        if (resNetMapSide(rows) < RESNET_GRID || resNetMapSide(cols) < RESNET_GRID) {
            throw new IllegalArgumentException("the ResNet needs images of at least 9×9 pixels, got " + rows + "×" + cols);
        }
        int[] c = RESNET_CHANNELS;
        List<long[]> trunk = new ArrayList<>();
        addConv(trunk, c[0], 1, 3);
        addConv(trunk, c[0], c[0], 3);
        addConv(trunk, c[0], c[0], 3);
        for (int stage = 1; stage < 3; stage++) {
            addConv(trunk, c[stage], c[stage - 1], 3);
            addConv(trunk, c[stage], c[stage], 3);
            addConv(trunk, c[stage], c[stage - 1], 1);
        }
        return new MlpLayout(Trunk.RESNET, rows * cols, new int[] {rows, cols}, trunk, new int[] {0, 2, 6, 12, 18},
                List.of("stem", "stage1", "stage2", "stage3"), 0, c[2] * RESNET_GRID * RESNET_GRID, headOutputs);
    }

    /** Side of the ResNet's last feature map: two stride-2 convs with padding 1, ⌈⌈side / 2⌉ / 2⌉. */
    static int resNetMapSide(int side) {
        return ((side + 1) / 2 + 1) / 2;
    }

    /**
     * MMoE over {@code input} features: {@code experts} experts, each ReLU(linear(input → expertWidth)) with weight
     * [expertWidth, input] and bias [expertWidth] (one telemetry block {@code expert.e} each); per task a gate, weight
     * [experts, input] and bias [experts], and a linear head over the gate-weighted sum of the expert outputs.
     */
    static MlpLayout mmoe(int input, int experts, int expertWidth, int[] headOutputs) {
        if (experts < 1 || expertWidth < 1) {
            throw new IllegalArgumentException("MMoE needs at least one expert of positive width, got " + experts
                    + " experts of width " + expertWidth);
        }
        List<long[]> trunk = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            trunk.add(new long[] {expertWidth, input});
            trunk.add(new long[] {expertWidth});
            names.add("expert." + e);
        }
        return new MlpLayout(Trunk.MMOE, input, null, trunk, pairs(experts), names, experts, 0, headOutputs);
    }

    private static void addConv(List<long[]> shapes, int out, int in, int kernel) {
        shapes.add(new long[] {out, in, kernel, kernel});
        shapes.add(new long[] {out});
    }

    /** Blocks of one weight and one bias each. */
    private static int[] pairs(int blocks) {
        int[] first = new int[blocks + 1];
        for (int b = 0; b <= blocks; b++) {
            first[b] = 2 * b;
        }
        return first;
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

    /**
     * @param blockFirstTensor per telemetry block its first tensor, then the trunk's tensor count
     * @param experts          MMoE's expert count (each task then has a gate over them), 0 for the other trunks
     * @param features         width of the heads' input; 0 for the outputs of the trunk's last layer
     */
    private MlpLayout(Trunk trunk, int input, int[] image, List<long[]> trunkShapes, int[] blockFirstTensor,
                      List<String> blockNames, int experts, int features, int[] headOutputs) {
        if (input < 1 || headOutputs == null || headOutputs.length < 1) {
            throw new IllegalArgumentException("a model needs a positive input size and at least one head");
        }
        this.trunk = trunk;
        this.input = input;
        this.image = image;
        this.layers = blockNames.size();
        this.blockFirstTensor = blockFirstTensor.clone();
        if (blockFirstTensor.length != layers + 1 || blockFirstTensor[layers] != trunkShapes.size()) {
            throw new IllegalStateException("blocks do not cover the trunk");
        }
        this.blockNames = List.copyOf(blockNames);
        this.sharedTensors = trunkShapes.size();
        this.experts = experts;
        this.taskTensors = experts > 0 ? 4 : 2;
        this.heads = headOutputs.length;
        this.headOutputs = headOutputs.clone();
        // features: the last layer's outputs (an expert's width) unless the trunk pools them otherwise
        long last = features > 0 ? features : trunkShapes.get(trunkShapes.size() - 1)[0];
        int tensors = sharedTensors + taskTensors * heads;
        this.shapes = new long[tensors][];
        for (int i = 0; i < sharedTensors; i++) {
            shapes[i] = trunkShapes.get(i).clone();
        }
        for (int t = 0; t < heads; t++) {
            if (headOutputs[t] < 1) {
                throw new IllegalArgumentException("head " + t + " needs at least one output, got " + headOutputs[t]);
            }
            int first = sharedTensors + taskTensors * t;
            if (experts > 0) {
                shapes[first] = new long[] {experts, input};
                shapes[first + 1] = new long[] {experts};
            }
            shapes[first + taskTensors - 2] = new long[] {headOutputs[t], last};
            shapes[first + taskTensors - 1] = new long[] {headOutputs[t]};
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
        this.sharedSize = offsets[sharedTensors];
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

    /** Features per sample ({@code rows × cols} for the image trunks). */
    int input() {
        return input;
    }

    /** {@code {rows, cols}} for MultiLeNet and the ResNet, null for the MLP and MMoE. */
    int[] imageShape() {
        return image == null ? null : image.clone();
    }

    /** Telemetry blocks of the trunk: its layers (MLP, MultiLeNet), stages (ResNet) or experts (MMoE). */
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
        return sharedTensors;
    }

    /** MMoE's number of experts; 0 for the hard-parameter-sharing trunks. */
    int experts() {
        return experts;
    }

    /** Task-specific tensors per task: 2 (head weight and bias), 4 for MMoE (gate weight and bias first). */
    int taskTensorCount() {
        return taskTensors;
    }

    /** The first of task t's own tensors (its gate for MMoE, else its head weight). */
    int taskFirstTensor(int task) {
        return sharedTensors + taskTensors * task;
    }

    /** Start of task t's own parameters (gate and head) in the vector. */
    int taskStart(int task) {
        return offsets[taskFirstTensor(task)];
    }

    /** End (exclusive) of task t's own parameters. */
    int taskEnd(int task) {
        return offsets[taskFirstTensor(task) + taskTensors];
    }

    /** MMoE: task t's gate weight [experts, input] (its bias is the next tensor). */
    int gateWeight(int task) {
        if (experts == 0) {
            throw new IllegalStateException(trunk + " has no gates");
        }
        return taskFirstTensor(task);
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
        return taskFirstTensor(task) + taskTensors - 2;
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

    /** Start of telemetry block {@code l}'s parameters; {@code blockStart(layers())} is {@link #sharedSize()}. */
    int blockStart(int layer) {
        return offsets[blockFirstTensor[layer]];
    }

    /** The first tensor of telemetry block {@code l}; {@code blockFirstTensor(layers())} is the trunk's tensor count. */
    int blockFirstTensor(int layer) {
        return blockFirstTensor[layer];
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
     * task keyed by {@code headKeys[t]} (the task's index among the study's tasks) for its gate (MMoE) and head, so
     * that a task's own parameters start identical in its STL run and in every MTL run of the same seed.
     *
     * <p>The ResNet's trunk instead gets He initialisation (He et al., ICCV 2015): weights N(0, 2/fan_in), biases 0,
     * which keeps the variance of the activations constant through a ReLU conv layer. Without batch normalisation a
     * residual sum x + F(x) would add the branch's variance to the input's in every block, so the second conv of each
     * residual branch is scaled down by 1/√(residual blocks), as Fixup (Zhang et al., ICLR 2019) does for the same
     * reason: the activations' scale then grows by at most a bounded factor ((1 + 1/L)^L ≤ e) over the L blocks.
     * Batch normalisation is left out on purpose: its running statistics would be state outside the parameter vector
     * (checkpoints, evaluation mode) and would couple the samples of a batch, which the per-sample gradients of the
     * conflict baseline must not see.
     */
    void initialise(float[] params, long seed, int[] headKeys) {
        if (params.length != totalSize || headKeys.length != heads) {
            throw new IllegalArgumentException("parameter vector or head keys of the wrong size");
        }
        SplittableRandom trunkRandom = new SplittableRandom(Seeds.mix(seed, Seeds.TRUNK_INIT));
        for (int i = 0; i < sharedTensorCount(); i++) {
            if (trunk == Trunk.RESNET) {
                fillHe(params, i, trunkRandom);
            } else {
                fill(params, i, trunkRandom);
            }
        }
        for (int t = 0; t < heads; t++) {
            SplittableRandom head = new SplittableRandom(Seeds.mix(Seeds.mix(seed, Seeds.HEAD_INIT), headKeys[t]));
            for (int i = taskFirstTensor(t); i < taskFirstTensor(t) + taskTensors; i++) {
                fill(params, i, head);
            }
        }
    }

    /**
     * The ResNet's tensors: 2 and 4 are stage 1's convs a and b, from stage 2 on every block has convs a, b and the
     * projection: b is the tensor 2 after a block's first weight.
     */
    private void fillHe(float[] params, int tensor, SplittableRandom random) {
        if (tensor % 2 == 1) {
            java.util.Arrays.fill(params, offsets[tensor], offsets[tensor + 1], 0f);
            return;
        }
        long[] weight = shapes[tensor];
        long fanIn = weight[1] * weight[2] * weight[3];
        boolean secondOfBranch = tensor >= 2 && tensor == blockFirstTensor[blockOf(tensor)] + 2;
        double std = Math.sqrt(2.0 / fanIn) * (secondOfBranch ? 1 / Math.sqrt(RESNET_BLOCKS) : 1);
        for (int k = offsets[tensor]; k < offsets[tensor + 1]; k++) {
            params[k] = (float) (random.nextGaussian() * std);
        }
    }

    private int blockOf(int tensor) {
        int b = 0;
        while (blockFirstTensor[b + 1] <= tensor) {
            b++;
        }
        return b;
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
