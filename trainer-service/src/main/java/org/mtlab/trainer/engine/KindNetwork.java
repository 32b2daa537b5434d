package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;

/**
 * The DJL forward pass of one model kind's shared part, over the run's parameter tensors: one class per kind
 * ({@link MlpNetwork}, {@link MultiLeNetNetwork}, {@link SmallResNetNetwork}, {@link MmoeNetwork}, and
 * {@link BlockNetwork} for a trunk that owns its tensors), found through {@link KindNetworks}. The task heads and
 * losses are {@link MultiTaskNetwork}'s, the same for every kind.
 *
 * <p>{@code p} is the run's tensors in {@link #layout()}'s order: the trunk's first, then per task its own (a gate for
 * MMoE, then its head).
 */
interface KindNetwork extends AutoCloseable {

    /** The model's tensors: shapes, telemetry blocks, heads. */
    MlpLayout layout();

    /**
     * Tensors the network already holds on the device (a TorchScript module's, ResNet-18's), which become the first
     * shared parameters as they are; empty when the trunk's tensors are created from the layout's initial values.
     */
    default NDArray[] ownTensors() {
        return new NDArray[0];
    }

    /** State outside the parameters that training changes (batch-norm running statistics), for checkpoints. */
    default NDArray[] buffers() {
        return new NDArray[0];
    }

    /** Entries of {@link #buffers()} together: what a checkpoint of this network carries besides its parameters. */
    default long bufferSize() {
        long total = 0;
        for (NDArray b : buffers()) {
            total += b.size();
        }
        return total;
    }

    /** The shared trunk on {@code rows} samples of {@code input} [rows, features]. */
    NDArray trunk(NDArray[] p, NDArray input, int rows);

    /** What head {@code task} reads: the trunk's output, for every kind but MMoE (its gate's mixture of the experts). */
    default NDArray headInput(NDArray[] p, int task, NDArray trunkOutput, NDArray input) {
        return trunkOutput;
    }

    /** Releases what the network holds beyond the run's tensors (a block trunk's module). */
    @Override
    default void close() {
    }
}
