package org.mtlab.trainer.engine;

import java.util.Locale;

/**
 * Turns the per-task gradients of the shared parameters into the one gradient the optimizer applies. The seam where
 * weighting and aggregation methods plug in; task heads always get their own task's raw gradient (LibMTL's
 * convention: aggregation changes only the shared gradient).
 */
interface Aggregation {

    /** Names this trainer accepts: {@code ew} (equal weighting) and {@code stl} (a single-task run). */
    String KNOWN = "[ew, stl]";

    /**
     * Writes the combined shared gradient into {@code combined} (length of the shared prefix) and returns the weight
     * applied to each task.
     */
    float[] combine(float[] losses, float[][] taskGradients, float[] combined);

    static Aggregation forMethod(String method, int tasks) {
        String name = method == null ? "" : method.toLowerCase(Locale.ROOT);
        return switch (name) {
            case "ew" -> new EqualWeighting(tasks);
            case "stl" -> {
                if (tasks != 1) {
                    throw new IllegalArgumentException("method 'stl' trains exactly one task, the run has " + tasks);
                }
                yield new EqualWeighting(1);
            }
            default -> throw new IllegalArgumentException("unsupported method '" + method + "'; this trainer knows " + KNOWN);
        };
    }

    /** EW: weight 1 per task, the losses summed (as LibMTL's EW does), so the shared gradient is Σ_t g_t. */
    final class EqualWeighting implements Aggregation {
        private final float[] weights;

        EqualWeighting(int tasks) {
            weights = new float[tasks];
            java.util.Arrays.fill(weights, 1f);
        }

        @Override
        public float[] combine(float[] losses, float[][] taskGradients, float[] combined) {
            java.util.Arrays.fill(combined, 0f);
            for (float[] g : taskGradients) {
                for (int k = 0; k < combined.length; k++) {
                    combined[k] += g[k];
                }
            }
            return weights.clone();
        }
    }
}
