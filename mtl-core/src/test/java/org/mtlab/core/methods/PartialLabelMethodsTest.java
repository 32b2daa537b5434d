package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Partial labels in the methods: on a step where a task had no label in the batch (loss exactly 0, gradient zero) the
 * method decides for the labelled tasks alone — finite weights, weight 0 for the unlabelled task, its state untouched.
 * The known answer: a method on three tasks of which the third is never labelled gives, step for step, exactly what the
 * same method gives on the two labelled tasks alone (an independent run of it, on inputs that never mention the third).
 */
class PartialLabelMethodsTest {
    private static final int STEPS = 18;
    private static final int P = 5;

    /** Every registered method, and CR-MOGM over a stateful inner method with learnable parameters. */
    private static List<String> methods() {
        List<String> names = new ArrayList<>(MethodRegistry.names());
        names.add("CR-MOGM:GradNorm");
        return names;
    }

    private static boolean hasOwnPartialRule(MtlMethod m) {
        if (!m.info().keepsState()) {
            return true; // stateless: decided on the labelled tasks by the shared guard
        }
        try {
            m.getClass().getDeclaredMethod("decidePartial", StepInput.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Step s: two labelled tasks' gradients and positive losses, the same for both runs; three epochs of six steps. */
    private static double[][] gradients(Random rnd) {
        double[][] g = new double[2][P];
        for (double[] row : g) {
            for (int k = 0; k < P; k++) {
                row[k] = rnd.nextGaussian();
            }
        }
        return g;
    }

    @Test
    void aMethodWithANeverLabelledTaskEqualsTheSameMethodOnTheLabelledTasksAlone() {
        for (String name : methods()) {
            MtlMethod three = MethodRegistry.create(name, Map.of(), 7);
            MtlMethod two = MethodRegistry.create(name, Map.of(), 7);
            boolean own = hasOwnPartialRule(three);
            Random rnd = new Random(3);
            for (int s = 0; s < STEPS; s++) {
                int epoch = s / 3; // epochs 0..5: past DWA's two epochs, GradNorm's first and STCH's four warm-up
                double[][] g2 = gradients(rnd);
                double[] l2 = {0.5 + rnd.nextDouble(), 0.5 + rnd.nextDouble()};
                double[][] g3 = {g2[0].clone(), g2[1].clone(), new double[P]};
                double[] l3 = {l2[0], l2[1], 0};
                MethodResult alone = two.apply(StepInput.ofGradients(epoch, s, l2, g2));
                MethodResult partial = three.apply(StepInput.ofGradients(epoch, s, l3, g3)
                        .withUnlabelled(new boolean[] {false, false, true}));
                String at = name + " step " + s;
                assertEquals(0.0, partial.weights()[2], at + ": the unlabelled task's weight");
                for (int t = 0; t < 2; t++) {
                    assertTrue(Double.isFinite(partial.weights()[t]), at);
                }
                if (own) {
                    assertEquals(alone.weights()[0], partial.weights()[0], 1e-12, at);
                    assertEquals(alone.weights()[1], partial.weights()[1], 1e-12, at);
                    assertArrayEquals(alone.combinedGradient(), partial.combinedGradient(), 1e-12, at);
                } else {
                    // not consulted: the labelled tasks keep the weights of its last full step, 1 before any
                    assertArrayEquals(new double[] {1, 1, 0}, partial.weights(), 0.0, at);
                }
                if (three.learnableParameters().isPresent()) {
                    LearnableParameters p3 = three.learnableParameters().get();
                    LearnableParameters p2 = two.learnableParameters().get();
                    assertEquals(0.0, p3.gradient()[2], at + ": no gradient for the unlabelled task's parameter");
                    assertEquals(p2.gradient()[0], p3.gradient()[0], 1e-12, at);
                    assertEquals(p2.gradient()[1], p3.gradient()[1], 1e-12, at);
                    // one SGD step on both, so that the parameters move and the runs could drift apart
                    double[] v3 = p3.values();
                    double[] v2 = p2.values();
                    for (int t = 0; t < 2; t++) {
                        v3[t] -= 0.1 * p3.gradient()[t];
                        v2[t] -= 0.1 * p2.gradient()[t];
                    }
                    v3[2] -= 0.1 * p3.gradient()[2];
                    p3.setValues(v3);
                    p2.setValues(v2);
                }
                if (three.needsLossesAfterStep()) {
                    double[] after2 = {l2[0] * 0.9, l2[1] * 0.95};
                    two.afterStep(after2);
                    three.afterStep(new double[] {after2[0], after2[1], 0});
                }
            }
        }
    }

    @Test
    void everyMethodGivesFiniteWeightsAndZeroForUnlabelledTasksBetweenFullSteps() {
        double[][] masks = {{0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 0, 0}, {0, 1, 0}};
        for (String name : methods()) {
            MtlMethod m = MethodRegistry.create(name, Map.of(), 1);
            Random rnd = new Random(5);
            for (int s = 0; s < 30; s++) {
                double[] mask = masks[s % masks.length];
                double[][] g = new double[3][P];
                double[] losses = new double[3];
                boolean[] unlabelled = new boolean[3];
                for (int t = 0; t < 3; t++) {
                    unlabelled[t] = mask[t] == 1;
                    if (!unlabelled[t]) {
                        losses[t] = 0.2 + rnd.nextDouble();
                        for (int k = 0; k < P; k++) {
                            g[t][k] = rnd.nextGaussian();
                        }
                    }
                }
                MethodResult r = m.apply(StepInput.ofGradients(s / 5, s, losses, g).withUnlabelled(unlabelled));
                for (int t = 0; t < 3; t++) {
                    assertTrue(Double.isFinite(r.weights()[t]), name + " step " + s + " task " + t);
                    if (unlabelled[t]) {
                        assertEquals(0.0, r.weights()[t], name + " step " + s + " task " + t);
                    }
                }
                if (r.hasCombinedGradient()) {
                    for (double v : r.combinedGradient()) {
                        assertTrue(Double.isFinite(v), name + " step " + s);
                    }
                }
                if (m.needsLossesAfterStep()) {
                    double[] after = losses.clone();
                    for (int t = 0; t < 3; t++) {
                        after[t] *= 0.9;
                    }
                    m.afterStep(after);
                }
            }
        }
    }

    @Test
    void withoutTheGuardTheLossMethodsFailOrGoAstrayOnAZeroLoss() {
        // what the guard prevents: SI, GLS and STCH refuse a zero loss; FAMO reads it as 1e-8 and hands it the weight
        StepInput zero = StepInput.ofLosses(0, 0, new double[] {0.8, 0.0});
        assertThrows(IllegalArgumentException.class, () -> new SI().apply(zero));
        assertThrows(IllegalArgumentException.class, () -> new GLS().apply(zero));
        assertThrows(IllegalArgumentException.class, () -> new STCH().apply(zero));
        double[] famo = new FAMO().apply(zero).weights();
        assertTrue(famo[1] > 0.999999, "FAMO gives the zero loss almost all the weight: " + famo[1]);
        double[] guarded = new FAMO().apply(zero.withUnlabelled(new boolean[] {false, true})).weights();
        assertArrayEquals(new double[] {1, 0}, guarded, 1e-12, "guarded: the labelled task's weight is all of it");
    }

    @Test
    void famoKeepsTheUnlabelledTasksLogitAndAdamStateThroughTheStep() {
        FAMO famo = new FAMO();
        famo.apply(StepInput.ofLosses(0, 0, new double[] {1.0, 2.0, 0.5}));
        famo.afterStep(new double[] {0.8, 1.9, 0.45});
        double[] before = famo.logits();
        famo.apply(StepInput.ofLosses(0, 1, new double[] {1.0, 0.0, 0.5}).withUnlabelled(new boolean[] {false, true, false}));
        famo.afterStep(new double[] {0.9, 0.0, 0.4});
        double[] after = famo.logits();
        assertEquals(before[1], after[1], 0.0, "the unlabelled task's logit is untouched");
        assertNotEquals(before[0], after[0]);
        assertNotEquals(before[2], after[2]);
    }

    @Test
    void famosAdamLeavesACoordinateOutOfAStepAsIfTheStepNeverHappenedForIt() {
        // Adam is element-wise: coordinate 1 of a run that skipped it once equals a one-coordinate Adam that saw only
        // the steps it took (same moments, same bias correction)
        Adam masked = new Adam(0.025, 1e-3);
        double[] p = {0.3, -0.2};
        masked.step(p, new double[] {0.5, -1.0});
        masked.step(p, new double[] {0.7, 123.0}, new int[] {0});
        masked.step(p, new double[] {-0.1, 0.4});
        Adam alone = new Adam(0.025, 1e-3);
        double[] q = {-0.2};
        alone.step(q, new double[] {-1.0});
        alone.step(q, new double[] {0.4});
        assertEquals(q[0], p[1], 0.0);
    }

    @Test
    void dwaAveragesEachTasksLossOverTheStepsThatLabelledIt() {
        DWA dwa = new DWA();
        // epoch 0: both tasks labelled throughout; epoch 1: task 1 labelled in the second step only
        dwa.apply(StepInput.ofLosses(0, 0, new double[] {2.0, 4.0}));
        dwa.apply(StepInput.ofLosses(0, 1, new double[] {2.0, 4.0}));
        dwa.apply(StepInput.ofLosses(1, 2, new double[] {1.0, 0.0}).withUnlabelled(new boolean[] {false, true}));
        dwa.apply(StepInput.ofLosses(1, 3, new double[] {1.0, 1.0}));
        double[] w = dwa.apply(StepInput.ofLosses(2, 4, new double[] {1.0, 1.0})).weights();
        // ratios over labelled steps: task 0 1/2, task 1 1/4 (the zero counted would make task 1's 0.5/4)
        double r0 = 0.5 / 2;
        double r1 = 0.25 / 2;
        double e0 = Math.exp(r0);
        double e1 = Math.exp(r1);
        assertArrayEquals(new double[] {2 * e0 / (e0 + e1), 2 * e1 / (e0 + e1)}, w, 1e-12);
        // a partial step after warm-up: the softmax over the labelled task alone, times one task
        double[] partial = dwa.apply(StepInput.ofLosses(2, 5, new double[] {1.0, 0.0})
                .withUnlabelled(new boolean[] {false, true})).weights();
        assertArrayEquals(new double[] {1, 0}, partial, 1e-12);
    }

    @Test
    void siAndGlsWeighTheLabelledLossesAsIfTheyWereAlone() {
        double[] losses = {0.5, 0.0, 2.0};
        boolean[] mask = {false, true, false};
        assertArrayEquals(new double[] {2.0, 0.0, 0.5},
                new SI().apply(StepInput.ofLosses(0, 0, losses).withUnlabelled(mask)).weights(), 1e-12);
        double geometricMean = Math.sqrt(0.5 * 2.0);
        assertArrayEquals(new double[] {geometricMean / (2 * 0.5), 0.0, geometricMean / (2 * 2.0)},
                new GLS().apply(StepInput.ofLosses(0, 0, losses).withUnlabelled(mask)).weights(), 1e-12);
    }

    @Test
    void noLabelledTaskGivesZeroWeightsAndLeavesTheMethodAsItWas() {
        for (String name : methods()) {
            MtlMethod m = MethodRegistry.create(name, Map.of(), 2);
            double[][] none = new double[2][P];
            MethodResult r = m.apply(StepInput.ofGradients(0, 0, new double[2], none)
                    .withUnlabelled(new boolean[] {true, true}));
            assertArrayEquals(new double[2], r.weights(), 0.0, name);
            if (r.hasCombinedGradient()) {
                assertArrayEquals(new double[P], r.combinedGradient(), 0.0, name);
            }
            m.learnableParameters().ifPresent(p -> {
                for (double v : p.gradient()) {
                    assertEquals(0.0, v, name + ": no gradient for learnable parameters");
                }
            });
        }
    }

    @Test
    void aMaskThatContradictsTheStepIsRefusedNamingTheTask() {
        StepInput step = StepInput.ofGram(0, 0, new double[] {1.0, 0.0}, new double[][] {{1, 0}, {0, 0}});
        IllegalArgumentException loss = assertThrows(IllegalArgumentException.class,
                () -> step.withUnlabelled(new boolean[] {true, false}));
        assertTrue(loss.getMessage().startsWith("unlabelled[0]"), loss.getMessage());
        StepInput gradient = StepInput.ofGram(0, 0, new double[] {1.0, 0.0}, new double[][] {{1, 0}, {0, 4}});
        IllegalArgumentException gram = assertThrows(IllegalArgumentException.class,
                () -> gradient.withUnlabelled(new boolean[] {false, true}));
        assertTrue(gram.getMessage().startsWith("unlabelled[1]"), gram.getMessage());
        assertThrows(IllegalArgumentException.class, () -> step.withUnlabelled(new boolean[] {false}));
        assertSame(step, step.withUnlabelled(new boolean[] {false, false}), "no task unlabelled: the same step");
    }
}
