package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.optim.Adam;
import org.mtlab.core.optim.AdaTask;
import org.mtlab.core.optim.OptimizerState;
import org.mtlab.core.optim.Sgd;

/**
 * A first-order optimizer whose state lives on the run's device, updating the run's parameter tensors in place from
 * one flat gradient (the shared part first, then the task-specific part, in parameter order). The formulas are those of
 * mtl-core's Java optimizers ({@link Sgd}, {@link Adam}, {@link AdaTask}), which stay the reference the tests compare
 * against; the state is float32 as PyTorch keeps it, and {@link #state()} gives it in the Java optimizers' buffer names
 * and layout, so a checkpoint reads the same either way.
 *
 * <p>Hand-written in NDArray operations rather than DJL's {@code ai.djl.training.optimizer}: DJL's Adam adds ε outside
 * the bias correction ({@code torch.optim.Adam} and mtl-core add it after), and it has neither decoupled weight decay
 * nor per-task moments (AdaTask).
 *
 * <p>Flat state: one buffer of all parameters rather than one per tensor, so an update is a handful of operations
 * whatever the tensor count, plus one split and one in-place subtraction per tensor. Not thread-safe.
 */
abstract class DeviceOptimizer {
    /** Every tensor of the model in order, the shared ones first. */
    protected final NDArray[] parameters;
    protected final long[] splitPoints;
    protected final int size;
    protected final int sharedSize;
    protected final HostDeviceTraffic traffic;
    private final double learningRate;
    private double currentRate;
    private long steps;

    protected DeviceOptimizer(NDArray[] parameters, int sharedTensors, double learningRate, HostDeviceTraffic traffic) {
        this.parameters = parameters.clone();
        this.traffic = traffic;
        this.learningRate = org.mtlab.core.optim.Optimizer.checkRate(learningRate);
        this.currentRate = learningRate;
        this.splitPoints = new long[parameters.length - 1];
        long offset = 0;
        long shared = 0;
        for (int i = 0; i < parameters.length; i++) {
            offset += parameters[i].size();
            if (i < parameters.length - 1) {
                splitPoints[i] = offset;
            }
            if (i == sharedTensors - 1) {
                shared = offset;
            }
        }
        this.size = Math.toIntExact(offset);
        this.sharedSize = Math.toIntExact(shared);
    }

    /**
     * The optimizer of a spec ({@code sgd}, {@code adam}, {@code adamw}, {@code adatask}) over the run's tensors, its
     * state in {@code runManager}.
     */
    static DeviceOptimizer create(StudySpec.OptimizerSpec spec, NDArray[] parameters, int sharedTensors, int tasks,
                                  NDManager runManager, HostDeviceTraffic traffic) {
        if (spec == null || spec.name() == null) {
            throw new IllegalArgumentException("an optimizer name is required; known: [adam, adamw, adatask, sgd]");
        }
        if (spec.learningRate() == null) {
            throw new IllegalArgumentException("optimizer '" + spec.name() + "' needs a learning rate");
        }
        return switch (spec.name()) {
            case Sgd.NAME -> new DeviceSgd(parameters, sharedTensors, spec.learningRate(), spec.momentumOrDefault(),
                    runManager, traffic);
            case Adam.NAME -> new DeviceAdam(Adam.NAME, parameters, sharedTensors, spec.learningRate(), 0, runManager,
                    traffic);
            case Adam.ADAMW -> new DeviceAdam(Adam.ADAMW, parameters, sharedTensors, spec.learningRate(),
                    spec.weightDecay() == null ? Adam.DEFAULT_WEIGHT_DECAY : spec.weightDecay(), runManager, traffic);
            case AdaTask.NAME -> new DeviceAdaTask(parameters, sharedTensors, tasks, spec.learningRate(), runManager,
                    traffic);
            default -> throw new IllegalArgumentException("unsupported optimizer '" + spec.name()
                    + "'; known: [adam, adamw, adatask, sgd]");
        };
    }

    abstract String name();

    /** True when {@link #step} needs the tasks' own shared gradients (AdaTask). */
    boolean needsTaskGradients() {
        return false;
    }

    /**
     * One update of every parameter tensor.
     *
     * @param gradient            all parameters' gradient, flat [size], shared part first
     * @param taskSharedGradients per task its shared gradient [T, sharedSize] when {@link #needsTaskGradients()},
     *                            else ignored (may be null)
     * @param step                the step's manager: every temporary is attached to it
     */
    final void step(NDArray gradient, NDArray taskSharedGradients, NDManager step) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            long t = steps + 1;
            NDArray delta = update(gradient, taskSharedGradients, t, currentRate, step);
            NDList pieces = delta.split(splitPoints, 0);
            for (int i = 0; i < parameters.length; i++) {
                parameters[i].subi(pieces.get(i).reshape(parameters[i].getShape()));
            }
            steps = t;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Updates the state and returns what to subtract from the parameters, flat, owned by {@code step}.
     *
     * @param t the step's number, from 1
     */
    protected abstract NDArray update(NDArray gradient, NDArray taskSharedGradients, long t, double rate,
                                      NDManager step);

    /** Every parameter's current value, flat, a copy owned by {@code step}. */
    protected NDArray flatParameters(NDManager step) {
        ai.djl.ndarray.NDList flat = new ai.djl.ndarray.NDList(parameters.length);
        for (NDArray p : parameters) {
            flat.add(owned(p.reshape(-1), step));
        }
        return ai.djl.ndarray.NDArrays.concat(flat, 0);
    }

    double learningRate() {
        return learningRate;
    }

    /** The rate of the following steps (a schedule's); no buffer changes. */
    void setLearningRate(double rate) {
        currentRate = org.mtlab.core.optim.Optimizer.checkRate(rate);
    }

    long steps() {
        return steps;
    }

    /** The state on the host, as the Java optimizer of the same name holds it (a checkpoint copies it out). */
    abstract OptimizerState state();

    /** Puts back a state of the same optimizer and size (from a checkpoint or a Java optimizer). */
    abstract void restore(OptimizerState state);

    protected void restoreSteps(OptimizerState state) {
        if (!name().equals(state.optimizer())) {
            throw new IllegalArgumentException("cannot restore " + state.optimizer() + " state into " + name());
        }
        steps = state.steps();
    }

    /** A zero buffer of {@code shape} in the run's manager. */
    protected static NDArray zeros(NDManager runManager, Shape shape) {
        return runManager.zeros(shape);
    }

    /** The buffer's values in double, as a Java optimizer's state. */
    protected double[] download(NDArray buffer) {
        float[] values = traffic.download(buffer, HostDeviceTraffic.Purpose.CHECKPOINT);
        double[] out = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            out[k] = values[k];
        }
        return out;
    }

    /** Overwrites the buffer with a state's values (float32, as they were saved). */
    protected void upload(NDArray buffer, double[] values) {
        float[] f = new float[values.length];
        for (int k = 0; k < f.length; k++) {
            f[k] = (float) values[k];
        }
        try (NDArray host = traffic.upload(buffer.getManager(), f, buffer.getShape(),
                HostDeviceTraffic.Purpose.CHECKPOINT)) {
            boolean gradMode = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                buffer.muli(0).addi(host);
            } finally {
                JniUtils.setGradMode(gradMode);
            }
        }
    }

    /** {@code a}'s result attached to the step, so that no temporary outlives it. */
    protected static NDArray owned(NDArray a, NDManager step) {
        a.attach(step);
        return a;
    }
}
