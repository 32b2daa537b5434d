package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.gradient.GradientGeometry;
import org.mtlab.core.methods.GradDrop;
import org.mtlab.core.methods.MethodKind;
import org.mtlab.core.methods.MethodRegistry;
import org.mtlab.core.methods.MethodResult;
import org.mtlab.core.methods.StepInput;
import org.mtlab.core.methods.UW;
import org.mtlab.core.optim.Optimizer;
import org.mtlab.core.optim.Optimizers;

/** Every registry method runs in the trainer; the weights in the events are the ones the method computes. */
class MethodAggregationTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private static final StudySpec.OptimizerSpec ADAM = new StudySpec.OptimizerSpec("adam", 0.01, null);
    private final MultiTaskTrainer trainer = new MultiTaskTrainer();

    /** Two conflicting tasks (ρ = −0.8), d = 8, 320 training samples, trunk [16, 8], telemetry every step. */
    private static TrainingRequest twoTasks(String method, int epochs, int batchSize, boolean fullGradients) {
        List<String> tasks = List.of("a", "b");
        return Requests.request(tasks, tasks, Map.of("dimension", 8, "samples", 400, "scale", 0.5, "seed", 11,
                        "rho", -0.8), List.of(16, 8), ADAM, method, 5, epochs, batchSize,
                new StudySpec.TelemetrySpec(1, fullGradients));
    }

    private List<GradientEvent> run(TrainingRequest request) {
        MultiTaskTrainerTest.Recorder recorder = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome outcome = trainer.train(request, recorder, () -> false);
        assertEquals(request.epochs(), outcome.epochs());
        assertFalse(outcome.finalMetrics().isEmpty());
        assertTrue(outcome.finalMetrics().stream().allMatch(m -> Double.isFinite(m.value())), request.method());
        return recorder.gradients;
    }

    /** Trains twice from the same request: the same events (losses, weights, Grams), bit for bit. */
    private List<GradientEvent> deterministicRun(TrainingRequest request) {
        List<GradientEvent> first = run(request);
        List<GradientEvent> second = run(request);
        assertEquals(first, second, request.method() + " reproduces");
        return first;
    }

    @Test
    void everyRegistryNameIsAcceptedInAnySpellingAndUnknownNamesListTheValidOnes() {
        assertEquals(28, MethodRegistry.names().size());
        for (String name : MethodRegistry.names()) {
            for (String spelling : List.of(name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT),
                    name.replace('-', '_'))) {
                assertEquals(name, Aggregation.forMethod(spelling, 2, 0, ADAM).name(), spelling);
            }
        }
        assertEquals("EW", Aggregation.forMethod("STL", 1, 0, ADAM).name());
        IllegalArgumentException stl = assertThrows(IllegalArgumentException.class,
                () -> Aggregation.forMethod("stl", 2, 0, ADAM));
        assertTrue(stl.getMessage().contains("one task"), stl.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Aggregation.forMethod("magic", 2, 0, ADAM));
        assertTrue(unknown.getMessage().contains("'magic'"), unknown.getMessage());
        for (String name : Aggregation.knownNames()) {
            assertTrue(unknown.getMessage().contains(name), name + " in " + unknown.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Aggregation.forMethod(null, 2, 0, ADAM));
    }

    @Test
    void everyMethodTrainsATwoTaskRunReproduciblyAndReportsItsWeights() {
        Set<String> adaptive = new HashSet<>();
        for (String name : MethodRegistry.names()) {
            // 3 epochs of 5 steps: DWA and GradNorm leave their EW phase (STCH warms up for 4)
            List<GradientEvent> events = deterministicRun(twoTasks(name, 3, 64, false));
            assertEquals(15, events.size(), name);
            for (GradientEvent e : events) {
                assertEquals(2, e.weights().length, name);
                for (float w : e.weights()) {
                    assertTrue(Float.isFinite(w), name + " weight " + w);
                }
                if (!(e.weights()[0] == 1f && e.weights()[1] == 1f)) {
                    adaptive.add(name);
                }
            }
        }
        Set<String> expected = new HashSet<>(MethodRegistry.names());
        expected.remove("EW");
        assertTrue(adaptive.containsAll(expected), "methods whose weights stayed at 1: " + difference(expected, adaptive));
        assertFalse(adaptive.contains("EW"));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    @Test
    void mgdaWeightsAreTheMinimumNormPointOfTheEventsGram() {
        List<GradientEvent> events = deterministicRun(twoTasks("MGDA", 2, 32, false));
        int interior = 0;
        for (GradientEvent e : events) {
            double[][] g = e.totalGram();
            // brute force over the simplex {(λ, 1 − λ)}: ‖λ g_a + (1 − λ) g_b‖²
            double best = Double.POSITIVE_INFINITY;
            double argmin = -1;
            for (int i = 0; i <= 100_000; i++) {
                double l = i / 100_000.0;
                double value = l * l * g[0][0] + 2 * l * (1 - l) * g[0][1] + (1 - l) * (1 - l) * g[1][1];
                if (value < best) {
                    best = value;
                    argmin = l;
                }
            }
            assertEquals(argmin, e.weights()[0], 2e-5, "step " + e.step());
            assertEquals(1.0, e.weights()[0] + e.weights()[1], 1e-6, "step " + e.step());
            if (argmin > 0 && argmin < 1) {
                interior++;
            }
        }
        assertTrue(interior > 0, "some steps have conflicting enough gradients for an interior solution");
    }

    @Test
    void pcgradWeightsAreTheProjectionCoefficientsFromTheEventsGram() {
        List<GradientEvent> events = deterministicRun(twoTasks("PCGrad", 2, 32, false));
        int conflicts = 0;
        for (GradientEvent e : events) {
            double[][] g = e.totalGram();
            double conflict = Math.min(0, g[0][1]);
            // g_a^PC = g_a − (g_a·g_b/‖g_b‖²) g_b when g_a·g_b < 0, and symmetrically: Σ = (1 − c/‖g_a‖²) g_a + (1 − c/‖g_b‖²) g_b
            float[] expected = {(float) (1 - conflict / g[0][0]), (float) (1 - conflict / g[1][1])};
            assertArrayEquals(expected, e.weights(), 1e-6f * Math.max(1, Math.abs(expected[0]) + Math.abs(expected[1])),
                    "step " + e.step());
            if (conflict < 0) {
                conflicts++;
            }
        }
        assertTrue(conflicts > 0, "ρ = −0.8 gives conflicting steps");
    }

    @Test
    void uwWeightsFollowItsLogVariancesTrainedByTheRunsOptimizer() {
        TrainingRequest request = twoTasks("uw", 2, 32, false);
        List<GradientEvent> events = deterministicRun(request);
        UW uw = new UW();
        Optimizer adam = Optimizers.create(ADAM, 2);
        float[] logVariances = {-0.5f, -0.5f};
        for (GradientEvent e : events) {
            MethodResult r = uw.apply(StepInput.ofLosses(e.epoch() - 1, e.step(),
                    new double[] {e.losses()[0], e.losses()[1]}));
            assertArrayEquals(new float[] {(float) r.weights()[0], (float) r.weights()[1]}, e.weights(), "step " + e.step());
            for (int t = 0; t < 2; t++) {
                assertEquals(0.5 * Math.exp(-logVariances[t]), e.weights()[t], 1e-6, "1 / (2 e^s) at step " + e.step());
            }
            double[] gradient = uw.learnableParameters().orElseThrow().gradient();
            adam.step(logVariances, new float[] {(float) gradient[0], (float) gradient[1]});
            uw.learnableParameters().orElseThrow().setValues(new double[] {logVariances[0], logVariances[1]});
        }
        assertEquals((float) (Math.exp(0.5) / 2), events.get(0).weights()[0], 1e-6f, "s = −0.5 at the start: weight e^{0.5}/2");
        assertNotEquals(events.get(0).weights()[0], events.get(events.size() - 1).weights()[0], "s is learned");
    }

    @Test
    void famoStartsFromUniformLogitsAndMovesThemOnceAfterEveryStep() {
        List<GradientEvent> events = deterministicRun(twoTasks("FAMO", 2, 32, false));
        for (GradientEvent e : events) {
            assertEquals(1.0, e.weights()[0] + e.weights()[1], 1e-6, "FAMO's weights sum to 1");
        }
        // step 1: z = softmax(0) = ½ each, w_t = (1/L_t) / Σ_k (1/L_k)
        GradientEvent first = events.get(0);
        double inverseA = 1 / (first.losses()[0] + 1e-8);
        double inverseB = 1 / (first.losses()[1] + 1e-8);
        assertEquals(inverseA / (inverseA + inverseB), first.weights()[0], 1e-6);
        // step 2: one Adam step (lr 0.025) from zero logits moves them by ∓0.025: z_a / z_b = e^{±0.05}
        double[] z = impliedSoftmax(events.get(1));
        assertEquals(0.05, Math.abs(Math.log(z[0] / z[1])), 1e-4, "exactly one FAMO update after step 1");
        double[] last = impliedSoftmax(events.get(events.size() - 1));
        assertTrue(Math.abs(Math.log(last[0] / last[1])) > 0, "logits keep moving");
    }

    /** FAMO's weights are w_t = z_t / (c (L_t + 1e-8)), so z_t ∝ w_t (L_t + 1e-8). */
    private static double[] impliedSoftmax(GradientEvent e) {
        double a = e.weights()[0] * (e.losses()[0] + 1e-8);
        double b = e.weights()[1] * (e.losses()[1] + 1e-8);
        return new double[] {a / (a + b), b / (a + b)};
    }

    @Test
    void gradDropWeightsAreItsKeptSharesReplayedFromTheEventsFullGradients() {
        TrainingRequest request = twoTasks("graddrop", 1, 32, true);
        List<GradientEvent> events = deterministicRun(request);
        GradDrop replay = new GradDrop(0.0, Seeds.mix(request.seed(), Seeds.METHOD));
        boolean partial = false;
        for (GradientEvent e : events) {
            double[][] gradients = new double[2][];
            for (int t = 0; t < 2; t++) {
                gradients[t] = new double[e.fullGradients()[t].length];
                for (int k = 0; k < gradients[t].length; k++) {
                    gradients[t][k] = e.fullGradients()[t][k];
                }
            }
            MethodResult r = replay.apply(StepInput.ofGradients(e.epoch() - 1, e.step(),
                    new double[] {e.losses()[0], e.losses()[1]}, gradients));
            assertArrayEquals(new float[] {(float) r.weights()[0], (float) r.weights()[1]}, e.weights(), "step " + e.step());
            for (float w : e.weights()) {
                assertTrue(w >= 0 && w <= 1 + 1e-6, "a kept share: " + w);
                partial |= w < 0.999;
            }
        }
        assertTrue(partial, "sign dropout removed part of some task's gradient");
        List<GradientEvent> otherSeed = run(Requests.withSeed(request, 6));
        assertNotEquals(events.get(0).weights()[0], otherSeed.get(0).weights()[0], "the draws follow the run's seed");
    }

    @Test
    void lossWeightingWeightsTheHeadsAndGramMethodsLeaveThemRaw() {
        for (String name : List.of("UW", "EW", "MGDA", "GradDrop", "CAGrad")) {
            boolean loss = MethodRegistry.describe(name).kind() == MethodKind.LOSS_WEIGHTING;
            assertEquals(loss, Aggregation.forMethod(name, 2, 0, ADAM).weightsHeads(), name);
        }
        assertTrue(Aggregation.forMethod("graddrop", 2, 0, ADAM).needsGradientVectors());
        assertTrue(Aggregation.forMethod("db_mtl", 2, 0, ADAM).needsGradientVectors());
        assertFalse(Aggregation.forMethod("pcgrad", 2, 0, ADAM).needsGradientVectors(), "PCGrad decides from the Gram");
    }

    @Test
    void combineFormsTheWeightedSumOfTheTaskGradientsFromTheGram() {
        float[][] g = {{1f, 0f, 2f}, {-1f, 1f, 0f}};
        double[][] blocks = {GradientGeometry.packedGram(g, 0, 2), GradientGeometry.packedGram(g, 2, 3)};
        Aggregation mgda = Aggregation.forMethod("mgda", 2, 0, ADAM);
        assertTrue(mgda.needsGram());
        float[] combined = new float[3];
        float[] w = mgda.combine(1, 1, new float[] {1f, 1f}, g, blocks, combined);
        for (int k = 0; k < 3; k++) {
            assertEquals(w[0] * g[0][k] + w[1] * g[1][k], combined[k], 1e-6f);
        }
        // min-norm point of the hull of (1,0,2) and (−1,1,0): λ = (G_bb − G_ab)/(G_aa − 2G_ab + G_bb) = 3/9
        assertEquals(1 / 3f, w[0], 1e-6f);
        mgda.afterStep(() -> {
            throw new AssertionError("MGDA needs no losses after the step");
        });
        assertFalse(Aggregation.forMethod("ew", 2, 0, ADAM).needsGram(), "loss weighting needs no Gram");
        assertFalse(Aggregation.forMethod("graddrop", 2, 0, ADAM).needsGram(), "GradDrop computes it from the gradients");
    }
}
