package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;

/**
 * The {@code torchscript} and {@code resnet18} kinds: a {@link BlockTrunk} that owns its tensors, whose forward pass
 * computes with them (the {@code p} it is handed holds the same tensors first).
 */
final class BlockNetwork implements KindNetwork {
    private final BlockTrunk trunk;
    private final MlpLayout layout;

    BlockNetwork(String kindName, BlockTrunk trunk, org.mtlab.core.model.DataShape data, int[] headOutputs) {
        this.trunk = trunk;
        this.layout = new MlpLayout(kindName, trunk, data, headOutputs);
    }

    @Override
    public MlpLayout layout() {
        return layout;
    }

    @Override
    public NDArray[] ownTensors() {
        return trunk.parameters();
    }

    @Override
    public NDArray[] buffers() {
        return trunk.buffers();
    }

    @Override
    public NDArray trunk(NDArray[] p, NDArray input, int rows) {
        return trunk.forward(input, rows);
    }

    @Override
    public void close() {
        trunk.close();
    }
}
