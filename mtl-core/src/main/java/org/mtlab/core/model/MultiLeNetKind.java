package org.mtlab.core.model;

import java.util.List;

import org.mtlab.core.contract.StudySpec;

/**
 * {@code multilenet}: MultiLeNet of Pareto MTL (Lin et al., NeurIPS 2019) on single-channel {@code rows × cols}
 * images — conv(1→10, k 9) → ReLU → maxpool 2 → conv(10→20, k 5) → ReLU → maxpool 2 → fc(→50) → ReLU (fc(500→50) on
 * 36×36 MultiFashion). Blocks {@code conv1, conv2, fc}.
 */
public final class MultiLeNetKind extends FixedImageKind {
    public static final String NAME = "multilenet";
    public static final int CONV1_CHANNELS = 10;
    public static final int CONV1_KERNEL = 9;
    public static final int CONV2_CHANNELS = 20;
    public static final int CONV2_KERNEL = 5;
    public static final int FEATURES = 50;
    /** The smallest image side: two valid convolutions and two poolings must leave a map. */
    public static final int MIN_SIDE = 20;

    public MultiLeNetKind() {
        super(NAME, MIN_SIDE);
    }

    @Override
    public String description() {
        return "MultiLeNet (Pareto MTL): two conv layers and a 50-unit fc trunk, for images of at least 20×20";
    }

    @Override
    public Architecture architecture(StudySpec.ModelSpec model, DataShape data) {
        int[] image = Kinds.image(this, data);
        int[] pooled = featureMap(image[0], image[1]);
        return new Architecture(List.of(
                new long[] {CONV1_CHANNELS, 1, CONV1_KERNEL, CONV1_KERNEL},
                new long[] {CONV1_CHANNELS},
                new long[] {CONV2_CHANNELS, CONV1_CHANNELS, CONV2_KERNEL, CONV2_KERNEL},
                new long[] {CONV2_CHANNELS},
                new long[] {FEATURES, (long) CONV2_CHANNELS * pooled[0] * pooled[1]},
                new long[] {FEATURES}), Architecture.pairs(3), List.of("conv1", "conv2", "fc"), 0, FEATURES);
    }

    /** Height and width of the last feature map (after the second pooling), or an error if too small. */
    static int[] featureMap(int rows, int cols) {
        int h = ((rows - CONV1_KERNEL + 1) / 2 - CONV2_KERNEL + 1) / 2;
        int w = ((cols - CONV1_KERNEL + 1) / 2 - CONV2_KERNEL + 1) / 2;
        if (rows - CONV1_KERNEL + 1 < 2 || cols - CONV1_KERNEL + 1 < 2 || h < 1 || w < 1) {
            throw new IllegalArgumentException("MultiLeNet needs images of at least " + MIN_SIDE + "×" + MIN_SIDE
                    + " pixels, got " + rows + "×" + cols);
        }
        return new int[] {h, w};
    }
}
