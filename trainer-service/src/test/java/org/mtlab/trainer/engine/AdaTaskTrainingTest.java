package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/** The per-task Adam optimizer inside the trainer. */
class AdaTaskTrainingTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private static TrainingRequest with(TrainingRequest r, String optimizer, List<String> tasks, String method) {
        TrainingRequest t = Requests.withTasks(r, tasks, method);
        return new TrainingRequest(t.schemaVersion(), t.runId(), t.studyId(), t.attempt(), t.kind(), t.datasetTasks(),
                t.tasks(), t.dataset(), t.model(), new StudySpec.OptimizerSpec(optimizer, 0.01, null), t.method(),
                t.seed(), t.epochs(), t.batchSize(), t.telemetry());
    }

    @Test
    void withOneTaskItTrainsExactlyAsAdam() {
        TrainingRequest tiny = Requests.tiny(2, 32, new StudySpec.TelemetrySpec(1, false));
        MultiTaskTrainerTest.Recorder adam = new MultiTaskTrainerTest.Recorder();
        MultiTaskTrainerTest.Recorder ada = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome a = new MultiTaskTrainer().train(with(tiny, "adam", List.of("b"), "stl"), adam, () -> false);
        TrainingOutcome b = new MultiTaskTrainer().train(with(tiny, "adatask", List.of("b"), "stl"), ada, () -> false);
        assertEquals(a.finalMetrics(), b.finalMetrics());
        assertEquals(adam.gradients, ada.gradients);
    }

    @Test
    void withSeveralTasksItDiffersFromAdamLearnsAndResumesBitForBit(@TempDir Path dir) {
        TrainingRequest tiny = Requests.tiny(3, 32, new StudySpec.TelemetrySpec(1, false));
        TrainingRequest request = with(tiny, "adatask", tiny.tasks(), "ew");
        MultiTaskTrainerTest.Recorder reference = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome uninterrupted = new MultiTaskTrainer().train(request, reference, () -> false);
        MultiTaskTrainerTest.Recorder adam = new MultiTaskTrainerTest.Recorder();
        new MultiTaskTrainer().train(with(tiny, "adam", tiny.tasks(), "ew"), adam, () -> false);
        assertArrayEquals(adam.gradients.get(0).losses(), reference.gradients.get(0).losses(), "same start");
        assertNotEquals(adam.gradients.get(1).losses()[0], reference.gradients.get(1).losses()[0]);
        for (int m = 0; m < 3; m++) {
            assertTrue(uninterrupted.finalMetrics().get(3 * m).value() < uninterrupted.initialMetrics().get(3 * m).value(),
                    "test MSE fell: " + uninterrupted.finalMetrics().get(3 * m));
        }

        MultiTaskTrainer trainer = new MultiTaskTrainer(Device.cpu(), null, new Checkpoints(dir, 4));
        assertThrows(IllegalStateException.class,
                () -> trainer.train(request, MultiTaskTrainerTest.crashAt(14), () -> false));
        MultiTaskTrainerTest.Recorder resumed = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome outcome = trainer.train(request, resumed, () -> false);
        assertEquals(12, outcome.resumedFromStep());
        assertEquals(reference.gradients.stream().filter(e -> e.step() > 12).toList(), resumed.gradients);
        assertEquals(uninterrupted.finalMetrics(), outcome.finalMetrics());
    }

    @Test
    void itRunsWithEqualWeightingOnly() {
        TrainingRequest tiny = Requests.tiny(1, 32, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MultiTaskTrainer()
                .train(with(tiny, "adatask", tiny.tasks(), "pcgrad"), null, () -> false));
        assertTrue(e.getMessage().contains("ew"), e.getMessage());
    }
}
