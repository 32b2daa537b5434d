package org.mtlab.core.model;

import java.util.ArrayList;
import java.util.List;

import org.mtlab.core.contract.StudySpec;

/**
 * {@code resnet}: a small residual network (He et al., CVPR 2016) for single-channel images, without batch
 * normalisation — stem conv(1→8, 3×3), then three stages of one basic block each (8, 16, 32 channels; the last two
 * downsample by stride 2 and add a 1×1 stride-2 projection shortcut), then average pooling to a 3×3 grid: 288 shared
 * features. Tensors: stem conv [8, 1, 3, 3]; stage 1: conv a, conv b [8, 8, 3, 3]; stage 2: conv a [16, 8, 3, 3],
 * conv b [16, 16, 3, 3], projection [16, 8, 1, 1]; stage 3 likewise 16 → 32; each with its bias. Blocks
 * {@code stem, stage1, stage2, stage3}.
 */
public final class ResNetKind extends FixedImageKind {
    public static final String NAME = "resnet";
    /** Channels of the stem and first stage, the second stage, the third (= the feature maps' channels at the end). */
    public static final int[] CHANNELS = {8, 16, 32};
    /** Residual blocks, one per stage. */
    public static final int BLOCKS = 3;
    /** The last feature map is average-pooled to a grid of this many cells per side. */
    public static final int GRID = 3;
    /** Two stride-2 convolutions must leave a map of at least {@link #GRID} cells per side. */
    public static final int MIN_SIDE = 9;

    public ResNetKind() {
        super(NAME, MIN_SIDE);
    }

    @Override
    public String description() {
        return "small ResNet (3 stages of one basic block, 8/16/32 channels, no batch norm), for images of at least 9×9";
    }

    @Override
    public Architecture architecture(StudySpec.ModelSpec model, DataShape data) {
        int[] image = Kinds.image(this, data);
        if (mapSide(image[0]) < GRID || mapSide(image[1]) < GRID) {
            throw new IllegalArgumentException("the ResNet needs images of at least " + MIN_SIDE + "×" + MIN_SIDE
                    + " pixels, got " + image[0] + "×" + image[1]);
        }
        int[] c = CHANNELS;
        List<long[]> trunk = new ArrayList<>();
        addConv(trunk, c[0], 1, 3);
        addConv(trunk, c[0], c[0], 3);
        addConv(trunk, c[0], c[0], 3);
        for (int stage = 1; stage < 3; stage++) {
            addConv(trunk, c[stage], c[stage - 1], 3);
            addConv(trunk, c[stage], c[stage], 3);
            addConv(trunk, c[stage], c[stage - 1], 1);
        }
        return new Architecture(trunk, new int[] {0, 2, 6, 12, 18}, List.of("stem", "stage1", "stage2", "stage3"), 0,
                c[2] * GRID * GRID);
    }

    /** Side of the last feature map: two stride-2 convs with padding 1, ⌈⌈side / 2⌉ / 2⌉. */
    public static int mapSide(int side) {
        return ((side + 1) / 2 + 1) / 2;
    }

    private static void addConv(List<long[]> shapes, int out, int in, int kernel) {
        shapes.add(new long[] {out, in, kernel, kernel});
        shapes.add(new long[] {out});
    }
}
