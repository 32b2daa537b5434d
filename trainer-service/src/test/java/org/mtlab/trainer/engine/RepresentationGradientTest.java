package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.methods.EW;
import org.mtlab.core.methods.MGDA;

/**
 * Steps in representation space ({@link ReferencePasses#representationGradients}) and the plain weighted-loss step
 * ({@link ReferencePasses#weightedGradient}) against independent computations: a hand-written backpropagation in double, the
 * parameter-space per-task gradients (a separate graph and separate backward passes) combined in Java with the same
 * weights, and central finite differences of a hand-written loss of the representation.
 */
class RepresentationGradientTest {
    private static final int IN = 5;
    private static final List<Integer> HIDDEN = List.of(6, 4);
    private static final int ROWS = 7;
    private static final StudySpec.OptimizerSpec SGD = new StudySpec.OptimizerSpec("sgd", 0.1, 0.0);

    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    private static float[] uniform(SplittableRandom random, int n, double scale) {
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            out[k] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return out;
    }

    /** A regression MLP of three tasks with random parameters, inputs and targets. */
    private static final class Regression {
        final MlpLayout layout = new MlpLayout(IN, HIDDEN, 3);
        final float[] params;
        final float[] x;
        final float[][] y = new float[3][];

        Regression(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            params = uniform(random, layout.totalSize(), 1);
            x = uniform(random, ROWS * IN, 2);
            for (int t = 0; t < 3; t++) {
                y[t] = uniform(random, ROWS, 3);
            }
        }
    }

