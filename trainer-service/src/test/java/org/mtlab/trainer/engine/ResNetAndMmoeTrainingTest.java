package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/** The ResNet and MMoE trained end to end by {@link MultiTaskTrainer}, and resumed from their checkpoints. */
class ResNetAndMmoeTrainingTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private static final StudySpec.OptimizerSpec ADAM = new StudySpec.OptimizerSpec("adam", 5e-3, null);

    /** The ResNet on small generated 36×36 two-item composites. */
    private static TrainingRequest resNet(Path data, int trainSamples, int epochs, int telemetryEvery) {
        Map<String, Object> params = Map.of("path", data.toString(), "trainSamples", trainSamples,
                "validationSamples", 16, "testSamples", 16, "seed", 3);
        return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, Requests.RUN, Requests.STUDY, 1, RunKind.MTL,
                List.of("left", "right"), List.of("left", "right"), new StudySpec.DatasetSpec("multi-fashion", params),
                new StudySpec.ModelSpec("resnet", null), ADAM, "ew", 7, epochs, 32,
                new StudySpec.TelemetrySpec(telemetryEvery, false));
    }

    /**
     * MMoE with 4 experts of width 8 on three synthetic MMoE tasks (d = 8, 320 training samples; scale 3, so that the
     * learnable linear part of a target outweighs its sine terms).
     */
    private static TrainingRequest mmoe(String method, int epochs) {
        TrainingRequest tiny = Requests.tiny(epochs, 32, new StudySpec.TelemetrySpec(1, false));
        return new TrainingRequest(tiny.schemaVersion(), tiny.runId(), tiny.studyId(), 1, tiny.kind(),
                tiny.datasetTasks(), tiny.tasks(), new StudySpec.DatasetSpec("synthetic",
                Map.of("dimension", 8, "samples", 400, "scale", 3, "seed", 11)),
                new StudySpec.ModelSpec("mmoe", null, 4, 8),
                new StudySpec.OptimizerSpec("adam", 0.02, null), method, tiny.seed(), epochs, 32, tiny.telemetry());
    }

    @Test
    void theResNetFitsASmallTrainingSetAndReportsItsStagesAsBlocks(@TempDir Path dir) throws IOException {
        FashionLikeFiles.write(dir, 100, 40, 1);
        MultiTaskTrainerTest.Recorder recorder = new MultiTaskTrainerTest.Recorder();
        // 32 composites, one batch: 25 steps on the same batch must fit it (the loss the gradients are taken of)
        TrainingOutcome outcome = new MultiTaskTrainer().train(resNet(dir, 32, 25, 1), recorder, () -> false);

        assertEquals(25, outcome.steps());
        assertEquals(List.of("stem", "stage1", "stage2", "stage3"), recorder.run.blockNames());
        assertEquals(19_312, recorder.run.sharedParameters());
        assertEquals(4, recorder.gradients.get(0).blockGrams().length, "one Gram per stage");
        for (int t = 0; t < 2; t++) {
            List<Float> losses = recorder.losses(t);
            assertTrue(losses.get(24) < 0.5 * losses.get(0), "training cross-entropy of task " + t + " fell: " + losses);
        }
    }

    @Test
    void mmoeLearnsTheSyntheticTasksWithAnyMethod() {
        for (String method : List.of("ew", "pcgrad")) {
            MultiTaskTrainerTest.Recorder recorder = new MultiTaskTrainerTest.Recorder();
            TrainingOutcome outcome = new MultiTaskTrainer().train(mmoe(method, 10), recorder, () -> false);
            assertEquals(List.of("expert.0", "expert.1", "expert.2", "expert.3"), recorder.run.blockNames());
            assertEquals(4 * (8 * 8 + 8), recorder.run.sharedParameters(), "the experts are the shared parameters");
            for (int t = 0; t < 3; t++) {
                RunEvent.Metric mse = outcome.finalMetrics().get(3 * t);
                assertEquals("mse", mse.name());
                assertTrue(mse.value() < 0.9 * outcome.initialMetrics().get(3 * t).value(),
                        method + ": " + mse + " from " + outcome.initialMetrics().get(3 * t));
            }
        }
    }

    @Test
    void unsupportedCombinationsFailBeforeTheRunStarts() {
        TrainingRequest synthetic = Requests.tiny(1, 16, null);
        TrainingRequest resnetOnVectors = new TrainingRequest(synthetic.schemaVersion(), synthetic.runId(),
                synthetic.studyId(), 1, synthetic.kind(), synthetic.datasetTasks(), synthetic.tasks(),
                synthetic.dataset(), new StudySpec.ModelSpec("resnet", null), synthetic.optimizer(), "ew", 1, 1, 16, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MultiTaskTrainer().train(resnetOnVectors, null, () -> false));
        assertTrue(e.getMessage().contains("image"), e.getMessage());
    }

    /** An MMoE run that dies resumes from its last periodic checkpoint and continues bit for bit. */
    @Test
    void anMmoeRunResumesBitForBit(@TempDir Path dir) {
        TrainingRequest request = mmoe("uw", 3);
        MultiTaskTrainerTest.Recorder reference = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome uninterrupted = new MultiTaskTrainer().train(request, reference, () -> false);

        MultiTaskTrainer trainer = new MultiTaskTrainer(Device.cpu(), null, new Checkpoints(dir, 4));
        assertThrows(IllegalStateException.class,
                () -> trainer.train(request, MultiTaskTrainerTest.crashAt(14), () -> false));
        MultiTaskTrainerTest.Recorder resumed = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome outcome = trainer.train(request, resumed, () -> false);

        assertEquals(12, outcome.resumedFromStep());
        reference.assertContinuedBy(resumed, 12);
        assertEquals(uninterrupted.finalMetrics(), outcome.finalMetrics());
    }

    /**
     * A ResNet run that dies resumes from its last periodic checkpoint and continues bit for bit: the same losses and
     * weights at every later step, and the same final metrics.
     */
    @Test
    void aResNetRunResumesBitForBit(@TempDir Path dir) throws IOException {
        FashionLikeFiles.write(dir.resolve("data"), 100, 40, 2);
        TrainingRequest request = resNet(dir.resolve("data"), 64, 10, 1); // 2 steps per epoch, 20 in all
        MultiTaskTrainerTest.Recorder reference = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome uninterrupted = new MultiTaskTrainer().train(request, reference, () -> false);

        MultiTaskTrainer trainer = new MultiTaskTrainer(Device.cpu(), null, new Checkpoints(dir.resolve("ckpt"), 4));
        assertThrows(IllegalStateException.class,
                () -> trainer.train(request, MultiTaskTrainerTest.crashAt(14), () -> false));
        MultiTaskTrainerTest.Recorder resumed = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome outcome = trainer.train(request, resumed, () -> false);

        assertEquals(12, outcome.resumedFromStep());
        assertEquals(uninterrupted.steps(), outcome.steps());
        reference.assertContinuedBy(resumed, 12);
        assertEquals(uninterrupted.finalMetrics(), outcome.finalMetrics());
    }
}
