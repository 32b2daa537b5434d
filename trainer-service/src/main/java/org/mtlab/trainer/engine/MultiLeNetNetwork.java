package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The {@code multilenet} kind (Sener and Koltun's MultiLeNet trunk on single-channel images): conv(k 9) → ReLU →
 * maxpool 2 → conv(k 5) → ReLU → maxpool 2 → flatten → ReLU(linear).
 */
final class MultiLeNetNetwork extends FlatNetwork {
    private final int[] image;

    MultiLeNetNetwork(MlpLayout layout) {
        super(layout);
        this.image = layout.imageShape();
    }

    @Override
    public NDArray trunk(NDArray[] p, NDArray input, int rows) {
        NDArray h = input.reshape(rows, 1, image[0], image[1]);
        for (int l = 0; l < 2; l++) {
            NDArrayEx ex = h.getNDArrayInternal();
            h = Activation.relu(ex.convolution(h, p[2 * l], p[2 * l + 1], new Shape(1, 1), new Shape(0, 0),
                    new Shape(1, 1), 1).singletonOrThrow());
            h = h.getNDArrayInternal().maxPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }
        h = h.reshape(rows, -1);
        return Activation.relu(h.getNDArrayInternal().linear(h, p[4], p[5]).singletonOrThrow());
    }
}
