package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

class MultiTaskTrainerTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private final MultiTaskTrainer trainer = new MultiTaskTrainer();

    /** Records everything a run reports. */
    static final class Recorder implements TrainingListener {
        long totalSteps = -1;
        RunEvent.RunDescriptor run;
        final List<GradientEvent> gradients = new ArrayList<>();
        final List<long[]> progress = new ArrayList<>();
        final List<List<RunEvent.Metric>> evaluations = new ArrayList<>();

        @Override
        public void started(long totalSteps, RunEvent.RunDescriptor run) {
            this.totalSteps = totalSteps;
            this.run = run;
        }

        @Override
        public void gradients(GradientEvent event) {
            gradients.add(event);
        }

        @Override
        public void progress(long step, long totalSteps, int epoch) {
            progress.add(new long[] {step, totalSteps, epoch});
        }

        @Override
        public void evaluated(long step, int epoch, List<RunEvent.Metric> metrics) {
            evaluations.add(metrics);
        }

        /**
         * The events of {@code resumed} are this run's after step {@code after}: every later step once, in order, with
         * bit-identical losses and task weights.
         */
        void assertContinuedBy(Recorder resumed, long after) {
            List<GradientEvent> expected = gradients.stream().filter(e -> e.step() > after).toList();
            assertEquals(expected.stream().map(GradientEvent::step).toList(),
                    resumed.gradients.stream().map(GradientEvent::step).toList(),
                    "every step after the checkpoint, once, in order");
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i).losses(), resumed.gradients.get(i).losses(),
                        "losses of step " + expected.get(i).step());
                assertArrayEquals(expected.get(i).weights(), resumed.gradients.get(i).weights(),
                        "weights of step " + expected.get(i).step());
            }
        }

        List<Float> losses(int task) {
            List<Float> out = new ArrayList<>();
            for (GradientEvent e : gradients) {
                out.add(e.losses()[task]);
            }
            return out;
        }
    }

    /** The listener of an attempt that dies (an exception out of the training thread) at the given step. */
    static TrainingListener crashAt(long step) {
        return new TrainingListener() {
            @Override
            public void gradients(GradientEvent event) {
                if (event.step() == step) {
                    throw new IllegalStateException("pod lost");
                }
            }
        };
    }

    @Test
    void gramInTheEventIsTheGramOfTheFullGradients() {
        TrainingRequest request = Requests.tiny(1, 32, new StudySpec.TelemetrySpec(3, true));
        Recorder recorder = new Recorder();
        trainer.train(request, recorder, () -> false);

        // trunk [16, 8] on d = 8: blocks of 8·16 + 16 and 16·8 + 8 parameters
        assertEquals(List.of("shared.0", "shared.1"), recorder.run.blockNames());
        assertEquals(144 + 136, recorder.run.sharedParameters());
        assertEquals(10, recorder.totalSteps);
        assertEquals(3, recorder.gradients.size(), "steps 3, 6, 9 of 10");
        for (GradientEvent e : recorder.gradients) {
            assertEquals(0, e.step() % 3);
            assertEquals(1, e.epoch());
            assertEquals(Requests.RUN, e.runId());
            assertArrayEquals(new int[] {144, 136}, e.blockSizes());
            assertArrayEquals(new float[] {1, 1, 1}, e.weights());
            int start = 0;
            for (int b = 0; b < e.blockCount(); b++) {
                int end = start + e.blockSizes()[b];
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        double dot = 0;
                        double magnitude = 0;
                        for (int k = start; k < end; k++) {
                            dot += (double) e.fullGradients()[i][k] * e.fullGradients()[j][k];
                            magnitude += Math.abs((double) e.fullGradients()[i][k] * e.fullGradients()[j][k]);
                        }
                        // float32 accumulation on the device: within a few ulps of Σ|a_k b_k|
                        assertEquals(dot, e.gram(b, i, j), 1e-6 * magnitude, "block " + b + " (" + i + "," + j + ")");
                    }
                }
                start = end;
            }
            assertTrue(e.gram(0, 0, 0) > 0 && e.gram(1, 2, 2) > 0, "non-zero task gradients");
            assertEquals(e, GradientEventCodec.decode(GradientEventCodec.encode(e)), "the event survives the wire");
        }
    }

    @Test
    void withoutFullGradientsEventsCarryGramsOnly() {
        Recorder recorder = new Recorder();
        trainer.train(Requests.tiny(1, 64, new StudySpec.TelemetrySpec(1, false)), recorder, () -> false);
        assertEquals(5, recorder.gradients.size());
        GradientEvent e = recorder.gradients.get(0);
        assertFalse(e.hasFullGradients());
        assertNull(e.blockSizes());
        assertEquals(2, e.blockCount());
        assertEquals(1, e.step());
        GradientEventCodec.decode(GradientEventCodec.encode(e));
    }

    @Test
    void trainingBringsTheValidationErrorWellBelowTheInitialOne() {
        List<String> tasks = List.of("a", "b", "c");
        TrainingRequest request = Requests.request(tasks, tasks,
                Map.of("dimension", 10, "samples", 2000, "scale", 0.2), List.of(32),
                new StudySpec.OptimizerSpec("adam", 0.01, null), "ew", 1, 10, 32, new StudySpec.TelemetrySpec(100_000, false));
        Recorder recorder = new Recorder();
        TrainingOutcome outcome = trainer.train(request, recorder, () -> false);

        assertEquals(500, outcome.steps());
        assertEquals(10, outcome.epochs());
        assertFalse(outcome.cancelled());
        assertEquals(10, recorder.evaluations.size());
        assertEquals(recorder.evaluations.get(9), outcome.finalMetrics());
        assertEquals(18, outcome.finalMetrics().size(), "test then validation MSE, MAE and loss of three tasks");
        for (int i = 0; i < 18; i++) {
            RunEvent.Metric before = outcome.initialMetrics().get(i);
            RunEvent.Metric after = outcome.finalMetrics().get(i);
            assertEquals(before.task(), after.task());
            assertEquals(tasks.get(i / 3 % 3), after.task());
            assertEquals(i < 9 ? "test" : "validation", after.split());
            assertEquals(List.of("mse", "mae", "loss").get(i % 3), after.name());
            assertFalse(after.higherIsBetter());
            assertTrue(after.value() < (after.name().equals("mae") ? 0.75 : 0.5) * before.value(),
                    after + " should be far below " + before);
        }
        long[] lastProgress = recorder.progress.get(recorder.progress.size() - 1);
        assertArrayEquals(new long[] {500, 500, 10}, lastProgress);
    }

    @Test
    void sameRequestGivesIdenticalLossesAndAnotherSeedDoesNot() {
        TrainingRequest request = Requests.tiny(2, 16, new StudySpec.TelemetrySpec(1, false));
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Recorder other = new Recorder();
        TrainingOutcome a = trainer.train(request, first, () -> false);
        TrainingOutcome b = new MultiTaskTrainer().train(request, second, () -> false);
        trainer.train(Requests.withSeed(request, 6), other, () -> false);

        assertEquals(40, first.gradients.size());
        for (int t = 0; t < 3; t++) {
            assertEquals(first.losses(t), second.losses(t), "task " + t);
        }
        assertEquals(first.gradients, second.gradients, "identical Gram matrices too");
        assertEquals(a.finalMetrics(), b.finalMetrics());
        assertNotEquals(first.losses(0), other.losses(0));
    }

    @Test
    void stlRunTrainsOneHeadOnItsTaskOfTheStudyData() {
        TrainingRequest mtl = Requests.tiny(1, 32, new StudySpec.TelemetrySpec(1, false));
        TrainingRequest stl = Requests.withTasks(mtl, List.of("b"), "stl");
        Recorder mtlRecorder = new Recorder();
        Recorder stlRecorder = new Recorder();
        trainer.train(mtl, mtlRecorder, () -> false);
        TrainingOutcome outcome = trainer.train(stl, stlRecorder, () -> false);

        assertEquals(RunKind.STL, stlRecorder.run.kind());
        assertEquals(List.of("b"), stlRecorder.run.tasks());
        assertEquals("stl", stlRecorder.run.method());
        assertEquals("cpu", stlRecorder.run.device());
        for (GradientEvent e : stlRecorder.gradients) {
            assertEquals(1, e.taskCount());
            assertEquals(1, e.blockGrams()[0].length);
        }
        assertEquals(6, outcome.finalMetrics().size(), "test and validation MSE, MAE and loss of b");
        assertTrue(outcome.finalMetrics().stream().allMatch(m -> m.task().equals("b")));
        // same data, same trunk and head initialisation, same batches: the very first loss of b is the same number
        assertEquals(mtlRecorder.gradients.get(0).losses()[1], stlRecorder.gradients.get(0).losses()[0]);
        // and the same initial evaluation of b (its test MSE: first for the STL run, after a's three for the MTL run)
        assertEquals(outcome.initialMetrics().get(0).value(),
                trainer.train(mtl, TrainingListener.NONE, () -> true).initialMetrics().get(3).value());
    }

    @Test
    void cancellationStopsBeforeTheNextStep() {
        AtomicInteger checks = new AtomicInteger();
        Recorder recorder = new Recorder();
        TrainingOutcome outcome = trainer.train(Requests.tiny(3, 16, new StudySpec.TelemetrySpec(1, false)), recorder,
                () -> checks.incrementAndGet() > 7);
        assertTrue(outcome.cancelled());
        assertEquals(7, outcome.steps());
        assertEquals(7, recorder.gradients.size());
        assertEquals(0, outcome.epochs());
        assertTrue(outcome.finalMetrics().isEmpty());
    }

    @Test
    void unsupportedRequestsAreRefusedWithAClearMessage() {
        TrainingRequest ok = Requests.tiny(1, 32, StudySpec.TelemetrySpec.DEFAULT);
        IllegalArgumentException method = assertThrows(IllegalArgumentException.class,
                () -> trainer.train(Requests.withTasks(ok, ok.tasks(), "magic"), null, null));
        assertTrue(method.getMessage().contains("magic") && method.getMessage().contains("PCGrad"), method.getMessage());
        assertThrows(IllegalArgumentException.class, () -> trainer.train(Requests.withTasks(ok, ok.tasks(), "stl"), null, null));
        TrainingRequest cnn = new TrainingRequest(1, ok.runId(), ok.studyId(), 1, ok.kind(), ok.datasetTasks(), ok.tasks(),
                ok.dataset(), new StudySpec.ModelSpec("cnn", List.of(4)), ok.optimizer(), "ew", 0, 1, 8, ok.telemetry());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> trainer.train(cnn, null, null)).getMessage().contains("cnn"));
        TrainingRequest rmsprop = new TrainingRequest(1, ok.runId(), ok.studyId(), 1, ok.kind(), ok.datasetTasks(), ok.tasks(),
                ok.dataset(), ok.model(), new StudySpec.OptimizerSpec("rmsprop", 0.1, null), "ew", 0, 1, 8, ok.telemetry());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> trainer.train(rmsprop, null, null)).getMessage().contains("rmsprop"));
        TrainingRequest huge = new TrainingRequest(1, ok.runId(), ok.studyId(), 1, ok.kind(), ok.datasetTasks(), ok.tasks(),
                new StudySpec.DatasetSpec("synthetic", Map.of("dimension", 1000, "samples", 20)), new StudySpec.ModelSpec("mlp", List.of(64)),
                ok.optimizer(), "ew", 0, 1, 8, new StudySpec.TelemetrySpec(1, true));
        assertThrows(IllegalArgumentException.class, () -> trainer.train(huge, null, null));
    }
}
