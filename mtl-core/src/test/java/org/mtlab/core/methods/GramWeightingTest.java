package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GramWeightingTest {
    private static MethodResult run(MtlMethod method, double[][] gradients) {
        return method.apply(StepInput.ofGradients(0, 0, null, gradients));
    }

    private static double minNormFromGrid3(double[][] g) {
        double best = Double.POSITIVE_INFINITY;
        int steps = 300;
        for (int a = 0; a <= steps; a++) {
            for (int b = 0; a + b <= steps; b++) {
                double[] l = {a / (double) steps, b / (double) steps, (steps - a - b) / (double) steps};
                best = Math.min(best, Vec.norm(Vec.combination(g, l)));
            }
        }
        return best;
    }

    @Test
    void mgdaFindsTheMinNormHullPoint() {
        Random random = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            double[][] g = Vec.randomGradients(random, 3, 4);
            MethodResult result = run(new MGDA(), g);
            double norm = Vec.norm(result.combinedGradient());
            assertTrue(norm <= minNormFromGrid3(g) + 1e-12);
            assertArrayEquals(Vec.combination(g, result.weights()), result.combinedGradient(), 1e-12);
        }
        // orthogonal unit gradients: the midpoint
        assertArrayEquals(new double[] {0.5, 0.5}, run(new MGDA(), new double[][] {{1, 0}, {0, 1}}).weights(), 1e-12);
    }

    @Test
    void pcgradRemovesConflictingComponents() {
        double[] g1 = {1, 0};
        double[] g2 = {-1, 1};
        MethodResult result = run(PCGrad.fixedOrder(), new double[][] {g1, g2});
        // by hand: g1' = g1 − (g1·g2/‖g2‖²) g2 = (½, ½); g2' = g2 − (g2·g1/‖g1‖²) g1 = (0, 1)
        assertArrayEquals(new double[] {0.5, 1.5}, result.combinedGradient(), 1e-12);
        // non-conflicting gradients pass unchanged
        assertArrayEquals(new double[] {1, 1}, run(PCGrad.fixedOrder(), new double[][] {{1, 0}, {1, 1}}).weights(),
                1e-12);
    }

    @Property(tries = 100)
    void pcgradMatchesVectorSurgeryInFixedOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int tasks) {
        double[][] g = Vec.randomGradients(new Random(seed), tasks, 6);
        double[] expected = new double[6];
        for (int i = 0; i < tasks; i++) {
            double[] projected = g[i].clone();
            for (int j = 0; j < tasks; j++) {
                if (j != i && Vec.dot(projected, g[j]) < 0) {
                    projected = Vec.axpy(projected, -Vec.dot(projected, g[j]) / Vec.dot(g[j], g[j]), g[j]);
                }
            }
            expected = Vec.add(expected, projected);
        }
        assertArrayEquals(expected, run(PCGrad.fixedOrder(), g).combinedGradient(), 1e-9);
    }

    @Test
    void gradVacReachesItsTargetCosine() {
        GradVac method = new GradVac(0.5, 1);
        double[] g1 = {1, 0};
        double[] g2 = {0.6, 0.8}; // cos 0.6, no conflict: unchanged, targets become 0.3
        assertArrayEquals(new double[] {1.6, 0.8}, run(method, new double[][] {g1, g2}).combinedGradient(), 1e-12);
        // step 2: cos(g1, g2) = 0 < target 0.3, so g1 is moved to cosine exactly 0.3 with g2, and g2 likewise
        double[] h1 = {1, 0};
        double[] h2 = {0, 2};
        MethodResult result = run(method, new double[][] {h1, h2});
        double w = Math.sqrt(1 - 0.09);
        double[] adjusted1 = Vec.axpy(h1, 1 * 0.3 / (2 * w), h2);
        double[] adjusted2 = Vec.axpy(h2, 2 * 0.3 / (1 * w), h1);
        assertEquals(0.3, Vec.dot(adjusted1, h2) / (Vec.norm(adjusted1) * Vec.norm(h2)), 1e-12);
        assertArrayEquals(Vec.add(adjusted1, adjusted2), result.combinedGradient(), 1e-12);
    }

    @Test
    void cagradWithZeroCIsTheMeanGradient() {
        double[][] g = {{1, 0, 2}, {-1, 3, 0}, {0, 0, 1}};
        assertArrayEquals(Vec.mean(g), run(new CAGrad(0, 1), g).combinedGradient(), 1e-12);
    }

    @Property(tries = 40)
    void cagradMaximisesTheWorstTaskImprovementInItsBall(@ForAll long seed,
                                                         @ForAll @IntRange(min = 2, max = 3) int tasks) {
        Random random = new Random(seed);
        double[][] g = Vec.randomGradients(random, tasks, 3);
        double c = 0.5;
        double[] d = Vec.scale(run(new CAGrad(c, 0), g).combinedGradient(), 1.0); // rescale 0: the raw direction
        double[] g0 = Vec.mean(g);
        double radius = c * Vec.norm(g0);
        assertTrue(Vec.norm(Vec.axpy(d, -1, g0)) <= radius * (1 + 1e-9), "inside the ball");
        double worst = Double.POSITIVE_INFINITY;
        for (double[] gi : g) {
            worst = Math.min(worst, Vec.dot(gi, d));
        }
        // no sampled point of the ball (boundary directions) does better on the worst task
        for (int sample = 0; sample < 4000; sample++) {
            double[] u = Vec.randomGradients(random, 1, 3)[0];
            double[] candidate = Vec.axpy(g0, radius / Vec.norm(u), u);
            double candidateWorst = Double.POSITIVE_INFINITY;
            for (double[] gi : g) {
                candidateWorst = Math.min(candidateWorst, Vec.dot(gi, candidate));
            }
            assertTrue(candidateWorst <= worst + 1e-7 * (1 + Math.abs(worst)), candidateWorst + " > " + worst);
        }
        // the default rescale divides by 1 + c²
        assertArrayEquals(Vec.scale(d, 1 / 1.25), run(new CAGrad(), g).combinedGradient(), 1e-9);
    }

    @Property(tries = 100)
    void imtlGHasEqualProjectionsOnEveryUnitGradient(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int tasks) {
        double[][] g = Vec.randomGradients(new Random(seed), tasks, 8);
        MethodResult result = run(new IMTL_G(), g);
        double sum = 0;
        for (double w : result.weights()) {
            sum += w;
        }
        assertEquals(1.0, sum, 1e-9);
        double first = Vec.dot(result.combinedGradient(), g[0]) / Vec.norm(g[0]);
        for (double[] gi : g) {
            assertEquals(first, Vec.dot(result.combinedGradient(), gi) / Vec.norm(gi), 1e-7 * (1 + Math.abs(first)));
        }
    }

    @Test
    void imtlGTwoTaskClosedFormAndDegenerateCases() {
        // g1 = (2,0), g2 = (0,1): equal projections onto e1, e2 need 2α1 = α2 with α1 + α2 = 1
        assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3}, run(new IMTL_G(), new double[][] {{2, 0}, {0, 1}}).weights(),
                1e-12);
        assertArrayEquals(new double[] {1}, run(new IMTL_G(), new double[][] {{3, 4}}).weights(), 0.0);
        double[] identical = run(new IMTL_G(), new double[][] {{1, 2}, {1, 2}}).combinedGradient();
        assertArrayEquals(new double[] {1, 2}, identical, 1e-12);
        assertArrayEquals(new double[] {1, 0}, run(new IMTL_G(), new double[][] {{1, 2}, {0, 0}}).weights(), 0.0);
    }

    @Property(tries = 100)
    void nashMtlSolvesTheBargainingCondition(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int tasks) {
        double[][] g = Vec.randomGradients(new Random(seed), tasks, 8);
        MethodResult unclipped = run(new NashMTL(0, 1), g);
        double[] alpha = unclipped.weights();
        double[] d = unclipped.combinedGradient();
        for (int i = 0; i < tasks; i++) {
            assertTrue(alpha[i] > 0);
            assertEquals(1 / alpha[i], Vec.dot(g[i], d), 1e-6 / alpha[i], "g_iᵀd = 1/α_i");
        }
        assertEquals(tasks, Vec.dot(d, d), 1e-6 * tasks);
        MethodResult clipped = run(new NashMTL(), g);
        assertTrue(Vec.norm(clipped.combinedGradient()) <= 1.0 + 1e-12);
    }

    @Test
    void nashMtlOrthogonalClosedForm() {
        // orthogonal gradients: α_t = 1/‖g_t‖, d = Σ unit vectors with norm √2, clipped to 1
        double[][] g = {{2, 0}, {0, 1}};
        assertArrayEquals(new double[] {0.5, 1.0}, run(new NashMTL(0, 1), g).weights(), 1e-9);
        MethodResult clipped = run(new NashMTL(), g);
        assertArrayEquals(new double[] {0.5 / Math.sqrt(2), 1.0 / Math.sqrt(2)}, clipped.weights(), 1e-9);
        assertEquals(1.0, Vec.norm(clipped.combinedGradient()), 1e-9);
    }

    @Property(tries = 60)
    void fairGradSolvesTheAlphaFairCondition(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int tasks) {
        double[][] g = Vec.randomGradients(new Random(seed), tasks, 8);
        double[][] gram = Vec.gram(g);
        for (double alpha : new double[] {0.5, 1.0, 2.0}) {
            double[] w = run(new FairGrad(alpha), g).weights();
            for (int i = 0; i < tasks; i++) {
                double target = Math.pow(w[i], -1 / alpha);
                assertEquals(target, Vec.dot(gram[i], w), 1e-6 * target);
            }
        }
    }

    @Test
    void fairGradOrthogonalClosedForm() {
        // diagonal G: w_t = G_tt^{-α/(α+1)}
        double[] w = run(new FairGrad(2.0), new double[][] {{2, 0}, {0, 3}}).weights();
        assertArrayEquals(new double[] {Math.pow(4, -2.0 / 3), Math.pow(9, -2.0 / 3)}, w, 1e-9);
    }

    @Test
    void alignedMtlOrthogonalClosedFormAndWhitening() {
        // orthogonal gradients with norms 2 and 1: w_t = σ_min / ‖g_t‖
        assertArrayEquals(new double[] {0.5, 1.0}, run(new AlignedMTL(), new double[][] {{2, 0}, {0, 1}}).weights(),
                1e-12);
        Random random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            double[][] g = Vec.randomGradients(random, 3, 5);
            MethodResult result = run(new AlignedMTL(), g);
            double lambdaMin = Linalg.symmetricEigen(Vec.gram(g)).values()[0];
            for (double v : Linalg.symmetricEigen(Vec.gram(g)).values()) {
                lambdaMin = Math.min(lambdaMin, v);
            }
            // aligned gradients B·J have Gram λ_min·I, so ‖Σ_t (BJ)_t‖² = T·λ_min
            assertEquals(3 * lambdaMin, Vec.dot(result.combinedGradient(), result.combinedGradient()),
                    1e-8 * (1 + lambdaMin));
        }
    }

    @Test
    void upgradTwoTaskClosedForm() {
        double[] g1 = {1, 0};
        double[] g2 = {-1, 2};
        double g12 = Vec.dot(g1, g2);
        double[] p1 = Vec.axpy(g1, -g12 / Vec.dot(g2, g2), g2);
        double[] p2 = Vec.axpy(g2, -g12 / Vec.dot(g1, g1), g1);
        double[] expected = Vec.scale(Vec.add(p1, p2), 0.5);
        assertArrayEquals(expected, run(new UPGrad(0, 0), new double[][] {g1, g2}).combinedGradient(), 1e-12);
        // non-conflicting gradients: UPGrad is the mean gradient
        double[][] agreeing = {{1, 0}, {1, 1}, {0, 2}};
        assertArrayEquals(Vec.mean(agreeing), run(new UPGrad(0, 0), agreeing).combinedGradient(), 1e-12);
    }

    @Test
    void dualProjTwoTaskClosedForm() {
        double[] g1 = {1, 0};
        double[] g2 = {-3, 1};
        double[] mean = Vec.mean(new double[][] {g1, g2});
        double[] expected = Vec.axpy(mean, -Vec.dot(mean, g1) / Vec.dot(g1, g1), g1); // mean conflicts with g1 only
        assertArrayEquals(expected, run(new DualProj(0, 0), new double[][] {g1, g2}).combinedGradient(), 1e-12);
    }

    @Property(tries = 150, seed = "20261129") // seeded: the regularised bound below is empirical, see the closing note
    void dualConeMethodsNeverConflict(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int tasks,
                                      @ForAll @IntRange(min = 1, max = 8) int dims) {
        double[][] g = Vec.awkwardGradients(new Random(seed), tasks, dims);
        for (MtlMethod method : new MtlMethod[] {new UPGrad(0, 0), new DualProj(0, 0)}) {
            double[] d = run(method, g).combinedGradient();
            for (double[] gi : g) {
                assertTrue(Vec.dot(gi, d) >= -1e-9 * Vec.norm(gi) * (1 + Vec.norm(d)),
                        method.info().name() + " conflicts: " + Vec.dot(gi, d));
            }
        }
        // with TorchJD's default regularisation the conflict is at most of order ε_reg relative
        double trace = 0;
        for (double[] gi : g) {
            trace += Vec.dot(gi, gi);
        }
        double[] weights = run(new UPGrad(), g).weights();
        double[] d = Vec.combination(g, weights);
        double weightScale = 0;
        for (double w : weights) {
            weightScale = Math.max(weightScale, Math.abs(w));
        }
        for (double[] gi : g) {
            assertTrue(Vec.dot(gi, d) >= -2e-4 * trace * weightScale - 1e-12);
        }
    }

    @Test
    void scaleBehaviour() {
        double[][] g = {{1, 0.5}, {-0.3, 2}};
        double[][] big = {Vec.scale(g[0], 10), Vec.scale(g[1], 10)};
        // MGDA and IMTL-G weights are scale-free; their combined gradient scales with the gradients
        assertArrayEquals(run(new MGDA(), g).weights(), run(new MGDA(), big).weights(), 1e-12);
        assertArrayEquals(run(new IMTL_G(), g).weights(), run(new IMTL_G(), big).weights(), 1e-12);
        // UPGrad works on the trace-normalised Gram: weights are scale-free too
        assertArrayEquals(run(new UPGrad(), g).weights(), run(new UPGrad(), big).weights(), 1e-9);
        // Nash-MTL: Gα = 1/α, so α scales as 1/10 and the combined gradient is scale-free
        assertArrayEquals(Vec.scale(run(new NashMTL(0, 1), g).weights(), 0.1), run(new NashMTL(0, 1), big).weights(),
                1e-9);
        assertArrayEquals(run(new NashMTL(0, 1), g).combinedGradient(), run(new NashMTL(0, 1), big).combinedGradient(),
                1e-9);
        // FairGrad (α = 1) uses the raw Gram: G w = 1/w, so w scales as 1/10
        assertArrayEquals(Vec.scale(run(new FairGrad(), g).weights(), 0.1), run(new FairGrad(), big).weights(), 1e-9);
        // scaling one task only: MGDA's combined gradient is unchanged when the larger gradient grows further
        double[][] aligned = {{1, 0}, {3, 0}};
        double[][] alignedBigger = {{1, 0}, {30, 0}};
        assertArrayEquals(run(new MGDA(), aligned).combinedGradient(), run(new MGDA(), alignedBigger).combinedGradient(),
                1e-12);
    }
}
