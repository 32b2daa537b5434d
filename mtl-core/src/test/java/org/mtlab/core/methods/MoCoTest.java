package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MoCoTest {
    /** One MoCo step written out with plain vector arithmetic; the projection is a shift while both stay positive. */
    private static double[] expectedStep(double[][] y, double[] lambda, double[][] g, double[] losses, int k) {
        double beta = 0.5 / Math.sqrt(k);
        for (int t = 0; t < 2; t++) {
            double[] h = Vec.scale(g[t], losses[t] / (Vec.norm(g[t]) + 1e-8));
            y[t] = Vec.axpy(y[t], -beta, Vec.axpy(y[t], -1, h));
        }
        double[][] yy = Vec.gram(y);
        double gamma = 0.1 / Math.sqrt(k);
        double[] moved = new double[2];
        for (int t = 0; t < 2; t++) {
            moved[t] = lambda[t] - gamma * (yy[t][0] * lambda[0] + yy[t][1] * lambda[1]);
        }
        double shift = (1 - moved[0] - moved[1]) / 2;
        assertTrue(moved[0] + shift > 0 && moved[1] + shift > 0, "the example stays inside the simplex");
        return new double[] {moved[0] + shift, moved[1] + shift};
    }

    @Test
    void firstTwoStepsByHand() {
        MoCo method = new MoCo();
        double[] losses = {1, 2};
        // step 1 (β = ½, γ = 0.1): h ≈ (1,0) and (0,2), y = ½h; YYᵀλ0 ≈ (⅛, ½): λ ≈ (0.51875, 0.48125)
        double[][] g1 = {{3, 0}, {0, 0.5}};
        MethodResult first = method.apply(StepInput.ofGradients(0, 0, losses, g1));
        double[][] y = new double[2][2];
        double[] lambda = expectedStep(y, new double[] {0.5, 0.5}, g1, losses, 1);
        assertArrayEquals(new double[] {0.51875, 0.48125}, lambda, 1e-8);
        assertArrayEquals(lambda, first.weights(), 1e-12);
        assertArrayEquals(Vec.combination(y, lambda), first.combinedGradient(), 1e-12);
        // step 2 (β = ½/√2, γ = 0.1/√2): the tracked gradients move part of the way towards the new ones
        double[][] g2 = {{0, 4}, {7, 0}};
        MethodResult second = method.apply(StepInput.ofGradients(0, 1, losses, g2));
        lambda = expectedStep(y, lambda, g2, losses, 2);
        assertArrayEquals(lambda, second.weights(), 1e-12);
        assertArrayEquals(Vec.combination(y, lambda), second.combinedGradient(), 1e-12);
        assertArrayEquals(y[0], method.trackedGradients()[0], 1e-15);
    }

    @Test
    void withSteadyGradientsItTracksThemAndReachesTheMinNormPointOfTheLossScaledUnitGradients() {
        MoCo method = new MoCo();
        double[][] g = {{3, 0}, {0, 5}};
        double[] losses = {1, 2}; // h = (1,0), (0,2): the min-norm hull point has λ = (0.8, 0.2)
        MethodResult result = null;
        for (int k = 0; k < 20_000; k++) {
            result = method.apply(StepInput.ofGradients(0, k, losses, g));
        }
        assertArrayEquals(new double[] {1, 0}, method.trackedGradients()[0], 1e-8);
        assertArrayEquals(new double[] {0.8, 0.2}, result.weights(), 1e-6);
        assertArrayEquals(new double[] {0.8, 0.4}, result.combinedGradient(), 1e-6);
    }

    @Test
    void deterministicAndRefusesAChangeOfCoordinates() {
        Random random = new Random(4);
        MoCo a = new MoCo();
        MoCo b = new MoCo();
        for (int k = 0; k < 5; k++) {
            double[][] g = Vec.randomGradients(random, 3, 6);
            double[] losses = {0.5, 1, 2};
            assertArrayEquals(a.apply(StepInput.ofGradients(0, k, losses, g)).combinedGradient(),
                    b.apply(StepInput.ofGradients(0, k, losses, g)).combinedGradient(), 0.0);
        }
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> a.apply(
                StepInput.ofGradients(0, 5, new double[] {1, 1, 1}, new double[3][4])));
        assertEquals(true, error.getMessage().contains("parameters"), error.getMessage());
    }
}
