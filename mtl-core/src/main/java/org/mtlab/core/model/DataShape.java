package org.mtlab.core.model;

/**
 * What a model reads per sample: {@code features} values, for image data laid out as {@code image = {rows, cols}}
 * (single channel), else {@code image} null.
 */
public record DataShape(int features, int[] image) {
    public DataShape {
        if (features < 1) {
            throw new IllegalArgumentException("a sample needs at least one feature, got " + features);
        }
        if (image != null && (image.length != 2 || (long) image[0] * image[1] != features)) {
            throw new IllegalArgumentException("an image shape must be {rows, cols} with rows·cols = features");
        }
        image = image == null ? null : image.clone();
    }

    @Override
    public int[] image() {
        return image == null ? null : image.clone();
    }
}
