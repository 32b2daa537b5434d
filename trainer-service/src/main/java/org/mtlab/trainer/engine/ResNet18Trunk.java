package org.mtlab.trainer.engine;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.mtlab.core.model.Architecture;
import org.mtlab.core.model.ResNet18Kind;

/**
 * ResNet-18 (He et al., CVPR 2016) built from DJL blocks ({@code Conv2d}, {@code BatchNorm}, {@code ParallelBlock} for
 * the residual sums, global average pooling), in the form used for 32×32 images (CIFAR): a 3×3 stem convolution of 64
 * channels at stride 1 without max pooling, then four stages of two basic blocks (64, 128, 256, 512 channels; the first
 * block of stages 2–4 downsamples by stride 2 with a 1×1 projection shortcut), every convolution followed by batch
 * normalisation and without bias; global average pooling gives 512 shared features. 11.2 M parameters on
 * single-channel input. Telemetry blocks {@code stem, stage1 … stage4}.
 *
 * <p>DJL's model zoo has a {@code ResNetV1}, but for images up to 32 pixels wide it builds a narrower bottleneck variant
 * (0.9 M parameters at 18 layers), not the standard network.
 *
 * <p>Initialisation is seeded and independent of the engine's random generator: convolution weights He-normal
 * (N(0, 2/fan_in)), batch-norm scales 1 and shifts 0, running means 0 and variances 1. The running statistics are
 * buffers of the block, updated by forward passes in training mode and used in evaluation mode; a checkpoint saves
 * them ({@link #buffers()}) with the parameters.
 */
final class ResNet18Trunk implements BlockTrunk {
    private static final int[] CHANNELS = {64, 128, 256, 512};
    private final SequentialBlock block;
    private final ParameterStore store;
    private final int rows;
    private final int cols;
    private final NDArray[] parameters;
    private final NDArray[] buffers;
    private final Architecture architecture;

    private ResNet18Trunk(SequentialBlock block, ParameterStore store, int rows, int cols, NDArray[] parameters,
                          NDArray[] buffers, Architecture architecture) {
        this.buffers = buffers;
        this.block = block;
        this.store = store;
        this.rows = rows;
        this.cols = cols;
        this.parameters = parameters;
        this.architecture = architecture;
    }

    /** Builds the network for single-channel {@code rows × cols} images on {@code manager}'s device. */
    static ResNet18Trunk build(NDManager manager, int rows, int cols, long seed) {
        if (rows < ResNet18Kind.MIN_SIDE || cols < ResNet18Kind.MIN_SIDE) {
            throw new IllegalArgumentException("model.kind: resnet18 needs images of at least " + ResNet18Kind.MIN_SIDE
                    + "×" + ResNet18Kind.MIN_SIDE + " pixels, got " + rows + "×" + cols);
        }
        SequentialBlock net = new SequentialBlock();
        List<String> childBlock = new ArrayList<>();
        net.add(conv(CHANNELS[0], 3, 1)).add(batchNorm()).add(Activation.reluBlock());
        childBlock.add("stem");
        childBlock.add("stem");
        childBlock.add("stem");
        int in = CHANNELS[0];
        for (int stage = 0; stage < CHANNELS.length; stage++) {
            for (int unit = 0; unit < 2; unit++) {
                int stride = stage > 0 && unit == 0 ? 2 : 1;
                net.add(basicBlock(CHANNELS[stage], stride, stride != 1 || in != CHANNELS[stage]));
                childBlock.add("stage" + (stage + 1));
                in = CHANNELS[stage];
            }
        }
        net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, rows, cols));
        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, Seeds.TRUNK_INIT));
        List<NDArray> trainable = new ArrayList<>();
        List<NDArray> buffers = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<String> blockNames = new ArrayList<>();
        List<Integer> firstTensors = new ArrayList<>();
        List<String> childNames = net.getChildren().keys();
        for (Pair<String, Parameter> named : net.getParameters()) {
            Parameter p = named.getValue();
            initialise(p, random);
            if (!p.requiresGradient()) {
                buffers.add(p.getArray()); // a batch norm's running mean or variance
                continue;
            }
            String child = named.getKey().substring(0, named.getKey().indexOf('_'));
            String blockName = childBlock.get(childNames.indexOf(child));
            if (blockNames.isEmpty() || !blockNames.get(blockNames.size() - 1).equals(blockName)) {
                blockNames.add(blockName);
                firstTensors.add(trainable.size());
            }
            p.getArray().setRequiresGradient(true);
            trainable.add(p.getArray());
            shapes.add(p.getArray().getShape().getShape());
        }
        firstTensors.add(trainable.size());
        Architecture architecture = new Architecture(shapes, firstTensors.stream().mapToInt(Integer::intValue).toArray(),
                blockNames, 0, CHANNELS[CHANNELS.length - 1]);
        return new ResNet18Trunk(net, new ParameterStore(manager, false), rows, cols,
                trainable.toArray(new NDArray[0]), buffers.toArray(new NDArray[0]), architecture);
    }

    private static Block conv(int filters, int kernel, int stride) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(kernel / 2, kernel / 2)).optBias(false)
                .build();
    }

    private static Block batchNorm() {
        return BatchNorm.builder().build();
    }

    /** ReLU(F(x) + shortcut(x)), F = conv 3×3 (stride) → BN → ReLU → conv 3×3 → BN. */
    private static Block basicBlock(int filters, int stride, boolean project) {
        SequentialBlock branch = new SequentialBlock().add(conv(filters, 3, stride)).add(batchNorm())
                .add(Activation.reluBlock()).add(conv(filters, 3, 1)).add(batchNorm());
        Block shortcut = project ? new SequentialBlock().add(conv(filters, 1, stride)).add(batchNorm())
                : Blocks.identityBlock();
        return new ParallelBlock(outputs -> new NDList(Activation.relu(outputs.get(0).singletonOrThrow()
                .add(outputs.get(1).singletonOrThrow()))), List.of(branch, shortcut));
    }

    /** Seeded values: He-normal convolution weights, BN scale 1, shift 0, running mean 0, variance 1. */
    private static void initialise(Parameter p, SplittableRandom random) {
        NDArray array = p.getArray();
        float[] values = new float[Math.toIntExact(array.size())];
        switch (p.getType()) {
            case WEIGHT -> {
                long[] shape = array.getShape().getShape();
                double std = Math.sqrt(2.0 / (shape[1] * shape[2] * shape[3]));
                for (int k = 0; k < values.length; k++) {
                    values[k] = (float) (random.nextGaussian() * std);
                }
            }
            case GAMMA, RUNNING_VAR -> java.util.Arrays.fill(values, 1f);
            default -> { } // BETA, RUNNING_MEAN: 0
        }
        array.set(FloatBuffer.wrap(values));
    }

    @Override
    public Architecture architecture() {
        return architecture;
    }

    @Override
    public NDArray[] parameters() {
        return parameters.clone();
    }

    @Override
    public NDArray[] buffers() {
        return buffers.clone();
    }

    @Override
    public NDArray forward(NDArray input, int rows) {
        NDArray images = input.reshape(rows, 1, this.rows, cols);
        return block.forward(store, new NDList(images), JniUtils.isGradMode()).singletonOrThrow().reshape(rows, -1);
    }

    @Override
    public void close() {
        // the block's arrays belong to the manager it was built on, closed with it
    }
}
