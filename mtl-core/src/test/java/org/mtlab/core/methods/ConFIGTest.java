package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ConFIGTest {
    private static MethodResult run(double[][] g) {
        return new ConFIG().apply(StepInput.ofGradients(0, 0, null, g));
    }

    @Test
    void twoTasksGoAlongTheBisectorOfTheUnitGradients() {
        // u1 = (1,0), u2 = (0,1): bisector b = (1,1)/√2; length (g1 + g2)·b = 3/√2; update (3/2)(1,1)
        MethodResult result = run(new double[][] {{2, 0}, {0, 1}});
        assertArrayEquals(new double[] {1.5, 1.5}, result.combinedGradient(), 1e-12);
        assertArrayEquals(new double[] {0.75, 1.5}, result.weights(), 1e-12);
        // conflicting: g1 = (1,0), g2 = (−1,1)·3: unit bisector of (1,0) and (−1,1)/√2
        double[] u2 = {-1 / Math.sqrt(2), 1 / Math.sqrt(2)};
        double[] bisector = Vec.add(new double[] {1, 0}, u2);
        bisector = Vec.scale(bisector, 1 / Vec.norm(bisector));
        double[][] g = {{1, 0}, {-3, 3}};
        double length = Vec.dot(Vec.add(g[0], g[1]), bisector);
        assertArrayEquals(Vec.scale(bisector, length), run(g).combinedGradient(), 1e-12);
    }

    /** The defining property: the same positive projection on every unit task gradient, with ‖d‖² = Σ g_tᵀd. */
    @Property(tries = 200)
    void equalPositiveProjectionOnEveryNormalisedGradient(@ForAll long seed,
                                                           @ForAll @IntRange(min = 1, max = 6) int tasks) {
        Random random = new Random(seed);
        double[][] g = Vec.randomGradients(random, tasks, 8);
        for (double[] row : g) {
            double scale = Math.pow(10, 3 * random.nextDouble() - 1.5); // norms spread over three decades
            for (int k = 0; k < row.length; k++) {
                row[k] *= scale;
            }
        }
        double[] d = run(g).combinedGradient();
        double first = Vec.dot(d, g[0]) / Vec.norm(g[0]);
        assertTrue(first > 0, "positive projection: " + first);
        double sumOfProjections = 0;
        for (double[] gi : g) {
            assertEquals(first, Vec.dot(d, gi) / Vec.norm(gi), 1e-8 * first);
            sumOfProjections += Vec.dot(d, gi);
        }
        assertEquals(Vec.dot(d, d), sumOfProjections, 1e-9 * sumOfProjections);
    }

    @Test
    void directionIgnoresGradientScalesAndZeroGradientsGetNoWeight() {
        double[][] g = {{1, 0.5, 0}, {-0.3, 2, 1}, {0, -1, 0.2}};
        double[][] rescaled = {Vec.scale(g[0], 100), g[1], Vec.scale(g[2], 0.01)};
        double[] d = run(g).combinedGradient();
        double[] e = run(rescaled).combinedGradient();
        assertArrayEquals(Vec.scale(d, 1 / Vec.norm(d)), Vec.scale(e, 1 / Vec.norm(e)), 1e-12);
        MethodResult withZero = run(new double[][] {{2, 0}, {0, 0}, {0, 1}});
        assertEquals(0.0, withZero.weights()[1], 0.0);
        assertArrayEquals(new double[] {1.5, 1.5}, withZero.combinedGradient(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, run(new double[][] {{0, 0}, {0, 0}}).weights(), 0.0);
    }
}
