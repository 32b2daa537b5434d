package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExcessMTLTest {
    private static MethodResult step(MtlMethod method, long k, double[][] g) {
        return method.apply(StepInput.ofGradients(0, k, new double[] {1, 1}, g));
    }

    @Test
    void twoStepsByHand() {
        ExcessMTL method = new ExcessMTL();
        // step 1: H = g², e_t = Σ g²/√(g² + 1e-7); weights stay 1, e becomes the reference
        double[][] first = {{2, 0}, {1, 1}};
        MethodResult one = step(method, 0, first);
        assertArrayEquals(new double[] {1, 1}, one.weights(), 0.0);
        assertArrayEquals(new double[] {3, 1}, one.combinedGradient(), 0.0);
        double e1 = 4 / Math.sqrt(4 + 1e-7);
        double e2 = 2 / Math.sqrt(1 + 1e-7);
        // step 2: H = (4+1, 0+0) and (1+0, 1+9)
        double[][] second = {{1, 0}, {0, 3}};
        double f1 = 1 / Math.sqrt(5 + 1e-7);
        double f2 = 9 / Math.sqrt(10 + 1e-7);
        double w1 = Math.exp(0.01 * f1 / e1);
        double w2 = Math.exp(0.01 * f2 / e2);
        double[] expected = {2 * w1 / (w1 + w2), 2 * w2 / (w1 + w2)};
        MethodResult two = step(method, 1, second);
        assertArrayEquals(expected, two.weights(), 1e-14);
        assertArrayEquals(new double[] {expected[0], 3 * expected[1]}, two.combinedGradient(), 1e-14);
        assertTrue(expected[1] > 1, "the task with the larger relative excess risk gains weight");
    }

    @Test
    void weightsKeepSummingToTheTaskCountAndAZeroFirstGradientStaysFinite() {
        ExcessMTL method = new ExcessMTL(5.0);
        double[][] g = {{0, 0, 0}, {1, -2, 0.5}, {1e3, 0, 1}};
        for (int k = 0; k < 50; k++) {
            double[] w = method.apply(StepInput.ofGradients(0, k, null, g)).weights();
            assertEquals(3.0, w[0] + w[1] + w[2], 1e-9);
            assertTrue(Vec.allFinite(w));
            g[0][0] = 1; // task 0 gets a gradient from the second step on: its reference is taken then
        }
        assertThrows(IllegalArgumentException.class, () -> method.apply(StepInput.ofGradients(0, 50, null,
                new double[3][2])));
    }
}
