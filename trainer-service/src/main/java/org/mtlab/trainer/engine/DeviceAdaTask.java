package org.mtlab.trainer.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.mtlab.core.optim.AdaTask;
import org.mtlab.core.optim.OptimizerState;

/**
 * {@link AdaTask} on the device: per task Adam moments on the shared parameters ([T, shared] buffers fed the tasks'
 * own gradients), the update the sum of the tasks' Adam directions; plain Adam on the task-specific parameters.
 */
final class DeviceAdaTask extends DeviceOptimizer {
    private final int tasks;
    private final NDArray m;
    private final NDArray v;
    private final NDArray headM;
    private final NDArray headV;

    DeviceAdaTask(NDArray[] parameters, int sharedTensors, int tasks, double learningRate, NDManager runManager,
                  HostDeviceTraffic traffic) {
        super(parameters, sharedTensors, learningRate, traffic);
        if (tasks < 1) {
            throw new IllegalArgumentException("adatask needs at least one task");
        }
        this.tasks = tasks;
        this.m = zeros(runManager, new Shape(tasks, sharedSize));
        this.v = zeros(runManager, new Shape(tasks, sharedSize));
        this.headM = zeros(runManager, new Shape(size - sharedSize));
        this.headV = zeros(runManager, new Shape(size - sharedSize));
    }

    @Override
    String name() {
        return AdaTask.NAME;
    }

    @Override
    boolean needsTaskGradients() {
        return true;
    }

    @Override
    protected NDArray update(NDArray gradient, NDArray taskSharedGradients, long t, double rate, NDManager step) {
        if (sharedSize > 0 && taskSharedGradients == null) {
            throw new IllegalStateException("adatask needs the tasks' shared gradients before each step");
        }
        NDList parts = new NDList(2);
        if (sharedSize > 0) {
            NDArray perTask = DeviceAdam.adamDirection(m, v, taskSharedGradients, t, rate, step);
            // Σ_t of the tasks' Adam steps (one task: Adam's step exactly)
            parts.add(tasks == 1 ? perTask.reshape(sharedSize) : perTask.sum(new int[] {0}));
        }
        if (size > sharedSize) {
            NDArray heads = gradient.get(sharedSize + ":");
            parts.add(DeviceAdam.adamDirection(headM, headV, heads, t, rate, step));
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
    }

    @Override
    OptimizerState state() {
        Map<String, double[]> buffers = new LinkedHashMap<>();
        double[] mAll = download(m);
        double[] vAll = download(v);
        for (int task = 0; task < tasks; task++) {
            buffers.put("exp_avg." + task, java.util.Arrays.copyOfRange(mAll, task * sharedSize, (task + 1) * sharedSize));
            buffers.put("exp_avg_sq." + task, java.util.Arrays.copyOfRange(vAll, task * sharedSize,
                    (task + 1) * sharedSize));
        }
        buffers.put("exp_avg.heads", download(headM));
        buffers.put("exp_avg_sq.heads", download(headV));
        return new OptimizerState(AdaTask.NAME, steps(), buffers);
    }

    @Override
    void restore(OptimizerState state) {
        restoreSteps(state);
        double[] mAll = new double[tasks * sharedSize];
        double[] vAll = new double[tasks * sharedSize];
        for (int task = 0; task < tasks; task++) {
            System.arraycopy(state.buffer("exp_avg." + task, sharedSize), 0, mAll, task * sharedSize, sharedSize);
            System.arraycopy(state.buffer("exp_avg_sq." + task, sharedSize), 0, vAll, task * sharedSize, sharedSize);
        }
        upload(m, mAll);
        upload(v, vAll);
        upload(headM, state.buffer("exp_avg.heads", size - sharedSize));
        upload(headV, state.buffer("exp_avg_sq.heads", size - sharedSize));
    }
}
