package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class QuadraticProgramsTest {

    /** Minimum of λᵀGλ over a simplex grid with the given number of steps per unit (T = 3). */
    private static double gridMinimum3(double[][] g, int steps) {
        double best = Double.POSITIVE_INFINITY;
        for (int a = 0; a <= steps; a++) {
            for (int b = 0; a + b <= steps; b++) {
                double[] l = {a / (double) steps, b / (double) steps, (steps - a - b) / (double) steps};
                double value = 0;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        value += l[i] * g[i][j] * l[j];
                    }
                }
                best = Math.min(best, value);
            }
        }
        return best;
    }

    private static double quad(double[][] g, double[] x) {
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                v += x[i] * g[i][j] * x[j];
            }
        }
        return v;
    }

    @Test
    void minNormMatchesFineSimplexGrid() {
        Random random = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            double[][] g = Vec.gram(Vec.randomGradients(random, 3, 1 + trial % 5));
            double[] lambda = QuadraticPrograms.minNormWeights(g);
            double solverValue = quad(g, lambda);
            double gridValue = gridMinimum3(g, 300);
            // exact optimum: never above the grid, and the grid (step 1/300) comes close to it from above
            assertTrue(solverValue <= gridValue + 1e-12, solverValue + " > " + gridValue);
            assertTrue(gridValue - solverValue <= 1e-3 * (1 + gridValue), "grid far below? " + gridValue);
        }
    }

    @Test
    void twoTaskClosedForm() {
        double[] g1 = {1, 0};
        double[] g2 = {0.2, 2};
        // λ1 = (g2 − g1)·g2 / ‖g1 − g2‖², clipped to [0, 1]
        double[] diff = Vec.axpy(g2, -1, g1);
        double expected = Math.max(0, Math.min(1, Vec.dot(diff, g2) / Vec.dot(diff, diff)));
        double[] lambda = QuadraticPrograms.minNormWeights(Vec.gram(new double[][] {g1, g2}));
        assertArrayEquals(new double[] {expected, 1 - expected}, lambda, 1e-12);
        // one gradient inside the other's shadow: the shorter one is the answer
        assertArrayEquals(new double[] {1, 0},
                QuadraticPrograms.minNormWeights(Vec.gram(new double[][] {{1, 0}, {3, 1}})), 1e-12);
    }

    @Property(tries = 300)
    void minNormSatisfiesOptimalityConditions(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int tasks,
                                              @ForAll @IntRange(min = 1, max = 8) int dims) {
        Random random = new Random(seed);
        double[][] gradients = Vec.awkwardGradients(random, tasks, dims);
        double[][] g = Vec.gram(gradients);
        double[] lambda = QuadraticPrograms.minNormWeights(g);
        double sum = 0;
        for (double l : lambda) {
            assertTrue(l >= 0 && Double.isFinite(l));
            sum += l;
        }
        assertEquals(1.0, sum, 1e-12);
        // KKT of min ‖Jᵀλ‖² on the simplex: g_iᵀp ≥ ‖p‖² for every i, p the hull point
        double[] p = Vec.combination(gradients, lambda);
        double pp = Vec.dot(p, p);
        double scale = 0;
        for (int i = 0; i < tasks; i++) {
            scale = Math.max(scale, g[i][i]);
        }
        for (int i = 0; i < tasks; i++) {
            assertTrue(Vec.dot(gradients[i], p) >= pp - 1e-9 * (1 + scale),
                    "task " + i + " sees " + Vec.dot(gradients[i], p) + " < " + pp);
        }
    }

    @Property(tries = 300)
    void nonNegativeSatisfiesOptimalityConditions(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int n,
                                                  @ForAll @IntRange(min = 1, max = 8) int dims) {
        Random random = new Random(seed);
        double[][] a = Vec.gram(Vec.awkwardGradients(random, n, dims));
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = random.nextGaussian();
        }
        double[] b = new double[n]; // b = A u keeps the problem bounded
        for (int i = 0; i < n; i++) {
            b[i] = Vec.dot(a[i], u);
        }
        double[] x = QuadraticPrograms.nonNegative(a, b);
        for (int i = 0; i < n; i++) {
            double gradient = Vec.dot(a[i], x) + b[i];
            // rounding in the gradient is relative to the size of the terms summed, not of the result
            double magnitude = Math.abs(b[i]);
            for (int j = 0; j < n; j++) {
                magnitude += Math.abs(a[i][j] * x[j]);
            }
            assertTrue(x[i] >= 0, "feasible");
            assertTrue(gradient >= -1e-9 * magnitude, "dual feasible: " + gradient + " vs terms " + magnitude);
            assertTrue(Math.abs(x[i] * gradient) <= 1e-9 * x[i] * magnitude, "complementary slackness");
        }
    }

    @Test
    void projectedWeightsNeverConflictAndDegenerateCasesAreDefined() {
        double[][] opposite = Vec.gram(new double[][] {{1, 0}, {-1, 0}});
        double[] v = QuadraticPrograms.projectWeights(opposite, new double[] {1, 0});
        // the only non-conflicting direction along ±e1 is zero: v1 = v2
        assertEquals(v[0], v[1], 1e-12);
        assertTrue(v[0] >= 1 - 1e-12);
        assertArrayEquals(new double[] {0.5, 0.5}, QuadraticPrograms.minNormWeights(opposite), 1e-12);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
                QuadraticPrograms.minNormWeights(new double[3][3]), 0.0);
        assertArrayEquals(new double[] {1}, QuadraticPrograms.minNormWeights(new double[][] {{4}}), 0.0);
        double[] identical = QuadraticPrograms.minNormWeights(Vec.gram(new double[][] {{1, 2}, {1, 2}}));
        assertEquals(1.0, identical[0] + identical[1], 1e-12);
    }

    @Test
    void paretoStationarity() {
        assertEquals(0.0, ParetoStationarity.fromGram(Vec.gram(new double[][] {{1, 2}, {-2, -4}})), 1e-12);
        assertEquals(5.0, ParetoStationarity.fromGram(new double[][] {{25}}), 1e-12);
        assertEquals(Math.sqrt(0.5), ParetoStationarity.fromGram(new double[][] {{1, 0}, {0, 1}}), 1e-12);
        // aligned gradients: the shorter one
        assertEquals(1.0, ParetoStationarity.fromGram(Vec.gram(new double[][] {{1, 0}, {3, 0}})), 1e-12);
    }
}
