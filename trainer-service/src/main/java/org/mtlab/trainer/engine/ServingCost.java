package org.mtlab.trainer.engine;

import org.mtlab.core.contract.RunCost;
import org.mtlab.core.data.TaskData;

/**
 * Measures, at the end of a run, what its model costs to serve: the parameter count and the inference latency per
 * sample of a batched forward pass over (up to {@link #MAX_SAMPLES} samples of) the test split, after one warm-up pass,
 * the best of {@link #REPEATS} timed passes (the minimum is the least disturbed by other work on the machine). The
 * parameters stay on the device, as a serving process keeps them; each batch's inputs go up and its outputs come back.
 */
final class ServingCost {
    static final int BATCH = 1024;
    static final int MAX_SAMPLES = 4 * BATCH;
    static final int REPEATS = 5;

    private ServingCost() {
    }

    /**
     * @param trainingMs the run's training wall time, reported as it is
     * @param device     where the model ran
     */
    static RunCost measure(DeviceModel model, ai.djl.ndarray.NDManager runManager, TaskData.Split test, int dimension,
                           int tasks, long trainingMs, String device) {
        MlpLayout layout = model.layout();
        int samples = Math.min(MAX_SAMPLES, test.size());
        if (samples == 0) {
            return new RunCost(layout.totalSize(), trainingMs, 0, 0, device);
        }
        float[] x = new float[samples * dimension];
        for (int s = 0; s < samples; s++) {
            test.features(s, x, s * dimension);
        }
        float[][] out = new float[tasks][];
        for (int t = 0; t < tasks; t++) {
            // predict writes each batch at its own rows: room for every sample (a test split above BATCH overflowed)
            out[t] = new float[samples * layout.headOutputs(t)];
        }
        forward(model, runManager, x, samples, out); // warm-up: native code paths, allocator, caches
        long best = Long.MAX_VALUE;
        for (int r = 0; r < REPEATS; r++) {
            long t0 = System.nanoTime();
            forward(model, runManager, x, samples, out);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return new RunCost(layout.totalSize(), trainingMs, best / 1e3 / samples, Math.min(BATCH, samples), device);
    }

    private static void forward(DeviceModel model, ai.djl.ndarray.NDManager runManager, float[] x, int samples,
                                float[][] out) {
        for (int from = 0; from < samples; from += BATCH) {
            model.predict(runManager, x, from, Math.min(BATCH, samples - from), out);
        }
    }
}
