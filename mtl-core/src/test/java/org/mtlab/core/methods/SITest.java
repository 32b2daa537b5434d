package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SITest {
    @Test
    void weightsAreTheDerivativesOfTheSumOfLogLosses() {
        double[] losses = {0.5, 2.0, 7.5};
        double[] weights = new SI().apply(StepInput.ofLosses(0, 0, losses)).weights();
        for (int t = 0; t < losses.length; t++) {
            double h = 1e-6 * losses[t];
            double[] up = losses.clone();
            double[] down = losses.clone();
            up[t] += h;
            down[t] -= h;
            double numeric = (sumOfLogs(up) - sumOfLogs(down)) / (2 * h);
            assertEquals(numeric, weights[t], 1e-6 * Math.abs(numeric));
        }
    }

    @Test
    void everyWeightedLossIsOneWhateverTheLossScale() {
        double[] small = new SI().apply(StepInput.ofLosses(0, 0, new double[] {0.01, 3})).weights();
        assertArrayEquals(new double[] {100, 1.0 / 3}, small, 1e-12);
        double[][] g = {{1, 2}, {3, 4}};
        MethodResult result = new SI().apply(StepInput.ofGradients(0, 0, new double[] {2, 4}, g));
        assertArrayEquals(new double[] {0.5 + 0.75, 1 + 1}, result.combinedGradient(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new SI().apply(StepInput.ofLosses(0, 0, new double[] {1, 0})));
    }

    private static double sumOfLogs(double[] losses) {
        double sum = 0;
        for (double l : losses) {
            sum += Math.log(l);
        }
        return sum;
    }
}
