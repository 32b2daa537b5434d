package org.mtlab.trainer.engine;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.mtlab.core.optim.OptimizerState;
import org.mtlab.core.optim.Sgd;

/** {@link Sgd} on the device: {@code v ← μ·v + g; p ← p − lr·v}. */
final class DeviceSgd extends DeviceOptimizer {
    private final double momentum;
    private final NDArray velocity;

    DeviceSgd(NDArray[] parameters, int sharedTensors, double learningRate, double momentum, NDManager runManager,
              HostDeviceTraffic traffic) {
        super(parameters, sharedTensors, learningRate, traffic);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must lie in [0, 1), got " + momentum);
        }
        this.momentum = momentum;
        this.velocity = zeros(runManager, new Shape(size));
    }

    @Override
    String name() {
        return Sgd.NAME;
    }

    @Override
    protected NDArray update(NDArray gradient, NDArray taskSharedGradients, long t, double rate, NDManager step) {
        velocity.muli(momentum).addi(gradient);
        return owned(velocity.mul(rate), step);
    }

    @Override
    OptimizerState state() {
        return new OptimizerState(Sgd.NAME, steps(), Map.of("momentum", download(velocity)));
    }

    @Override
    void restore(OptimizerState state) {
        restoreSteps(state);
        upload(velocity, state.buffer("momentum", size));
    }
}
