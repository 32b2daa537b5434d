package org.mtlab.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where every tensor of the hard-parameter-sharing MLP lives in one flat float vector.
 *
 * <p>Order: the shared trunk first, layer by layer, each layer's weight ([out, in], row-major as in PyTorch's
 * {@code nn.Linear}) then its bias ([out]); then one head per run task, weight [1, last hidden] then bias [1]. The
 * shared parameters are therefore the prefix {@code [0, sharedSize)}, and trunk layer {@code l} (one telemetry block)
 * is the contiguous range {@code [blockStart(l), blockStart(l + 1))}: this is also the order of the full gradient
 * vectors in a {@code GradientEvent}.
 */
final class MlpLayout {
    private final int input;
    private final int[] hidden;
    private final int heads;
    private final int[] offsets;
    private final long[][] shapes;
    private final int sharedSize;
    private final int totalSize;

    MlpLayout(int input, List<Integer> hidden, int heads) {
        if (input < 1 || heads < 1 || hidden == null || hidden.isEmpty()) {
            throw new IllegalArgumentException("an MLP needs a positive input size, at least one hidden layer and one head");
        }
        this.input = input;
        this.hidden = new int[hidden.size()];
        for (int l = 0; l < hidden.size(); l++) {
            Integer width = hidden.get(l);
            if (width == null || width < 1) {
                throw new IllegalArgumentException("model.hidden[" + l + "] must be a positive width, got " + width);
            }
            this.hidden[l] = width;
        }
        this.heads = heads;
        int tensors = 2 * (this.hidden.length + heads);
        this.offsets = new int[tensors + 1];
        this.shapes = new long[tensors][];
        int in = input;
        long offset = 0;
        int k = 0;
        for (int width : this.hidden) {
            shapes[k] = new long[] {width, in};
            shapes[k + 1] = new long[] {width};
            k += 2;
            in = width;
        }
        for (int t = 0; t < heads; t++) {
            shapes[k] = new long[] {1, in};
            shapes[k + 1] = new long[] {1};
            k += 2;
        }
        long shared = 0;
        for (int i = 0; i < tensors; i++) {
            offsets[i] = Math.toIntExact(offset);
            offset += shapes[i][0] * (shapes[i].length > 1 ? shapes[i][1] : 1);
            if (i == 2 * this.hidden.length - 1) {
                shared = offset;
            }
        }
        offsets[tensors] = Math.toIntExact(offset);
        this.sharedSize = Math.toIntExact(shared);
        this.totalSize = offsets[tensors];
    }

    int input() {
        return input;
    }

    int layers() {
        return hidden.length;
    }

    int heads() {
        return heads;
    }

    int tensorCount() {
        return shapes.length;
    }

    int sharedTensorCount() {
        return 2 * hidden.length;
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
        return 2 * hidden.length + 2 * task;
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
        int[] sizes = new int[hidden.length];
        for (int l = 0; l < hidden.length; l++) {
            sizes[l] = blockStart(l + 1) - blockStart(l);
        }
        return sizes;
    }

    List<String> blockNames() {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < hidden.length; l++) {
            names.add("shared." + l);
        }
        return List.copyOf(names);
    }

    /**
     * PyTorch's default {@code nn.Linear} initialisation, U(−1/√fan_in, 1/√fan_in) for weight and bias, drawn from
     * seeded streams: one for the trunk, one per head keyed by {@code headKeys[t]} (the task's index among the
     * study's tasks), so that a task's head starts identical in its STL run and in every MTL run of the same seed.
     */
    void initialise(float[] params, long seed, int[] headKeys) {
        if (params.length != totalSize || headKeys.length != heads) {
            throw new IllegalArgumentException("parameter vector or head keys of the wrong size");
        }
        SplittableRandom trunk = new SplittableRandom(Seeds.mix(seed, Seeds.TRUNK_INIT));
        for (int i = 0; i < sharedTensorCount(); i++) {
            fill(params, i, trunk);
        }
        for (int t = 0; t < heads; t++) {
            SplittableRandom head = new SplittableRandom(Seeds.mix(Seeds.mix(seed, Seeds.HEAD_INIT), headKeys[t]));
            fill(params, headWeight(t), head);
            fill(params, headBias(t), head);
        }
    }

    private void fill(float[] params, int tensor, SplittableRandom random) {
        // weight [out, in] and its bias [out] share fan_in = in; the bias's fan_in is its layer's input size
        int layerTensor = tensor % 2 == 0 ? tensor : tensor - 1;
        double bound = 1 / Math.sqrt(shapes[layerTensor][1]);
        for (int k = offsets[tensor]; k < offsets[tensor + 1]; k++) {
            params[k] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
    }
}
