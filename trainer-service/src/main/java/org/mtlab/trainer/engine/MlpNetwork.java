package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The {@code mlp} kind: ReLU(linear) layers over the features. */
final class MlpNetwork extends FlatNetwork {

    MlpNetwork(MlpLayout layout) {
        super(layout);
    }

    @Override
    public NDArray trunk(NDArray[] p, NDArray input, int rows) {
        NDArray h = input;
        for (int l = 0; l < layout.layers(); l++) {
            h = Activation.relu(h.getNDArrayInternal().linear(h, p[2 * l], p[2 * l + 1]).singletonOrThrow());
        }
        return h;
    }
}
