package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/** MultiLeNet on a small generated MultiFashion-like set, trained end to end by {@link MultiTaskTrainer}. */
class ClassificationTrainingTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    static TrainingRequest multiFashion(Path directory, String model, StudySpec.OptimizerSpec optimizer, int epochs,
                                        List<String> tasks) {
        Map<String, Object> params = Map.of("path", directory.toString(), "trainSamples", 4000,
                "validationSamples", 200, "testSamples", 600, "seed", 3);
        return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, Requests.RUN, Requests.STUDY, 1,
                tasks.size() == 1 ? RunKind.STL : RunKind.MTL, List.of("left", "right"), tasks,
                new StudySpec.DatasetSpec("multi-fashion", params),
                new StudySpec.ModelSpec(model, "mlp".equals(model) ? List.of(64) : null), optimizer, "ew", 7, epochs,
                32, new StudySpec.TelemetrySpec(10, false));
    }

    @Test
    void multiLeNetLearnsBothTasksFarAboveChance(@TempDir Path dir) throws IOException {
        FashionLikeFiles.write(dir, 600, 200, 1);
        TrainingRequest request = multiFashion(dir, "multilenet", new StudySpec.OptimizerSpec("adam", 1e-3, null), 3,
                List.of("left", "right"));
        AtomicBoolean sawBlocks = new AtomicBoolean();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void started(long totalSteps, RunEvent.RunDescriptor run) {
                sawBlocks.set(run.blockNames().equals(List.of("conv1", "conv2", "fc")));
            }
        };
        TrainingOutcome outcome = new MultiTaskTrainer().train(request, listener, () -> false);

        assertEquals(375, outcome.steps());
        assertTrue(sawBlocks.get(), "telemetry blocks are the trunk's layers");
        List<RunEvent.Metric> metrics = outcome.finalMetrics();
        assertEquals(8, metrics.size(), "accuracy and loss of two tasks on test and validation");
        for (int t = 0; t < 2; t++) {
            RunEvent.Metric accuracy = metrics.get(2 * t);
            assertEquals(List.of("left", "right").get(t), accuracy.task());
            assertEquals("test", accuracy.split());
            assertEquals("accuracy", accuracy.name());
            assertTrue(accuracy.higherIsBetter());
            assertTrue(accuracy.value() > 0.5, accuracy + ": chance is 0.1");
            RunEvent.Metric loss = metrics.get(2 * t + 1);
            assertEquals("loss", loss.name());
            assertTrue(loss.value() < 0.8 * outcome.initialMetrics().get(2 * t + 1).value(),
                    "cross-entropy fell: " + loss + " from " + outcome.initialMetrics().get(2 * t + 1));
        }
    }

    @Test
    void aMissingDatasetNamesTheDebianPackageBeforeTheRunStarts(@TempDir Path dir) {
        TrainingRequest request = multiFashion(dir.resolve("nowhere"), "multilenet",
                new StudySpec.OptimizerSpec("adam", 1e-3, null), 1, List.of("left", "right"));
        AtomicBoolean started = new AtomicBoolean();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void started(long totalSteps, RunEvent.RunDescriptor run) {
                started.set(true);
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new MultiTaskTrainer().train(request, listener, () -> false));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(!started.get());
    }

    @Test
    void multiLeNetNeedsImages() {
        TrainingRequest synthetic = Requests.tiny(1, 16, null);
        TrainingRequest lenet = new TrainingRequest(synthetic.schemaVersion(), synthetic.runId(), synthetic.studyId(), 1,
                synthetic.kind(), synthetic.datasetTasks(), synthetic.tasks(), synthetic.dataset(),
                new StudySpec.ModelSpec("multilenet", null), synthetic.optimizer(), "ew", 1, 1, 16, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MultiTaskTrainer().train(lenet, null, () -> false));
        assertTrue(e.getMessage().contains("image"), e.getMessage());
    }

    /** 320 training composites, batch 32: 10 steps per epoch, 3 epochs, telemetry every step. */
    private static TrainingRequest small(Path dir, StudySpec.OptimizerSpec optimizer) {
        TrainingRequest r = multiFashion(dir, "multilenet", optimizer, 3, List.of("left", "right"));
        Map<String, Object> params = Map.of("path", dir.toString(), "trainSamples", 320, "validationSamples", 40,
                "testSamples", 60, "seed", 3);
        return new TrainingRequest(r.schemaVersion(), r.runId(), r.studyId(), 2, r.kind(), r.datasetTasks(), r.tasks(),
                new StudySpec.DatasetSpec("multi-fashion", params), r.model(), optimizer, "ew", r.seed(), 3, 32,
                new StudySpec.TelemetrySpec(1, false));
    }

    private static final StudySpec.OptimizerSpec ADAMW_DECAY = new StudySpec.OptimizerSpec("adamw", 2e-3, null, null,
            0.05, new StudySpec.StepDecaySpec(1, 0.5));

    @Test
    void stepDecayChangesTrainingFromTheSecondEpochOnly(@TempDir Path dir) throws IOException {
        FashionLikeFiles.write(dir, 100, 40, 2);
        MultiTaskTrainerTest.Recorder decayed = new MultiTaskTrainerTest.Recorder();
        MultiTaskTrainerTest.Recorder constant = new MultiTaskTrainerTest.Recorder();
        new MultiTaskTrainer().train(small(dir, ADAMW_DECAY), decayed, () -> false);
        new MultiTaskTrainer().train(small(dir, new StudySpec.OptimizerSpec("adamw", 2e-3, null, null, 0.05, null)),
                constant, () -> false);
        for (int i = 0; i < 11; i++) { // steps 1..10 and the first step of epoch 2 start from the same parameters
            assertArrayEquals(constant.gradients.get(i).losses(), decayed.gradients.get(i).losses(), "step " + (i + 1));
        }
        assertNotEquals(constant.gradients.get(11).losses()[0], decayed.gradients.get(11).losses()[0],
                "step 12 follows a step at half the rate");
    }

    /**
     * A MultiLeNet run with AdamW and step decay that dies mid-epoch resumes from its last checkpoint and continues bit
     * for bit: every later step once, in order, with the uninterrupted run's losses and weights, and the same final
     * metrics.
     */
    @Test
    void aMultiLeNetRunWithAdamWAndStepDecayResumesBitForBit(@TempDir Path dir) throws IOException {
        FashionLikeFiles.write(dir.resolve("data"), 100, 40, 2);
        TrainingRequest request = small(dir.resolve("data"), ADAMW_DECAY);
        MultiTaskTrainerTest.Recorder reference = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome uninterrupted = new MultiTaskTrainer().train(request, reference, () -> false);

        MultiTaskTrainer trainer = new MultiTaskTrainer(Device.cpu(), null, new Checkpoints(dir.resolve("ckpt"), 4));
        assertThrows(IllegalStateException.class,
                () -> trainer.train(request, MultiTaskTrainerTest.crashAt(14), () -> false));
        MultiTaskTrainerTest.Recorder resumed = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome outcome = trainer.train(request, resumed, () -> false);

        assertEquals(12, outcome.resumedFromStep());
        reference.assertContinuedBy(resumed, 12);
        assertEquals(uninterrupted.steps(), outcome.steps());
        assertEquals(uninterrupted.finalMetrics(), outcome.finalMetrics());
    }
}
