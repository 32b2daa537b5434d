package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SDMGradTest {
    private static MethodResult run(MtlMethod method, double[][] g) {
        return method.apply(StepInput.ofGradients(0, 0, null, g));
    }

    /** Two tasks: min over w ∈ [0,1] of ‖w a + (1−w) b‖², a = g1 + λg0, b = g2 + λg0, in closed form. */
    @Property(tries = 100)
    void twoTaskClosedForm(@ForAll long seed) {
        double[][] g = Vec.randomGradients(new Random(seed), 2, 5);
        double lambda = 0.3;
        double[] g0 = Vec.mean(g);
        double[] a = Vec.axpy(g[0], lambda, g0);
        double[] b = Vec.axpy(g[1], lambda, g0);
        double[] difference = Vec.axpy(a, -1, b);
        double w = Math.max(0, Math.min(1, -Vec.dot(b, difference) / Vec.dot(difference, difference)));
        double[] expected = Vec.scale(Vec.add(Vec.combination(g, new double[] {w, 1 - w}), Vec.scale(g0, lambda)),
                1 / (1 + lambda));
        assertArrayEquals(expected, run(new SDMGrad(), g).combinedGradient(), 1e-9);
    }

    @Test
    void noBetterPointOnAGridOfTheSimplexForThreeTasks() {
        Random random = new Random(11);
        for (int trial = 0; trial < 10; trial++) {
            double[][] g = Vec.randomGradients(random, 3, 4);
            double lambda = 0.3;
            double[] g0 = Vec.mean(g);
            double[] d = run(new SDMGrad(lambda), g).combinedGradient();
            double achieved = Vec.norm(Vec.scale(d, 1 + lambda)); // ‖Σ w g + λ g0‖
            int steps = 200;
            for (int i = 0; i <= steps; i++) {
                for (int j = 0; i + j <= steps; j++) {
                    double[] w = {i / (double) steps, j / (double) steps, (steps - i - j) / (double) steps};
                    double candidate = Vec.norm(Vec.axpy(Vec.combination(g, w), lambda, g0));
                    assertTrue(achieved <= candidate + 1e-12, achieved + " > " + candidate);
                }
            }
        }
    }

    @Test
    void lambdaZeroIsMgdaAndLargeLambdaApproachesTheMean() {
        double[][] g = {{1, 0.5, 0}, {-0.3, 2, 1}, {0, -1, 0.2}};
        assertArrayEquals(run(new MGDA(), g).weights(), run(new SDMGrad(0), g).weights(), 1e-12);
        double[] nearMean = run(new SDMGrad(1e6), g).weights();
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, nearMean, 1e-5);
        SDMGrad method = new SDMGrad();
        assertArrayEquals(run(method, g).weights(), run(method, g).weights(), 0.0, "stateless");
    }
}
