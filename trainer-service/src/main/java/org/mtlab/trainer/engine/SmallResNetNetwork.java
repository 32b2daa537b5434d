package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The {@code resnet} kind, a small residual network without batch norm (its initialisation is {@link MlpLayout}'s):
 * conv 3×3 → ReLU; stage 1: ReLU(x + conv b(ReLU(conv a(x)))); stages 2 and 3: ReLU(proj(x) + conv b(ReLU(conv
 * a(x)))) with conv a and the 1×1 projection at stride 2; average pooling to a 3×3 grid → [rows, 32 · 9].
 */
final class SmallResNetNetwork extends FlatNetwork {
    private final int[] image;

    SmallResNetNetwork(MlpLayout layout) {
        super(layout);
        this.image = layout.imageShape();
    }

    @Override
    public NDArray trunk(NDArray[] p, NDArray input, int rows) {
        NDArray h = Activation.relu(conv(input.reshape(rows, 1, image[0], image[1]), p, 0, 1, 1));
        for (int block = 1; block <= MlpLayout.RESNET_BLOCKS; block++) {
            int first = layout.blockFirstTensor(block);
            int stride = block == 1 ? 1 : 2;
            NDArray branch = conv(Activation.relu(conv(h, p, first, stride, 1)), p, first + 2, 1, 1);
            NDArray shortcut = block == 1 ? h : conv(h, p, first + 4, stride, 0);
            h = Activation.relu(shortcut.add(branch));
        }
        // average pooling to a 3×3 grid, flattened channel by channel, row by row
        Shape kernel = new Shape(h.getShape().get(2) / MlpLayout.RESNET_GRID, h.getShape().get(3) / MlpLayout.RESNET_GRID);
        h = h.getNDArrayInternal().avgPool(kernel, kernel, new Shape(0, 0), false, true);
        return h.reshape(rows, -1);
    }

    private static NDArray conv(NDArray x, NDArray[] p, int weight, int stride, int padding) {
        return x.getNDArrayInternal().convolution(x, p[weight], p[weight + 1], new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }
}
