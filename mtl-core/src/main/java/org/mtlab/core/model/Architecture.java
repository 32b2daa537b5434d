package org.mtlab.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's shared trunk as tensor shapes, in order, each layer a weight then its bias (PyTorch's layouts: linear
 * [out, in], conv [out, in, k, k]); telemetry block {@code l} is tensors {@code [blockFirstTensor[l],
 * blockFirstTensor[l+1])}; {@code features} is the width of what the heads read (for MMoE an expert's output, mixed per
 * task by a gate over the {@code experts} experts; 0 experts for the hard-sharing trunks).
 */
public record Architecture(List<long[]> trunkShapes, int[] blockFirstTensor, List<String> blockNames, int experts,
                           int features) {
    public Architecture {
        List<long[]> copy = new ArrayList<>();
        for (long[] s : trunkShapes) {
            copy.add(s.clone());
        }
        trunkShapes = List.copyOf(copy);
        blockFirstTensor = blockFirstTensor.clone();
        blockNames = List.copyOf(blockNames);
        if (blockFirstTensor.length != blockNames.size() + 1
                || blockFirstTensor[blockNames.size()] != trunkShapes.size() || blockFirstTensor[0] != 0) {
            throw new IllegalArgumentException("the telemetry blocks must cover the trunk's tensors");
        }
        if (features < 1 || experts < 0) {
            throw new IllegalArgumentException("a trunk needs a positive feature width and no negative expert count");
        }
    }

    /** The trunk's parameter count. */
    public long sharedParameters() {
        long count = 0;
        for (long[] shape : trunkShapes) {
            count += size(shape);
        }
        return count;
    }

    /** Entries of a tensor of this shape. */
    public static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Blocks of one weight and one bias each: first tensors 0, 2, 4, …, 2·blocks. */
    static int[] pairs(int blocks) {
        int[] first = new int[blocks + 1];
        for (int b = 0; b <= blocks; b++) {
            first[b] = 2 * b;
        }
        return first;
    }
}
