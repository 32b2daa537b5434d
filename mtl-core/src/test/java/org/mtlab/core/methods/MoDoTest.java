package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MoDoTest {
    private static final double[][] G = {{1, 0}, {0, 2}}; // Gram diag(1, 4)

    private static MethodResult step(MtlMethod method, long k) {
        return method.apply(StepInput.ofGradients(0, k, null, G));
    }

    @Test
    void firstStepByHand() {
        // λ0 = (½, ½); Gλ = (½, 2); λ − 1e-3 (Gλ + 0.1 λ) = (0.49945, 0.49795), sum 0.9974: both entries move up by
        // (1 − 0.9974)/2 = 0.0013 onto the simplex
        MethodResult first = step(new MoDo(), 0);
        assertArrayEquals(new double[] {0.50075, 0.49925}, first.weights(), 1e-14);
        assertArrayEquals(new double[] {0.50075, 2 * 0.49925}, first.combinedGradient(), 1e-14);
    }

    @Test
    void keepsItsWeightsAcrossStepsAndConvergesToTheRegularisedMinNormPoint() {
        MoDo method = new MoDo(0.05, 0.1);
        double[] first = step(method, 0).weights();
        double[] second = step(method, 1).weights();
        assertFalse(Arrays.equals(first, second), "the second step moves on from the first");
        assertArrayEquals(first, step(new MoDo(0.05, 0.1), 0).weights(), 0.0, "a fresh instance starts over");
        double[] last = second;
        for (int k = 2; k < 3000; k++) {
            last = step(method, k).weights();
        }
        // argmin over the simplex of ½ λᵀ(G + ρI)λ = ½(1.1 λ1² + 4.1 λ2²): λ1 = 4.1 / 5.2
        assertArrayEquals(new double[] {4.1 / 5.2, 1.1 / 5.2}, last, 1e-12);
    }

    @Test
    void staysOnTheSimplexWithConflictingGradients() {
        MoDo method = new MoDo(0.5, 0.1);
        double[][] g = {{1, 0, 0}, {-1, 0.1, 0}, {0, 0, 30}};
        for (int k = 0; k < 20; k++) {
            double[] w = method.apply(StepInput.ofGradients(0, k, null, g)).weights();
            double sum = 0;
            for (double v : w) {
                assertTrue(v >= 0, Arrays.toString(w));
                sum += v;
            }
            assertEquals(1.0, sum, 1e-12);
        }
    }
}
