package org.mtlab.trainer.engine;

import java.util.List;
import java.util.SplittableRandom;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.model.Architecture;
import org.mtlab.core.model.DataShape;
import org.mtlab.core.model.MlpKind;
import org.mtlab.core.model.MmoeKind;
import org.mtlab.core.model.ModelKind;
import org.mtlab.core.model.ModelKinds;
import org.mtlab.core.model.MultiLeNetKind;
import org.mtlab.core.model.ResNetKind;

/**
 * Where every tensor of a multi-task model lives in one flat float vector: the trunk's tensors as the model kind's
 * {@link Architecture} lists them ({@code org.mtlab.core.model}: {@link MlpKind}, {@link MultiLeNetKind},
 * {@link ResNetKind}, {@link MmoeKind} — the one place of their arithmetic), then each task's own tensors.
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
    enum Trunk { MLP, MULTILENET, RESNET, MMOE, BLOCK }

    /** MultiLeNet's fc width. */
    static final int LENET_FEATURES = MultiLeNetKind.FEATURES;
    /** Residual blocks in the ResNet: one per stage. */
    static final int RESNET_BLOCKS = ResNetKind.BLOCKS;
    /** The ResNet's last feature map is average-pooled to a grid of this many cells per side. */
    static final int RESNET_GRID = ResNetKind.GRID;

    private final Trunk trunk;
    /** The model kind's name ({@link org.mtlab.core.model.ModelKinds}). */
    private final String kindName;
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
        this(ModelKinds.of(MlpKind.NAME), new StudySpec.ModelSpec(MlpKind.NAME, hidden), new DataShape(input, null),
                headOutputs);
    }

    /** MultiLeNet on {@code rows × cols} single-channel images; head t has {@code headOutputs[t]} outputs. */
    static MlpLayout multiLeNet(int rows, int cols, int[] headOutputs) {
        return new MlpLayout(ModelKinds.of(MultiLeNetKind.NAME), new StudySpec.ModelSpec(MultiLeNetKind.NAME, null),
                image(rows, cols), headOutputs);
    }

    /** The small ResNet on {@code rows × cols} single-channel images ({@link ResNetKind}). */
    static MlpLayout resNet(int rows, int cols, int[] headOutputs) {
        return new MlpLayout(ModelKinds.of(ResNetKind.NAME), new StudySpec.ModelSpec(ResNetKind.NAME, null),
                image(rows, cols), headOutputs);
    }

    /** MMoE over {@code input} features ({@link MmoeKind}). */
    static MlpLayout mmoe(int input, int experts, int expertWidth, int[] headOutputs) {
        return new MlpLayout(ModelKinds.of(MmoeKind.NAME), new StudySpec.ModelSpec(MmoeKind.NAME, null, experts,
                expertWidth), new DataShape(input, null), headOutputs);
    }

    private static DataShape image(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("an image needs a positive size, got " + rows + "×" + cols);
        }
        return new DataShape(rows * cols, new int[] {rows, cols});
    }

    /**
     * The model of a spec's kind over data of {@code data}'s shape: the trunk's tensors from the kind's
     * {@link org.mtlab.core.model.Architecture}, then per task its gate (MMoE) and its head.
     */
    MlpLayout(ModelKind kind, StudySpec.ModelSpec model, DataShape data, int[] headOutputs) {
        this(trunkOf(kind), kind.name(), data.features(), data.image(), kind.architecture(model, data), headOutputs);
    }

    /** A trunk of kind {@code kindName} that owns its tensors (a TorchScript module, ResNet-18) over data of {@code data}'s shape. */
    MlpLayout(String kindName, BlockTrunk trunk, DataShape data, int[] headOutputs) {
        this(Trunk.BLOCK, kindName, data.features(), data.image(), trunk.architecture(), headOutputs);
    }

    private static Trunk trunkOf(ModelKind kind) {
        return switch (kind.name()) {
            case MlpKind.NAME -> Trunk.MLP;
            case MultiLeNetKind.NAME -> Trunk.MULTILENET;
            case ResNetKind.NAME -> Trunk.RESNET;
            case MmoeKind.NAME -> Trunk.MMOE;
            default -> throw new IllegalArgumentException("model kind " + kind.name() + " has no flat layout");
        };
    }

    /**
     * @param blockFirstTensor per telemetry block its first tensor, then the trunk's tensor count
     * @param experts          MMoE's expert count (each task then has a gate over them), 0 for the other trunks
     * @param features         width of the heads' input; 0 for the outputs of the trunk's last layer
     */
    private MlpLayout(Trunk trunk, String kindName, int input, int[] image, Architecture architecture,
                      int[] headOutputs) {
        this(trunk, kindName, input, image, architecture.trunkShapes(), architecture.blockFirstTensor(),
                architecture.blockNames(), architecture.experts(), architecture.features(), headOutputs);
    }

    private MlpLayout(Trunk trunk, String kindName, int input, int[] image, List<long[]> trunkShapes, int[] blockFirstTensor,
                      List<String> blockNames, int experts, int features, int[] headOutputs) {
        if (input < 1 || headOutputs == null || headOutputs.length < 1) {
            throw new IllegalArgumentException("a model needs a positive input size and at least one head");
        }
        this.trunk = trunk;
        this.kindName = kindName;
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
        long last = features;
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

    Trunk trunk() {
        return trunk;
    }

    /** The model kind's name ({@link org.mtlab.core.model.ModelKinds}). */
    String kindName() {
        return kindName;
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
        // a trunk that owns its tensors keeps their values (a TorchScript file's, ResNet-18's own initialisation)
        for (int i = 0; trunk != Trunk.BLOCK && i < sharedTensorCount(); i++) {
            if (trunk == Trunk.RESNET) {
                fillHe(params, i, trunkRandom);
            } else {
                fill(params, i, i % 2 == 0 ? i : i - 1, trunkRandom);
            }
        }
        for (int t = 0; t < heads; t++) {
            SplittableRandom head = new SplittableRandom(Seeds.mix(Seeds.mix(seed, Seeds.HEAD_INIT), headKeys[t]));
            int first = taskFirstTensor(t);
            for (int i = first; i < first + taskTensors; i++) {
                fill(params, i, (i - first) % 2 == 0 ? i : i - 1, head);
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

    /** U(−1/√fan_in, 1/√fan_in) for {@code tensor}, fan_in that of its layer's weight (the weight's entries per output). */
    private void fill(float[] params, int tensor, int weightTensor, SplittableRandom random) {
        long[] weight = shapes[weightTensor];
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
