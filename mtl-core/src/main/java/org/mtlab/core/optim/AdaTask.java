package org.mtlab.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-task Adam ("AdaTask"; Yang et al., AAAI 2023; one of the optimizers Elich et al., GCPR 2024, compare): on the
 * shared parameters every task keeps its own Adam moments, fed with its own gradient, and the update is the sum of
 * the tasks' Adam directions, {@code p ← p − lr · Σ_t m̂_t / (sqrt(v̂_t) + ε)}; the task-specific parameters (the heads,
 * {@code [sharedSize, size)}) take plain Adam steps on the gradient passed to {@link #step}. PyTorch's Adam defaults
 * (β₁ 0.9, β₂ 0.999, ε 1e-8).
 *
 * <p>What it buys: each task's contribution to the trunk is invariant to a constant scale of that task's loss (up to
 * ε), which plain Adam on the summed gradient is not. The caller hands over the tasks' shared gradients with
 * {@link #taskGradients} before every {@link #step}; the shared entries of the combined gradient are then ignored, so
 * this optimizer fits equal weighting (the trainer allows it with {@code ew} and STL runs only).
 */
public final class AdaTask implements Optimizer {
    public static final String NAME = "adatask";

    private final double learningRate;
    private double currentRate;
    private final int sharedSize;
    private final int tasks;
    private double[][] m;
    private double[][] v;
    private double[] headM;
    private double[] headV;
    private final float[][] pending;
    private boolean hasPending;
    private long steps;

    /**
     * @param size       all parameters
     * @param sharedSize the shared prefix {@code [0, sharedSize)} that gets per-task moments
     * @param tasks      number of tasks (one set of shared moments each)
     */
    public AdaTask(int size, int sharedSize, int tasks, double learningRate) {
        if (sharedSize < 0 || sharedSize > size || tasks < 1) {
            throw new IllegalArgumentException("need 0 ≤ sharedSize ≤ size and at least one task, got " + sharedSize
                    + ", " + size + ", " + tasks);
        }
        this.learningRate = Optimizer.checkRate(learningRate);
        this.currentRate = learningRate;
        this.sharedSize = sharedSize;
        this.tasks = tasks;
        this.m = new double[tasks][sharedSize];
        this.v = new double[tasks][sharedSize];
        this.headM = new double[size - sharedSize];
        this.headV = new double[size - sharedSize];
        this.pending = new float[tasks][sharedSize];
    }

    /**
     * The tasks' gradients on the shared parameters for the next {@link #step} (each at least sharedSize long), copied:
     * the caller may reuse its arrays before the step.
     */
    public void taskGradients(float[][] perTask) {
        if (perTask.length != tasks) {
            throw new IllegalArgumentException(perTask.length + " task gradients for " + tasks + " tasks");
        }
        for (float[] g : perTask) {
            if (g.length < sharedSize) {
                throw new IllegalArgumentException("a task gradient has " + g.length + " entries, the trunk " + sharedSize);
            }
        }
        for (int task = 0; task < tasks; task++) {
            System.arraycopy(perTask[task], 0, pending[task], 0, sharedSize);
        }
        hasPending = true;
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
        return sharedSize + headM.length;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void step(float[] params, float[] gradient) {
        Optimizer.checkLengths(this, params, gradient);
        if (sharedSize > 0 && !hasPending) {
            throw new IllegalStateException("adatask needs the tasks' shared gradients before each step");
        }
        long t = steps + 1;
        double b1 = Adam.DEFAULT_BETA1;
        double b2 = Adam.DEFAULT_BETA2;
        double stepSize = currentRate / (1 - StrictMath.pow(b1, t));
        double sqrtBiasCorrection2 = Math.sqrt(1 - StrictMath.pow(b2, t));
        for (int k = 0; k < sharedSize; k++) {
            double update = 0; // Σ_t of each task's Adam step, each computed as Adam computes it (one task: Adam exactly)
            for (int task = 0; task < tasks; task++) {
                double g = pending[task][k];
                double mk = b1 * m[task][k] + (1 - b1) * g;
                double vk = b2 * v[task][k] + (1 - b2) * g * g;
                m[task][k] = mk;
                v[task][k] = vk;
                update += stepSize * mk / (Math.sqrt(vk) / sqrtBiasCorrection2 + Adam.DEFAULT_EPS);
            }
            params[k] = (float) (params[k] - update);
        }
        for (int k = sharedSize; k < params.length; k++) {
            int h = k - sharedSize;
            double g = gradient[k];
            double mk = b1 * headM[h] + (1 - b1) * g;
            double vk = b2 * headV[h] + (1 - b2) * g * g;
            headM[h] = mk;
            headV[h] = vk;
            params[k] = (float) (params[k] - stepSize * mk / (Math.sqrt(vk) / sqrtBiasCorrection2 + Adam.DEFAULT_EPS));
        }
        hasPending = false;
        steps = t;
    }

    @Override
    public OptimizerState state() {
        Map<String, double[]> buffers = new LinkedHashMap<>();
        for (int task = 0; task < tasks; task++) {
            buffers.put("exp_avg." + task, m[task]);
            buffers.put("exp_avg_sq." + task, v[task]);
        }
        buffers.put("exp_avg.heads", headM);
        buffers.put("exp_avg_sq.heads", headV);
        return new OptimizerState(NAME, steps, buffers);
    }

    @Override
    public void restore(OptimizerState state) {
        if (!NAME.equals(state.optimizer())) {
            throw new IllegalArgumentException("cannot restore " + state.optimizer() + " state into " + NAME);
        }
        double[][] newM = new double[tasks][];
        double[][] newV = new double[tasks][];
        for (int task = 0; task < tasks; task++) {
            newM[task] = state.buffer("exp_avg." + task, sharedSize);
            newV[task] = state.buffer("exp_avg_sq." + task, sharedSize);
        }
        double[] hm = state.buffer("exp_avg.heads", headM.length);
        double[] hv = state.buffer("exp_avg_sq.heads", headV.length);
        m = newM;
        v = newV;
        headM = hm;
        headV = hv;
        steps = state.steps();
    }
}
