package org.mtlab.core.model;

import org.mtlab.core.contract.StudySpec;

/**
 * {@code resnet18}: the standard ResNet-18 (He et al., CVPR 2016) with batch normalisation in its 32×32-image form (a
 * 3×3 stem, four stages of two basic blocks with 64, 128, 256 and 512 channels, global average pooling: 512 shared
 * features, 11.2 M parameters on one channel), for single-channel images of at least 32×32. The trainer builds it from
 * DJL blocks, so its tensors are known there ({@link #architecture} is null here). Telemetry blocks
 * {@code stem, stage1 … stage4}.
 */
public final class ResNet18Kind extends FixedImageKind {
    public static final String NAME = "resnet18";
    public static final int MIN_SIDE = 32;
    public static final int FEATURES = 512;

    public ResNet18Kind() {
        super(NAME, MIN_SIDE);
    }

    @Override
    public String description() {
        return "standard ResNet-18 with batch norm (3×3 stem, 64-128-256-512 channels, 11.2 M parameters), "
                + "for images of at least 32×32";
    }

    @Override
    public int declaredFeatures(StudySpec.ModelSpec model) {
        return FEATURES;
    }

    @Override
    public Architecture architecture(StudySpec.ModelSpec model, DataShape data) {
        int[] image = Kinds.image(this, data);
        if (image[0] < MIN_SIDE || image[1] < MIN_SIDE) {
            throw new IllegalArgumentException("ResNet-18 needs images of at least " + MIN_SIDE + "×" + MIN_SIDE
                    + " pixels, got " + image[0] + "×" + image[1]);
        }
        return null;
    }
}
