package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LossWeightingTest {
    private static StepInput losses(int epoch, double... values) {
        return StepInput.ofLosses(epoch, 0, values);
    }

    /** Central finite difference of a scalar objective of the losses: the weight a loss receives in backprop. */
    private static double[] numericWeights(Function<double[], Double> objective, double[] losses) {
        double[] out = new double[losses.length];
        for (int t = 0; t < losses.length; t++) {
            double h = 1e-6 * losses[t];
            double[] up = losses.clone();
            double[] down = losses.clone();
            up[t] += h;
            down[t] -= h;
            out[t] = (objective.apply(up) - objective.apply(down)) / (2 * h);
        }
        return out;
    }

    @Test
    void ewSumsLossesAndGradients() {
        double[][] g = {{1, 2}, {3, -1}, {0, 5}};
        MethodResult result = new EW().apply(StepInput.ofGradients(0, 0, new double[] {1, 2, 3}, g));
        assertArrayEquals(new double[] {1, 1, 1}, result.weights(), 0.0);
        assertArrayEquals(new double[] {4, 6}, result.combinedGradient(), 1e-12);
    }

    @Test
    void uwWeightsAndLogVarianceGradient() {
        UW uw = new UW();
        double[] l = {2.0, 0.5};
        MethodResult result = uw.apply(losses(0, l));
        assertArrayEquals(new double[] {Math.exp(0.5) / 2, Math.exp(0.5) / 2}, result.weights(), 1e-12);
        LearnableParameters s = uw.learnableParameters().orElseThrow();
        // d/ds (L e^{-s}/2 + s/2) by finite differences at s = -0.5
        for (int t = 0; t < 2; t++) {
            double lt = l[t];
            Function<Double, Double> f = v -> lt * Math.exp(-v) / 2 + v / 2;
            assertEquals((f.apply(-0.5 + 1e-6) - f.apply(-0.5 - 1e-6)) / 2e-6, s.gradient()[t], 1e-8);
        }
        // at s = log L the objective is stationary (the optimum Kendall et al. derive)
        s.setValues(new double[] {Math.log(2.0), Math.log(0.5)});
        uw.apply(losses(0, l));
        assertArrayEquals(new double[] {0, 0}, s.gradient(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> s.setValues(new double[] {1}));
    }

    @Test
    void imtlLDrivesScaledLossesToOne() {
        IMTL_L method = new IMTL_L();
        double[] l = {4.0, 0.25};
        assertArrayEquals(new double[] {1, 1}, method.apply(losses(0, l)).weights(), 0.0);
        LearnableParameters s = method.learnableParameters().orElseThrow();
        assertArrayEquals(new double[] {3.0, -0.75}, s.gradient(), 1e-12); // e^0·L − 1
        s.setValues(new double[] {-Math.log(4.0), Math.log(4.0)});
        MethodResult atOptimum = method.apply(losses(0, l));
        assertArrayEquals(new double[] {0, 0}, s.gradient(), 1e-12);
        assertEquals(1.0, atOptimum.weights()[0] * l[0], 1e-12);
        assertEquals(1.0, atOptimum.weights()[1] * l[1], 1e-12);
    }

    @Test
    void dwaUsesTheRatioOfTheTwoPreviousEpochMeans() {
        DWA dwa = new DWA();
        assertArrayEquals(new double[] {1, 1}, dwa.apply(losses(0, 2.0, 1.0)).weights(), 0.0);
        dwa.apply(losses(0, 4.0, 1.0)); // epoch 0 means: 3, 1
        assertArrayEquals(new double[] {1, 1}, dwa.apply(losses(1, 1.5, 1.0)).weights(), 0.0);
        dwa.apply(losses(1, 1.5, 1.0)); // epoch 1 means: 1.5, 1
        double[] w = dwa.apply(losses(2, 9, 9)).weights();
        // r = (0.5, 1), T = 2: w = 2·softmax(r/2)
        double e1 = Math.exp(0.25);
        double e2 = Math.exp(0.5);
        assertArrayEquals(new double[] {2 * e1 / (e1 + e2), 2 * e2 / (e1 + e2)}, w, 1e-12);
        assertTrue(w[0] < w[1], "the task whose loss fell faster gets less weight");
    }

    @Test
    void rlwIsSeededSoftmaxOfGaussians() {
        double[] a = new RLW(42).apply(losses(0, 1, 1, 1)).weights();
        double[] b = new RLW(42).apply(losses(0, 1, 1, 1)).weights();
        double[] c = new RLW(43).apply(losses(0, 1, 1, 1)).weights();
        assertArrayEquals(a, b, 0.0);
        assertFalse(Arrays.equals(a, c));
        assertEquals(1.0, a[0] + a[1] + a[2], 1e-12);
        java.util.Random reference = new java.util.Random(42);
        double[] z = {reference.nextGaussian(), reference.nextGaussian(), reference.nextGaussian()};
        double total = Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]);
        assertEquals(Math.exp(z[1]) / total, a[1], 1e-12);
    }

    @Test
    void glsWeightsAreTheGradientOfTheGeometricMean() {
        double[] l = {0.5, 2.0, 8.0};
        double[] expected = numericWeights(x -> Math.cbrt(x[0] * x[1] * x[2]), l);
        assertArrayEquals(expected, new GLS().apply(losses(0, l)).weights(), 1e-8);
        assertThrows(IllegalArgumentException.class, () -> new GLS().apply(losses(0, 1.0, 0.0)));
    }

    @Test
    void gradNormIsEwInEpochZeroThenFollowsItsObjective() {
        GradNorm method = new GradNorm();
        double[][] gram = {{4, 1}, {1, 1}}; // norms 2 and 1
        assertArrayEquals(new double[] {1, 1}, method.apply(StepInput.ofGram(0, 0, new double[] {2, 1}, gram))
                .weights(), 0.0);
        method.apply(StepInput.ofGram(0, 1, new double[] {2, 1}, gram)); // L(0) = (2, 1)
        LearnableParameters logits = method.learnableParameters().orElseThrow();
        logits.setValues(new double[] {0.3, -0.1});
        double[] l = {1.0, 0.8};
        MethodResult result = method.apply(StepInput.ofGram(1, 2, l, gram));
        double[] xi = {0.3, -0.1};
        Function<double[], double[]> weightsOf = x -> {
            double a = Math.exp(x[0]);
            double b = Math.exp(x[1]);
            return new double[] {2 * a / (a + b), 2 * b / (a + b)};
        };
        assertArrayEquals(weightsOf.apply(xi), result.weights(), 1e-12);
        // the objective with its target held constant at the current logits, differentiated numerically
        double[] w0 = weightsOf.apply(xi);
        double[] norms = {2, 1};
        double meanNorm = (w0[0] * norms[0] + w0[1] * norms[1]) / 2;
        double[] rates = {l[0] / 2.0, l[1] / 1.0};
        double meanRate = (rates[0] + rates[1]) / 2;
        double[] targets = {meanNorm * Math.pow(rates[0] / meanRate, 1.5), meanNorm * Math.pow(rates[1] / meanRate, 1.5)};
        Function<double[], Double> objective = x -> {
            double[] w = weightsOf.apply(x);
            return Math.abs(w[0] * norms[0] - targets[0]) + Math.abs(w[1] * norms[1] - targets[1]);
        };
        for (int t = 0; t < 2; t++) {
            double[] up = xi.clone();
            double[] down = xi.clone();
            up[t] += 1e-7;
            down[t] -= 1e-7;
            assertEquals((objective.apply(up) - objective.apply(down)) / 2e-7, logits.gradient()[t], 1e-6);
        }
    }

    @Test
    void famoWeightsAndLogitUpdate() {
        FAMO famo = new FAMO();
        double[] l = {2.0, 0.5};
        double[] w = famo.apply(losses(0, l)).weights();
        // z = (½, ½): weights ∝ 1/L, normalised to sum 1
        double d0 = 2.0 + 1e-8;
        double d1 = 0.5 + 1e-8;
        assertArrayEquals(new double[] {(1 / d0) / (1 / d0 + 1 / d1), (1 / d1) / (1 / d0 + 1 / d1)}, w, 1e-12);
        assertTrue(famo.needsLossesAfterStep());
        // task 0 improved by a larger log factor, so Adam's first step (size ≈ lr) lowers its logit
        famo.afterStep(new double[] {1.0, 0.45});
        double[] logits = famo.logits();
        assertEquals(-0.025, logits[0], 1e-6);
        assertEquals(0.025, logits[1], 1e-6);
        assertThrows(IllegalStateException.class, () -> famo.afterStep(new double[] {1, 1}));
    }

    @Test
    void stchWarmsUpThenUsesSmoothTchebycheffAgainstTheNadir() {
        STCH stch = new STCH(1.0, 1);
        double[] l = {2.0, 0.5};
        assertArrayEquals(new double[] {0.5, 2.0}, stch.apply(losses(0, l)).weights(), 1e-12);
        stch.apply(losses(1, 1.0, 1.0));
        stch.apply(losses(1, 3.0, 0.5)); // nadir = (2, 0.75)
        double[] now = {1.5, 0.6};
        double[] nadir = {2.0, 0.75};
        double mu = 1.0;
        Function<double[], Double> objective = x -> {
            double s = 0;
            for (int t = 0; t < 2; t++) {
                s += Math.exp(Math.log(x[t] / nadir[t]) / mu);
            }
            return 2 * mu * Math.log(s);
        };
        assertArrayEquals(numericWeights(objective, now), stch.apply(losses(2, now)).weights(), 1e-7);
    }

    @Test
    void taskCountMustStaySame() {
        EW ew = new EW();
        ew.apply(losses(0, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> ew.apply(losses(0, 1, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> new UW().apply(StepInput.ofGram(0, 0, null,
                new double[][] {{1}})));
        assertThrows(IllegalArgumentException.class, () -> StepInput.ofLosses(0, 0, new double[] {Double.NaN}));
    }
}
