package org.mtlab.trainer.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.mtlab.core.optim.Adam;
import org.mtlab.core.optim.OptimizerState;

/**
 * {@link Adam} and AdamW on the device, as {@code torch.optim.Adam}/{@code AdamW}: {@code m ← β₁m + (1−β₁)g;
 * v ← β₂v + (1−β₂)g²; p ← p·(1 − lr·λ) − (lr / (1−β₁ᵗ)) · m / (sqrt(v) / sqrt(1−β₂ᵗ) + ε)}.
 */
final class DeviceAdam extends DeviceOptimizer {
    private final String name;
    private final double weightDecay;
    private final NDArray m;
    private final NDArray v;

    DeviceAdam(String name, NDArray[] parameters, int sharedTensors, double learningRate, double weightDecay,
               NDManager runManager, HostDeviceTraffic traffic) {
        super(parameters, sharedTensors, learningRate, traffic);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number ≥ 0, got " + weightDecay);
        }
        this.name = name;
        this.weightDecay = weightDecay;
        this.m = zeros(runManager, new Shape(size));
        this.v = zeros(runManager, new Shape(size));
    }

    @Override
    String name() {
        return name;
    }

    @Override
    protected NDArray update(NDArray gradient, NDArray taskSharedGradients, long t, double rate, NDManager step) {
        NDArray delta = adamDirection(m, v, gradient, t, rate, step);
        if (weightDecay != 0) {
            // the decoupled decay p·lr·λ joins the update, so the parameters are rounded once per step
            delta.addi(flatParameters(step).muli(rate * weightDecay));
        }
        return delta;
    }

    /**
     * Updates the moments {@code m}, {@code v} in place from {@code g} and returns Adam's step
     * {@code (lr / (1−β₁ᵗ)) · m / (sqrt(v) / sqrt(1−β₂ᵗ) + ε)}, owned by {@code step}: the same operations, in the
     * same order, for Adam and for each of AdaTask's tasks.
     */
    static NDArray adamDirection(NDArray m, NDArray v, NDArray g, long t, double rate, NDManager step) {
        double b1 = Adam.DEFAULT_BETA1;
        double b2 = Adam.DEFAULT_BETA2;
        double stepSize = rate / (1 - StrictMath.pow(b1, t));
        double sqrtBiasCorrection2 = Math.sqrt(1 - StrictMath.pow(b2, t));
        m.muli(b1).addi(owned(g.mul(1 - b1), step));
        v.muli(b2).addi(owned(g.square(), step).muli(1 - b2));
        NDArray denominator = owned(v.sqrt(), step).divi(sqrtBiasCorrection2).addi(Adam.DEFAULT_EPS);
        return owned(m.div(denominator), step).muli(stepSize);
    }

    @Override
    OptimizerState state() {
        Map<String, double[]> buffers = new LinkedHashMap<>();
        buffers.put("exp_avg", download(m));
        buffers.put("exp_avg_sq", download(v));
        return new OptimizerState(name, steps(), buffers);
    }

    @Override
    void restore(OptimizerState state) {
        restoreSteps(state);
        upload(m, state.buffer("exp_avg", size));
        upload(v, state.buffer("exp_avg_sq", size));
    }
}