    @Test
    void equalWeightingInRepresentationSpaceGivesTheGradientOfTheSummedLosses() {
        Regression m = new Regression(3);
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), m.layout);
        MethodAggregation ew = new MethodAggregation(new EW(), SGD);
        float[][] weights = new float[1][];
        for (int repeat = 0; repeat < 2; repeat++) { // a second call must not see the first call's gradients
            ReferencePasses.RepresentationGradients rep = model.representationGradients(m.params, m.x, m.y, ROWS,
                    (losses, taskGradients) -> {
                        float[] combined = new float[taskGradients[0].length];
                        weights[0] = ew.combine(1, 1, losses, taskGradients, null, combined);
                        return combined;
                    });
            assertEquals(List.of(1f, 1f, 1f), List.of(weights[0][0], weights[0][1], weights[0][2]));
            // Jacobian-transpose identity: (∂h/∂θ)ᵀ Σ_t ∂L_t/∂h = ∇θ Σ_t L_t, here from a hand-written backprop
            double[] sum = new double[m.layout.totalSize()];
            for (int t = 0; t < 3; t++) {
                double[] g = new double[m.layout.totalSize()];
                double loss = MlpNetworkGradientTest.Reference.lossAndGradient(m.layout, m.params, m.x, m.y[t], ROWS, t, g);
                assertEquals(loss, rep.losses()[t], 1e-5 * Math.max(1, loss), "loss of task " + t);
                for (int k = 0; k < g.length; k++) {
                    sum[k] += g[k];
                }
                for (int tensor : new int[] {m.layout.headWeight(t), m.layout.headBias(t)}) {
                    for (int k = m.layout.offset(tensor); k < m.layout.offset(tensor + 1); k++) {
                        assertEquals(g[k], rep.headGradients()[k - m.layout.sharedSize()], 1e-5 + 1e-4 * Math.abs(g[k]),
                                "head gradient " + k + " of task " + t + ": its own task's raw gradient");
                    }
                }
            }
            for (int k = 0; k < m.layout.sharedSize(); k++) {
                assertEquals(sum[k], rep.sharedGradient()[k], 1e-5 + 1e-4 * Math.abs(sum[k]), "shared gradient " + k);
            }
        }
    }

    @Test
    void equalWeightingOnMultiLeNetMatchesTheSumOfTheParameterSpaceTaskGradients() {
        int side = 20;
        int rows = 3;
        MlpLayout layout = MlpLayout.multiLeNet(side, side, new int[] {4, 5});
        float[] params = new float[layout.totalSize()];
        layout.initialise(params, 7, new int[] {0, 1});
        for (int k = 0; k < params.length; k++) { // no unit dead everywhere
            params[k] *= 3;
        }
        float[] x = uniform(new SplittableRandom(9), rows * side * side, 1);
        float[][] labels = {{0, 3, 1}, {4, 2, 2}};
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), layout, new boolean[] {true, true});
        ReferencePasses.RepresentationGradients rep = model.representationGradients(params, x, labels, rows,
                (losses, g) -> {
                    assertEquals(rows * MlpLayout.LENET_FEATURES, g[0].length, "rows × 50 features");
                    float[] c = new float[g[0].length];
                    for (int k = 0; k < c.length; k++) {
                        c[k] = g[0][k] + g[1][k];
                    }
                    return c;
                });
        float[] shared = rep.sharedGradient().clone();
        ReferencePasses.Gradients par = model.gradients(params, x, labels, rows);
        double norm = 0;
        for (int k = 0; k < layout.sharedSize(); k++) {
            double expected = (double) par.sharedGradients()[0][k] + par.sharedGradients()[1][k];
            norm += expected * expected;
            assertEquals(expected, shared[k], 1e-5 + 1e-4 * Math.abs(expected), "shared gradient " + k);
        }
        assertTrue(norm > 1e-6, "a non-trivial gradient");
    }

    @Test
    void nonUniformWeightsGiveTheTrunkGradientOfTheWeightedLossSum() {
        Regression m = new Regression(5);
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), m.layout);
        MethodAggregation mgda = new MethodAggregation(new MGDA(), SGD);
        float[][] weights = new float[1][];
        ReferencePasses.RepresentationGradients rep = model.representationGradients(m.params, m.x, m.y, ROWS,
                (losses, g) -> {
                    double[][] gram = {org.mtlab.core.gradient.GradientGeometry.packedGram(g, 0, g[0].length)};
                    float[] combined = new float[g[0].length];
                    weights[0] = mgda.combine(1, 1, losses, g, gram, combined);
                    return combined;
                });
        float[] w = weights[0];
        float[] shared = rep.sharedGradient().clone();
        assertTrue(Math.max(Math.abs(w[0] - w[1]), Math.abs(w[1] - w[2])) > 0.05, "MGDA's weights differ: "
                + java.util.Arrays.toString(w));
        // a separate forward and T separate backward passes through the whole graph, weighted in double
        ReferencePasses.Gradients par = model.gradients(m.params, m.x, m.y, ROWS);
        for (int k = 0; k < m.layout.sharedSize(); k++) {
            double expected = 0;
            for (int t = 0; t < 3; t++) {
                expected += (double) w[t] * par.sharedGradients()[t][k];
            }
            assertEquals(expected, shared[k], 1e-5 + 1e-4 * Math.abs(expected), "shared gradient " + k);
        }
    }

    @Test
    void representationGradientsMatchFiniteDifferencesOfAHandWrittenHeadLoss() {
        // task 0 regression (MSE), task 1 classification (cross-entropy over 3 classes)
        MlpLayout layout = new MlpLayout(IN, HIDDEN, new int[] {1, 3});
        SplittableRandom random = new SplittableRandom(11);
        float[] params = uniform(random, layout.totalSize(), 1);
        float[] x = uniform(random, ROWS * IN, 2);
        float[][] y = {uniform(random, ROWS, 3), new float[ROWS]};
        for (int r = 0; r < ROWS; r++) {
            y[1][r] = r % 3;
        }
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), layout, new boolean[] {false, true});
        float[][][] captured = new float[1][][];
        ReferencePasses.RepresentationGradients rep = model.representationGradients(params, x, y, ROWS, (losses, g) -> {
            captured[0] = new float[][] {g[0].clone(), g[1].clone()};
            return new float[g[0].length];
        });
        int width = HIDDEN.get(HIDDEN.size() - 1);
        double[] z = trunk(layout, params, x);
        for (int t = 0; t < 2; t++) {
            assertEquals(headLoss(layout, params, z, y[t], t), rep.losses()[t], 1e-5, "loss of task " + t);
            for (int k = 0; k < ROWS * width; k++) {
                double h = 1e-5;
                double saved = z[k];
                z[k] = saved + h;
                double plus = headLoss(layout, params, z, y[t], t);
                z[k] = saved - h;
                double minus = headLoss(layout, params, z, y[t], t);
                z[k] = saved;
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, captured[0][t][k], 1e-6 + 1e-4 * Math.abs(numeric), "task " + t + ", entry " + k);
            }
        }
        // a zero seed back-propagates nothing into the trunk
        for (int k = 0; k < layout.sharedSize(); k++) {
            assertEquals(0f, rep.sharedGradient()[k], "shared gradient " + k);
        }
    }

    @Test
    void aPlainWeightedStepGivesTheWeightedSumOfTheTaskGradients() {
        Regression m = new Regression(13);
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), m.layout);
        float[] w = {0.3f, 1.7f, 0.05f};
        float[][] seen = new float[1][];
        ReferencePasses.WeightedGradient step = model.weightedGradient(m.params, m.x, m.y, ROWS, losses -> {
            seen[0] = losses.clone();
            return w;
        });
        float[] shared = step.sharedGradient().clone();
        float[] heads = step.headGradients().clone();
        for (int t = 0; t < 3; t++) {
            double[] g = new double[m.layout.totalSize()];
            double loss = MlpNetworkGradientTest.Reference.lossAndGradient(m.layout, m.params, m.x, m.y[t], ROWS, t, g);
            assertEquals(loss, seen[0][t], 1e-5 * Math.max(1, loss), "the weighting saw the losses");
            for (int tensor : new int[] {m.layout.headWeight(t), m.layout.headBias(t)}) {
                for (int k = m.layout.offset(tensor); k < m.layout.offset(tensor + 1); k++) {
                    double expected = w[t] * g[k];
                    assertEquals(expected, heads[k - m.layout.sharedSize()], 1e-5 + 1e-4 * Math.abs(expected),
                            "head " + t + ", parameter " + k + ": weighted by its task's weight");
                }
            }
        }
        ReferencePasses.Gradients par = model.gradients(m.params, m.x, m.y, ROWS);
        for (int k = 0; k < m.layout.sharedSize(); k++) {
            double expected = 0;
            for (int t = 0; t < 3; t++) {
                expected += (double) w[t] * par.sharedGradients()[t][k];
            }
            assertEquals(expected, shared[k], 1e-5 + 1e-4 * Math.abs(expected), "shared gradient " + k);
        }
    }

    /** The MLP trunk's output in double, rows × width row-major (ReLU(linear) layers). */
    private static double[] trunk(MlpLayout layout, float[] p, float[] x) {
        double[] a = new double[ROWS * IN];
        for (int k = 0; k < a.length; k++) {
            a[k] = x[k];
        }
        int in = IN;
        for (int l = 0; l < layout.layers(); l++) {
            int out = (int) layout.shape(2 * l)[0];
            int w = layout.offset(2 * l);
            int b = layout.offset(2 * l + 1);
            double[] next = new double[ROWS * out];
            for (int r = 0; r < ROWS; r++) {
                for (int o = 0; o < out; o++) {
                    double s = p[b + o];
                    for (int i = 0; i < in; i++) {
                        s += (double) p[w + o * in + i] * a[r * in + i];
                    }
                    next[r * out + o] = Math.max(0, s);
                }
            }
            a = next;
            in = out;
        }
        return a;
    }

    /** Task t's loss of its head on the representation z: MSE, or mean cross-entropy against class indices. */
    private static double headLoss(MlpLayout layout, float[] p, double[] z, float[] target, int t) {
        int outputs = layout.headOutputs(t);
        int width = (int) layout.shape(layout.headWeight(t))[1];
        int w = layout.offset(layout.headWeight(t));
        int b = layout.offset(layout.headBias(t));
        double total = 0;
        for (int r = 0; r < ROWS; r++) {
            double[] logits = new double[outputs];
            for (int o = 0; o < outputs; o++) {
                logits[o] = p[b + o];
                for (int i = 0; i < width; i++) {
                    logits[o] += (double) p[w + o * width + i] * z[r * width + i];
                }
            }
            if (outputs == 1) {
                double d = logits[0] - target[r];
                total += d * d;
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : logits) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (double v : logits) {
                    sum += Math.exp(v - max);
                }
                total -= logits[(int) target[r]] - max - Math.log(sum);
            }
        }
        return total / ROWS;
    }
}
