package org.mtlab.core.optim;

/**
 * A first-order optimizer over one flat parameter vector (all tensors of a model concatenated), updating it in place.
 * Implementations follow PyTorch's {@code torch.optim} conventions so that learning rates mean what they mean there.
 * Optimizer state is kept in double and can be taken out and put back ({@link #state()}, {@link #restore}) for
 * checkpointing; a restored optimizer continues bit-identically.
 */
public interface Optimizer {

    /** Lower-case name as studies spell it: {@code "sgd"}, {@code "adam"} or {@code "adamw"}. */
    String name();

    /** The learning rate the optimizer was built with (the schedule's base rate). */
    double learningRate();

    /** The learning rate the next {@link #step} uses: {@link #learningRate()} until a schedule sets another. */
    double currentLearningRate();

    /**
     * Sets the rate of the following steps (a schedule's rate for the epoch, e.g. {@link StepDecay}); like a PyTorch
     * scheduler it changes no buffer, so momentum and Adam's moments carry over.
     */
    void setLearningRate(double rate);

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

    static double checkRate(double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + rate);
        }
        return rate;
    }

    static void checkLengths(Optimizer optimizer, float[] params, float[] gradient) {
        if (params.length != optimizer.size() || gradient.length != optimizer.size()) {
            throw new IllegalArgumentException(optimizer.name() + " was built for " + optimizer.size()
                    + " parameters, got " + params.length + " parameters and " + gradient.length + " gradient entries");
        }
    }
}
