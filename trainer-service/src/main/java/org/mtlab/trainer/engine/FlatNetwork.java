package org.mtlab.trainer.engine;

/** A kind whose trunk tensors are laid out flat from the layout's initial values (all but the block trunks). */
abstract class FlatNetwork implements KindNetwork {
    protected final MlpLayout layout;

    FlatNetwork(MlpLayout layout) {
        this.layout = layout;
    }

    @Override
    public final MlpLayout layout() {
        return layout;
    }
}
