package org.mtlab.core.model;

/** Checks shared by the kinds. */
final class Kinds {
    private Kinds() {
    }

    /** The data's {@code {rows, cols}}, or an error saying the kind needs images. */
    static int[] image(ModelKind kind, DataShape data) {
        int[] image = data.image();
        if (image == null) {
            throw new IllegalArgumentException("model " + kind.name() + " needs an image dataset (multi-fashion, idx "
                    + "or image-folder)");
        }
        return image;
    }
}
