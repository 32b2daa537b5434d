package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MMoE on DJL: against an independent forward pass in double (experts, softmax gates, mixtures, heads; MSE and
 * cross-entropy) and central finite differences of it; its gates (softmax: positive, summing to 1; a task's gate
 * touches no other task's loss); and the property that with one expert it is the shared-bottom MLP.
 */
class MmoeTest {
    private static final int INPUT = 5;
    private static final int EXPERTS = 3;
    private static final int WIDTH = 4;
    private static final int ROWS = 4;
    /** Task 0 regression (one output), task 1 classification over 3 classes. */
    private static final int[] OUTPUTS = {1, 3};
    private static final boolean[] CLASSIFICATION = {false, true};

    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    @Test
    void layoutPutsTheExpertsInTheSharedPrefixAndGateAndHeadInEachTasksRange() {
        MlpLayout layout = MlpLayout.mmoe(INPUT, EXPERTS, WIDTH, OUTPUTS);
        assertEquals(List.of("expert.0", "expert.1", "expert.2"), layout.blockNames());
        assertEquals(EXPERTS * (WIDTH * INPUT + WIDTH), layout.sharedSize());
        int gate = EXPERTS * INPUT + EXPERTS;
        assertEquals(gate + 1 * WIDTH + 1, layout.taskEnd(0) - layout.taskStart(0));
        assertEquals(gate + 3 * WIDTH + 3, layout.taskEnd(1) - layout.taskStart(1));
        assertEquals(layout.sharedSize(), layout.taskStart(0));
        assertEquals(layout.taskEnd(0), layout.taskStart(1));
        assertEquals(layout.totalSize(), layout.taskEnd(1));
        assertThrows(IllegalArgumentException.class, () -> MlpLayout.mmoe(INPUT, 0, WIDTH, OUTPUTS));
    }

    @Test
    void lossesAndPerTaskGradientsMatchFiniteDifferencesOfAnIndependentForwardPass() {
        MlpLayout layout = MlpLayout.mmoe(INPUT, EXPERTS, WIDTH, OUTPUTS);
        float[] params = params(layout, 3);
        float[] x = features(7);
        float[][] targets = {{0.5f, -1f, 2f, 0.1f}, {2, 0, 1, 2}};
        ReferencePasses.Gradients djl = new ReferencePasses(ENGINE.manager(), layout, CLASSIFICATION).gradients(params, x, targets, ROWS);
        double[] p = new double[params.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = params[k];
        }
        for (int t = 0; t < OUTPUTS.length; t++) {
            double loss = referenceLoss(layout, p, x, targets[t], t);
            assertEquals(loss, djl.losses()[t], 1e-5 * Math.max(1, loss), "loss of task " + t);
            for (int k = 0; k < layout.totalSize(); k++) {
                boolean shared = k < layout.sharedSize();
                boolean own = k >= layout.taskStart(t) && k < layout.taskEnd(t);
                if (!shared && !own) {
                    continue;
                }
                int task = t;
                double numeric = ReferenceMath.centralDifference(p, k, 1e-6,
                        q -> referenceLoss(layout, q, x, targets[task], task));
                double analytic = shared ? djl.sharedGradients()[t][k] : djl.headGradients()[k - layout.sharedSize()];
                assertEquals(numeric, analytic, 1e-5 + 1e-4 * Math.abs(numeric), "task " + t + ", parameter " + k);
            }
        }
    }

    @Test
    void gatesArePositiveAndSumToOneAndTheReferenceGates() {
        MlpLayout layout = MlpLayout.mmoe(INPUT, EXPERTS, WIDTH, OUTPUTS);
        float[] params = params(layout, 4);
        float[] x = features(8);
        float[][] gates = new ReferencePasses(ENGINE.manager(), layout, CLASSIFICATION).gates(params, x, ROWS);
        for (int t = 0; t < OUTPUTS.length; t++) {
            assertEquals(ROWS * EXPERTS, gates[t].length);
            for (int r = 0; r < ROWS; r++) {
                double sum = 0;
                for (int e = 0; e < EXPERTS; e++) {
                    float g = gates[t][r * EXPERTS + e];
                    assertTrue(g > 0 && g < 1, "gate " + g);
                    sum += g;
                }
                assertEquals(1.0, sum, 1e-6, "task " + t + " row " + r);
            }
        }
        assertNotEquals(gates[0][0], gates[1][0], "each task has its own gate");
    }

    @Test
    void aTasksGateChangesNoOtherTasksLossAndGetsNoGradientFromIt() {
        MlpLayout layout = MlpLayout.mmoe(INPUT, EXPERTS, WIDTH, new int[] {1, 1, 1});
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), layout, new boolean[3]);
        float[] params = params(layout, 5);
        float[] x = features(9);
        float[][] y = {{1, 2, 3, 4}, {0, 1, 0, 1}, {-1, 0, 1, 2}};
        float[] before = model.losses(params, x, y, ROWS);
        // move every parameter of task 1's gate a lot (at random: a shift shared by all experts would leave the
        // softmax unchanged): only task 1's loss may change, the others stay bit-identical
        float[] moved = params.clone();
        int gate = layout.gateWeight(1);
        SplittableRandom random = new SplittableRandom(12);
        for (int k = layout.offset(gate); k < layout.offset(gate + 2); k++) {
            moved[k] += (float) (2 * random.nextDouble() - 1);
        }
        float[] after = model.losses(moved, x, y, ROWS);
        assertEquals(before[0], after[0]);
        assertEquals(before[2], after[2]);
        assertNotEquals(before[1], after[1]);

        // what gradients() reports for task 1's gate is task 1's gradient alone: the same as in a one-task model of
        // the same parameters (there no other loss could have contributed)
        float[] all = model.gradients(params, x, y, ROWS).headGradients().clone();
        MlpLayout single = MlpLayout.mmoe(INPUT, EXPERTS, WIDTH, new int[] {1});
        float[] singleParams = new float[single.totalSize()];
        System.arraycopy(params, 0, singleParams, 0, layout.sharedSize());
        System.arraycopy(params, layout.taskStart(1), singleParams, single.taskStart(0), single.taskEnd(0) - single.taskStart(0));
        float[] alone = new ReferencePasses(ENGINE.manager(), single, new boolean[1]).gradients(singleParams, x, new float[][] {y[1]}, ROWS)
                .headGradients();
        int from = layout.taskStart(1) - layout.sharedSize();
        for (int k = 0; k < alone.length; k++) {
            assertEquals(alone[k], all[from + k], 1e-7f * Math.max(1, Math.abs(alone[k])), "task 1 parameter " + k);
        }
    }

    @Test
    void withOneExpertMmoeIsTheSharedBottomModel() {
        MlpLayout mmoe = MlpLayout.mmoe(INPUT, 1, WIDTH, OUTPUTS);
        MlpLayout bottom = new MlpLayout(INPUT, List.of(WIDTH), OUTPUTS);
        float[] p = params(mmoe, 6);
        float[] q = new float[bottom.totalSize()];
        System.arraycopy(p, 0, q, 0, mmoe.sharedSize()); // the expert is the shared layer
        for (int t = 0; t < OUTPUTS.length; t++) {
            int head = mmoe.offset(mmoe.headWeight(t));
            System.arraycopy(p, head, q, bottom.offset(bottom.headWeight(t)), mmoe.taskEnd(t) - head);
        }
        float[] x = features(10);
        float[][] targets = {{0.5f, -1f, 2f, 0.1f}, {2, 0, 1, 2}};
        ReferencePasses.Gradients a = new ReferencePasses(ENGINE.manager(), mmoe, CLASSIFICATION).gradients(p, x, targets, ROWS);
        float[] mmoeLosses = a.losses().clone();
        float[][] mmoeShared = {a.sharedGradients()[0].clone(), a.sharedGradients()[1].clone()};
        float[] mmoeHeads = a.headGradients().clone();
        ReferencePasses.Gradients b = new ReferencePasses(ENGINE.manager(), bottom, CLASSIFICATION).gradients(q, x, targets, ROWS);
        assertArrayEquals(b.losses(), mmoeLosses, 1e-6f);
        for (int t = 0; t < OUTPUTS.length; t++) {
            assertArrayEquals(b.sharedGradients()[t], mmoeShared[t], 1e-6f, "shared gradient of task " + t);
            int gate = mmoe.offset(mmoe.gateWeight(t)) - mmoe.sharedSize();
            int head = mmoe.offset(mmoe.headWeight(t)) - mmoe.sharedSize();
            for (int k = gate; k < head; k++) {
                assertEquals(0f, mmoeHeads[k], "a softmax over one expert is constant: no gate gradient");
            }
            int bottomHead = bottom.offset(bottom.headWeight(t)) - bottom.sharedSize();
            for (int k = 0; k < mmoe.taskEnd(t) - mmoe.offset(mmoe.headWeight(t)); k++) {
                assertEquals(b.headGradients()[bottomHead + k], mmoeHeads[head + k], 1e-6f, "head of task " + t);
            }
        }
    }

    private static float[] params(MlpLayout layout, long seed) {
        float[] params = new float[layout.totalSize()];
        int[] keys = new int[layout.heads()];
        for (int t = 0; t < keys.length; t++) {
            keys[t] = t;
        }
        layout.initialise(params, seed, keys);
        for (int k = 0; k < params.length; k++) { // larger than the default init: gates far from uniform
            params[k] *= 3;
        }
        return params;
    }

    private static float[] features(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[ROWS * INPUT];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (2 * random.nextDouble() - 1);
        }
        return x;
    }

    /** Task t's loss: MSE for a one-output head, else mean cross-entropy. */
    static double referenceLoss(MlpLayout layout, double[] p, float[] x, float[] target, int t) {
        int experts = layout.experts();
        int input = layout.input();
        int width = (int) layout.shape(0)[0];
        int gw = layout.offset(layout.gateWeight(t));
        int gb = layout.offset(layout.gateWeight(t) + 1);
        int hw = layout.offset(layout.headWeight(t));
        int hb = layout.offset(layout.headBias(t));
        int outputs = layout.headOutputs(t);
        int rows = target.length;
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            double[] gate = new double[experts];
            double max = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < experts; e++) {
                double s = p[gb + e];
                for (int i = 0; i < input; i++) {
                    s += p[gw + e * input + i] * x[r * input + i];
                }
                gate[e] = s;
                max = Math.max(max, s);
            }
            double z = 0;
            for (int e = 0; e < experts; e++) {
                gate[e] = Math.exp(gate[e] - max);
                z += gate[e];
            }
            double[] mixture = new double[width];
            for (int e = 0; e < experts; e++) {
                int w = layout.offset(2 * e);
                int b = layout.offset(2 * e + 1);
                for (int o = 0; o < width; o++) {
                    double s = p[b + o];
                    for (int i = 0; i < input; i++) {
                        s += p[w + o * input + i] * x[r * input + i];
                    }
                    mixture[o] += gate[e] / z * Math.max(0, s);
                }
            }
            double[] out = new double[outputs];
            for (int o = 0; o < outputs; o++) {
                double s = p[hb + o];
                for (int i = 0; i < width; i++) {
                    s += p[hw + o * width + i] * mixture[i];
                }
                out[o] = s;
            }
            if (outputs == 1) {
                loss += (out[0] - target[r]) * (out[0] - target[r]);
            } else {
                double m = Double.NEGATIVE_INFINITY;
                for (double v : out) {
                    m = Math.max(m, v);
                }
                double sum = 0;
                for (double v : out) {
                    sum += Math.exp(v - m);
                }
                loss += m + Math.log(sum) - out[(int) target[r]];
            }
        }
        return loss / rows;
    }
}
