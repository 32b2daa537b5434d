package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GradientAggregationTest {

    @Test
    void dbMtlHandWorkedOverTwoSteps() {
        DB_MTL method = new DB_MTL();
        // step 1: log-scaled gradients g/L = (2,0) and (0,0.5); buffers = 0.1·those
        MethodResult first = method.apply(StepInput.ofGradients(0, 0, new double[] {1, 2},
                new double[][] {{2, 0}, {0, 1}}));
        double l0 = 1 + 1e-8;
        double l1 = 2 + 1e-8;
        double[] b0 = {0.1 * 2 / l0, 0};
        double[] b1 = {0, 0.1 * 1 / l1};
        double largest = Math.max(Vec.norm(b0), Vec.norm(b1));
        double a0 = largest / (Vec.norm(b0) + 1e-8);
        double a1 = largest / (Vec.norm(b1) + 1e-8);
        assertArrayEquals(new double[] {a0, a1}, first.weights(), 1e-12);
        assertArrayEquals(Vec.add(Vec.scale(b0, a0), Vec.scale(b1, a1)), first.combinedGradient(), 1e-12);
        // step 2: buffers = 0.9·old + 0.1·new
        MethodResult second = method.apply(StepInput.ofGradients(0, 1, new double[] {1, 1},
                new double[][] {{0, 1}, {1, 1}}));
        double[] c0 = Vec.add(Vec.scale(b0, 0.9), Vec.scale(new double[] {0, 1 / l0}, 0.1));
        double[] c1 = Vec.add(Vec.scale(b1, 0.9), Vec.scale(new double[] {1 / l0, 1 / l0}, 0.1));
        double top = Math.max(Vec.norm(c0), Vec.norm(c1));
        double[] expected = Vec.add(Vec.scale(c0, top / (Vec.norm(c0) + 1e-8)), Vec.scale(c1, top / (Vec.norm(c1) + 1e-8)));
        assertArrayEquals(expected, second.combinedGradient(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> method.apply(StepInput.ofGradients(0, 2,
                new double[] {1, 1}, new double[][] {{0, 1, 2}, {1, 1, 2}})));
    }

    @Test
    void gradDropKeepsEverythingWhenSignsAgree() {
        double[][] g = {{1, -2, 0.5}, {3, -1, 0.25}};
        MethodResult result = new GradDrop(7).apply(StepInput.ofGradients(0, 0, null, g));
        assertArrayEquals(new double[] {4, -3, 0.75}, result.combinedGradient(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, result.weights(), 1e-12);
    }

    @Property(tries = 100)
    void gradDropPicksOneSignPerCoordinate(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int tasks) {
        double[][] g = Vec.randomGradients(new Random(seed), tasks, 20);
        double[] combined = new GradDrop(seed).apply(StepInput.ofGradients(0, 0, null, g)).combinedGradient();
        for (int k = 0; k < 20; k++) {
            double positive = 0;
            double negative = 0;
            for (double[] row : g) {
                positive += Math.max(0, row[k]);
                negative += Math.min(0, row[k]);
            }
            double value = combined[k];
            assertTrue(Math.abs(value - positive) < 1e-12 || Math.abs(value - negative) < 1e-12,
                    "coordinate " + k + " mixes signs");
        }
        double[] again = new GradDrop(seed).apply(StepInput.ofGradients(0, 0, null, g)).combinedGradient();
        assertArrayEquals(combined, again, 0.0);
        // leak 1 keeps everything: plain sum
        double[] leaked = new GradDrop(1.0, seed).apply(StepInput.ofGradients(0, 0, null, g)).combinedGradient();
        double[] sum = new double[20];
        for (double[] row : g) {
            sum = Vec.add(sum, row);
        }
        assertArrayEquals(sum, leaked, 1e-12);
    }

    @Test
    void gradientMethodsRejectStepsWithoutGradients() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new GradDrop(0).apply(StepInput.ofGram(0, 0, null, new double[][] {{1}})));
        assertTrue(error.getMessage().contains("GRADIENTS"));
        assertThrows(IllegalArgumentException.class,
                () -> new MGDA().apply(StepInput.ofLosses(0, 0, new double[] {1})));
        assertEquals(MethodKind.GRADIENT_AGGREGATION, new DB_MTL().info().kind());
    }
}
