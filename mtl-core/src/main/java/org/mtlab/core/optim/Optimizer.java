package org.mtlab.core.optim;

/**
 * A first-order optimizer over one flat parameter vector (all tensors of a model concatenated), updating it in place.
 * Implementations follow PyTorch's {@code torch.optim} conventions so that learning rates mean what they mean there.
 * Optimizer state is kept in double and can be taken out and put back ({@link #state()}, {@link #restore}) for
 * checkpointing; a restored optimizer continues bit-identically.
 */
public interface Optimizer {

    /** Lower-case name as studies spell it: {@code "sgd"} or {@code "adam"}. */
    String name();

    double learningRate();

    /** Number of parameters this optimizer was built for. */
    int size();

    /** Number of {@link #step} calls so far (Adam's bias correction uses it). */
    long steps();

    /** One update: {@code params} is modified in place from {@code gradient}; both must have {@link #size()} entries. */
    void step(float[] params, float[] gradient);

    /** A deep copy of the current state. */
    OptimizerState state();

    /** Replaces the state by a copy of {@code state}; refuses state of another optimizer or size. */
    void restore(OptimizerState state);

    static void checkLengths(Optimizer optimizer, float[] params, float[] gradient) {
        if (params.length != optimizer.size() || gradient.length != optimizer.size()) {
            throw new IllegalArgumentException(optimizer.name() + " was built for " + optimizer.size()
                    + " parameters, got " + params.length + " parameters and " + gradient.length + " gradient entries");
        }
    }
}
