package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import org.mtlab.core.model.Architecture;

/**
 * A shared trunk that owns its tensors — a TorchScript module ({@link TorchScriptTrunk}) or a network built from DJL
 * blocks ({@link ResNet18Trunk}) — rather than reading them from the layout's flat vector: its trainable tensors become
 * the model's shared parameters as they are, in place on the device.
 */
interface BlockTrunk extends AutoCloseable {

    /** The trainable tensors' shapes, telemetry blocks and output width. */
    Architecture architecture();

    /** The trainable tensors, in the order of {@link #architecture()}. */
    NDArray[] parameters();

    /**
     * The trunk's state outside its trainable tensors that training changes (batch-norm running statistics), in a
     * fixed order: what a checkpoint saves besides the parameters. None by default.
     */
    default NDArray[] buffers() {
        return new NDArray[0];
    }

    /**
     * The trunk on {@code rows} samples [rows, features]: [rows, outputWidth]. In training mode while gradients are
     * recorded (batch-norm statistics of the batch, running statistics updated), in evaluation mode otherwise.
     */
    NDArray forward(NDArray input, int rows);

    @Override
    void close();
}
