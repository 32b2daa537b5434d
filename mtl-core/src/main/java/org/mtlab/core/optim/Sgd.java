package org.mtlab.core.optim;

import java.util.Map;

/**
 * Stochastic gradient descent with heavy-ball momentum, as {@code torch.optim.SGD} (dampening 0, no Nesterov,
 * no weight decay): {@code v ← μ·v + g; p ← p − lr·v}. The buffer starts at zero, which gives PyTorch's first step
 * {@code v = g}. With μ = 0 this is plain SGD.
 */
public final class Sgd implements Optimizer {
    public static final String NAME = "sgd";

    private final double learningRate;
    private double currentRate;
    private final double momentum;
    private double[] velocity;
    private long steps;

    public Sgd(int size, double learningRate, double momentum) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must lie in [0, 1), got " + momentum);
        }
        this.learningRate = learningRate;
        this.currentRate = learningRate;
        this.momentum = momentum;
        this.velocity = new double[size];
    }

    public double momentum() {
        return momentum;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public double currentLearningRate() {
        return currentRate;
    }

    @Override
    public void setLearningRate(double rate) {
        currentRate = Optimizer.checkRate(rate);
    }

    @Override
    public int size() {
        return velocity.length;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void step(float[] params, float[] gradient) {
        Optimizer.checkLengths(this, params, gradient);
        for (int k = 0; k < params.length; k++) {
            double v = momentum * velocity[k] + gradient[k];
            velocity[k] = v;
            params[k] = (float) (params[k] - currentRate * v);
        }
        steps++;
    }

    @Override
    public OptimizerState state() {
        return new OptimizerState(NAME, steps, Map.of("momentum", velocity));
    }

    @Override
    public void restore(OptimizerState state) {
        if (!NAME.equals(state.optimizer())) {
            throw new IllegalArgumentException("cannot restore " + state.optimizer() + " state into sgd");
        }
        velocity = state.buffer("momentum", velocity.length);
        steps = state.steps();
    }
}
