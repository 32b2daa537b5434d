package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/** Whole runs with {@code telemetry.gradientSpace = representation}. */
class RepresentationTrainingTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private static final StudySpec.TelemetrySpec REPRESENTATION_EVERY_STEP =
            new StudySpec.TelemetrySpec(1, false, 0, null, "representation");

    private final MultiTaskTrainer trainer = new MultiTaskTrainer();

    private static TrainingRequest request(String method, int epochs, StudySpec.TelemetrySpec telemetry) {
        List<String> tasks = List.of("a", "b", "c");
        return Requests.request(tasks, tasks, Map.of("dimension", 10, "samples", 1000, "scale", 0.2), List.of(32, 16),
                new StudySpec.OptimizerSpec("adam", 0.01, null), method, 1, epochs, 32, telemetry);
    }

    @Test
    void aRepresentationSpaceRunLearnsAndItsEventsSayTheirSpaceAndDecode() {
        for (String method : List.of("ew", "mgda")) {
            MultiTaskTrainerTest.Recorder recorder = new MultiTaskTrainerTest.Recorder();
            TrainingOutcome outcome = trainer.train(request(method, 4, REPRESENTATION_EVERY_STEP), recorder, () -> false);

            assertEquals(List.of(MultiTaskTrainer.REPRESENTATION_BLOCK), recorder.run.blockNames());
            assertEquals(outcome.steps(), recorder.gradients.size(), method + ": an event every step");
            for (GradientEvent e : recorder.gradients) {
                assertEquals(GradientEvent.Space.REPRESENTATION, e.space());
                assertEquals(1, e.blockCount());
                assertTrue(e.gram(0, 0, 0) > 0 && e.gram(0, 2, 2) > 0, "non-zero representation gradients");
                GradientEvent back = GradientEventCodec.decode(GradientEventCodec.encode(e));
                assertEquals(e, back);
                assertEquals(GradientEvent.Space.REPRESENTATION, back.space());
            }
            if (method.equals("ew")) {
                assertArrayEquals(new float[] {1, 1, 1}, recorder.gradients.get(0).weights());
            }
            // validation MSE of every task well below where it started
            for (int i = 0; i < outcome.finalMetrics().size(); i++) {
                RunEvent.Metric before = outcome.initialMetrics().get(i);
                RunEvent.Metric after = outcome.finalMetrics().get(i);
                if (after.name().equals("mse")) {
                    assertTrue(after.value() < 0.6 * before.value(), method + ": " + after + " vs " + before);
                }
            }
            double first = 0;
            double last = 0;
            int n = recorder.gradients.size();
            for (int s = 0; s < 10; s++) {
                for (int t = 0; t < 3; t++) {
                    first += recorder.gradients.get(s).losses()[t];
                    last += recorder.gradients.get(n - 1 - s).losses()[t];
                }
            }
            assertTrue(last < 0.6 * first, method + ": training loss falls from " + first + " to " + last);
        }
    }

    @Test
    void fullRepresentationGradientsHaveRowsTimesWidthEntriesAndTheEventsGramIsTheirs() {
        MultiTaskTrainerTest.Recorder recorder = new MultiTaskTrainerTest.Recorder();
        // 800 training samples in batches of 32 (the last batch full) with trunk [32, 16]: 32 × 16 entries
        trainer.train(request("ew", 1, new StudySpec.TelemetrySpec(7, true, 0, null, "representation")), recorder,
                () -> false);
        assertFalse(recorder.gradients.isEmpty());
        for (GradientEvent e : recorder.gradients) {
            assertArrayEquals(new int[] {32 * 16}, e.blockSizes());
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double dot = 0;
                    double magnitude = 0;
                    for (int k = 0; k < 32 * 16; k++) {
                        dot += (double) e.fullGradients()[i][k] * e.fullGradients()[j][k];
                        magnitude += Math.abs((double) e.fullGradients()[i][k] * e.fullGradients()[j][k]);
                    }
                    assertEquals(dot, e.gram(0, i, j), 1e-6 * magnitude, "float32 accumulation on the device");
                }
            }
        }
    }

    @Test
    void aRepresentationSpaceBaselineIsMeasuredOnTheSharedParameters() {
        MultiTaskTrainerTest.Recorder recorder = new MultiTaskTrainerTest.Recorder();
        trainer.train(request("ew", 1, new StudySpec.TelemetrySpec(5, false, 4, 2, "representation")), recorder,
                () -> false);
        List<GradientEvent> withBaseline = recorder.gradients.stream().filter(GradientEvent::hasBaseline).toList();
        assertEquals(recorder.gradients.size() / 2, withBaseline.size(), "every 2nd event");
        for (GradientEvent e : withBaseline) {
            assertEquals(10 * 32 + 32 + 32 * 16 + 16, e.baseline().sharedParameters());
            assertEquals(e, GradientEventCodec.decode(GradientEventCodec.encode(e)));
        }
    }

    @Test
    void theTrainerRefusesWhatRepresentationSpaceCannotRun() {
        assertThrows(IllegalArgumentException.class,
                () -> trainer.train(request("db-mtl", 1, REPRESENTATION_EVERY_STEP), null, () -> false));
        List<String> tasks = List.of("a", "b", "c");
        TrainingRequest adaTask = Requests.request(tasks, tasks, Map.of("dimension", 10, "samples", 200), List.of(8),
                new StudySpec.OptimizerSpec("adatask", 0.01, null), "ew", 1, 1, 32, REPRESENTATION_EVERY_STEP);
        assertThrows(IllegalArgumentException.class, () -> trainer.train(adaTask, null, () -> false));
    }
}
