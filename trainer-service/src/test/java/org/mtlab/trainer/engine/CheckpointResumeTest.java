package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.optim.OptimizerState;

/** Checkpoints and resume: a resumed run continues exactly where the interrupted one stopped. */
class CheckpointResumeTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    @TempDir
    Path dir;

    private final MultiTaskTrainer plain = new MultiTaskTrainer();

    /** Three tasks, 320 training samples, batch 32: 10 steps per epoch, 3 epochs; telemetry on every step. */
    private static TrainingRequest request(String method, StudySpec.OptimizerSpec optimizer) {
        TrainingRequest tiny = Requests.tiny(3, 32, new StudySpec.TelemetrySpec(1, false));
        TrainingRequest r = Requests.withTasks(tiny, tiny.tasks(), method);
        return new TrainingRequest(r.schemaVersion(), r.runId(), r.studyId(), 3, r.kind(), r.datasetTasks(), r.tasks(),
                r.dataset(), r.model(), optimizer, r.method(), r.seed(), r.epochs(), r.batchSize(), r.telemetry());
    }

    private static final StudySpec.OptimizerSpec ADAM = new StudySpec.OptimizerSpec("adam", 0.01, null);
    private static final StudySpec.OptimizerSpec SGD = new StudySpec.OptimizerSpec("sgd", 0.05, 0.9);

    private MultiTaskTrainer checkpointing(int every) {
        return new MultiTaskTrainer(Device.cpu(), null, new Checkpoints(dir, every));
    }

    /** Events of the resumed attempt equal the uninterrupted run's from step {@code after} + 1 on, bit for bit. */
    private static void assertContinues(MultiTaskTrainerTest.Recorder reference, MultiTaskTrainerTest.Recorder resumed,
                                        long after, TrainingRequest request) {
        List<GradientEvent> expected = reference.gradients.stream().filter(e -> e.step() > after).toList();
        assertEquals(expected.size(), resumed.gradients.size(), "one gradient event per step after the checkpoint");
        for (int i = 0; i < expected.size(); i++) {
            GradientEvent e = expected.get(i);
            GradientEvent a = resumed.gradients.get(i);
            assertEquals(e.step(), a.step());
            assertEquals(e.epoch(), a.epoch());
            assertEquals(request.attempt(), a.attempt(), "a resumed run keeps the request's attempt");
            assertArrayEquals(e.losses(), a.losses(), "losses of step " + e.step());
            assertArrayEquals(e.weights(), a.weights(), "weights of step " + e.step());
            for (int b = 0; b < e.blockGrams().length; b++) {
                assertArrayEquals(e.blockGrams()[b], a.blockGrams()[b], "Gram of step " + e.step());
            }
        }
    }

    @Test
    void aRunThatDiesResumesFromItsLastPeriodicCheckpointBitForBit() {
        TrainingRequest request = request("ew", ADAM);
        MultiTaskTrainerTest.Recorder reference = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome uninterrupted = plain.train(request, reference, () -> false);
        assertEquals(30, uninterrupted.steps());

        // checkpoints after steps 4, 8, 10 (epoch end), 12; dies during step 14
        MultiTaskTrainer trainer = checkpointing(4);
        assertThrows(IllegalStateException.class,
                () -> trainer.train(request, MultiTaskTrainerTest.crashAt(14), () -> false));
        assertTrue(trainer.checkpoints().exists(request.runId()));

        MultiTaskTrainerTest.Recorder resumed = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome outcome = trainer.train(request, resumed, () -> false);
        assertEquals(12, outcome.resumedFromStep());
        assertEquals(30, outcome.steps());
        assertEquals(3, outcome.epochs());
        assertFalse(outcome.cancelled());
        assertContinues(reference, resumed, 12, request);
        assertEquals(uninterrupted.finalMetrics(), outcome.finalMetrics());
        assertEquals(uninterrupted.initialMetrics(), outcome.initialMetrics());
        assertEquals(reference.evaluations.subList(1, 3), resumed.evaluations, "epochs 2 and 3 are evaluated again");
        assertEquals(30, resumed.progress.get(resumed.progress.size() - 1)[0]);
        assertEquals(reference.totalSteps, resumed.totalSteps);
    }

    @Test
    void aCancelledRunCheckpointsWhereItStoppedAndLearnableMethodStateResumesExactly() {
        for (String method : List.of("uw", "imtl_l")) {
            TrainingRequest request = request(method, SGD);
            MultiTaskTrainerTest.Recorder reference = new MultiTaskTrainerTest.Recorder();
            TrainingOutcome uninterrupted = plain.train(request, reference, () -> false);

            MultiTaskTrainer trainer = checkpointing(0); // epoch ends and cancellation only
            MultiTaskTrainerTest.Recorder first = new MultiTaskTrainerTest.Recorder();
            TrainingOutcome cancelled = trainer.train(request, first, () -> first.gradients.size() >= 17);
            assertTrue(cancelled.cancelled());
            assertEquals(17, cancelled.steps());

            MultiTaskTrainerTest.Recorder resumed = new MultiTaskTrainerTest.Recorder();
            TrainingOutcome outcome = trainer.train(request, resumed, () -> false);
            assertEquals(17, outcome.resumedFromStep(), method);
            assertContinues(reference, resumed, 17, request);
            assertEquals(uninterrupted.finalMetrics(), outcome.finalMetrics(), method);
            trainer.checkpoints().delete(request.runId());
            assertFalse(trainer.checkpoints().exists(request.runId()));
        }
    }

    @Test
    void aFinishedRunsCheckpointGivesItsOutcomeWithoutTrainingAgain() throws IOException {
        TrainingRequest request = request("ew", ADAM);
        MultiTaskTrainer trainer = checkpointing(7);
        TrainingOutcome done = trainer.train(request, null, () -> false);
        assertTrue(trainer.checkpoints().exists(request.runId()), "kept until the caller deletes it");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(trainer.checkpoints().file(request.runId())), files.toList(), "no temporary files");
        }

        MultiTaskTrainerTest.Recorder again = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome outcome = trainer.train(request, again, () -> false);
        assertEquals(30, outcome.resumedFromStep());
        assertEquals(30, outcome.steps());
        assertEquals(3, outcome.epochs());
        assertEquals(done.finalMetrics(), outcome.finalMetrics());
        assertTrue(again.gradients.isEmpty());
    }

    @Test
    void aCheckpointOfAnotherConfigurationOrAnUnreadableOneIsIgnored() throws IOException {
        TrainingRequest request = request("ew", ADAM);
        MultiTaskTrainer trainer = checkpointing(0);
        MultiTaskTrainerTest.Recorder first = new MultiTaskTrainerTest.Recorder();
        trainer.train(request, first, () -> first.gradients.size() >= 5);
        assertTrue(trainer.checkpoints().exists(request.runId()));

        TrainingRequest other = Requests.withSeed(request, 99); // same run id, another seed
        MultiTaskTrainerTest.Recorder reference = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome expected = plain.train(other, reference, () -> false);
        MultiTaskTrainerTest.Recorder fresh = new MultiTaskTrainerTest.Recorder();
        TrainingOutcome outcome = trainer.train(other, fresh, () -> false);
        assertEquals(0, outcome.resumedFromStep());
        assertContinues(reference, fresh, 0, other);
        assertEquals(expected.finalMetrics(), outcome.finalMetrics());

        Path file = trainer.checkpoints().file(request.runId());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(file, bytes);
        TrainingOutcome afterCorruption = trainer.train(other, null, () -> false);
        assertEquals(0, afterCorruption.resumedFromStep());
        assertEquals(expected.finalMetrics(), afterCorruption.finalMetrics());
    }

    @Test
    void encodingRoundTripsEveryField() throws IOException {
        Checkpoints.Checkpoint c = new Checkpoints.Checkpoint("abc", 42, 3, 64, 2,
                new float[] {1.5f, -0f, Float.MIN_VALUE}, new OptimizerState("adam", 42,
                Map.of("exp_avg", new double[] {0.1, -2}, "exp_avg_sq", new double[] {3, 4e-300})),
                new Checkpoints.MethodState(new float[] {0.25f}, new OptimizerState("sgd", 41,
                        Map.of("momentum", new double[] {7}))),
                List.of(new org.mtlab.core.contract.RunEvent.Metric("a", "test", "mse", 0.125, false)),
                new float[] {0.5f, -3f});
        Checkpoints.Checkpoint back = Checkpoints.decode(Checkpoints.encode(c));
        assertEquals(c.fingerprint(), back.fingerprint());
        assertEquals(c.step(), back.step());
        assertEquals(c.epoch(), back.epoch());
        assertEquals(c.from(), back.from());
        assertEquals(c.epochsDone(), back.epochsDone());
        assertArrayEquals(c.params(), back.params());
        assertEquals(c.optimizer(), back.optimizer());
        assertArrayEquals(c.methodState().learnableValues(), back.methodState().learnableValues());
        assertEquals(c.methodState().optimizer(), back.methodState().optimizer());
        assertEquals(c.lastMetrics(), back.lastMetrics());
        assertArrayEquals(c.buffers(), back.buffers());
    }

    /** A checkpoint written before buffers were saved (format 1) still reads, with none. */
    @Test
    void aFormatOneCheckpointReadsWithoutBuffers() throws IOException {
        Checkpoints.Checkpoint c = new Checkpoints.Checkpoint("abc", 7, 1, 0, 0, new float[] {2f},
                new OptimizerState("sgd", 7, Map.of("momentum", new double[] {1})), null, List.of());
        byte[] current = Checkpoints.encode(c);
        // format 1 = format 2 without the buffers' length (0, four bytes) before the checksum, version 1
        byte[] body = java.util.Arrays.copyOf(current, current.length - 8 - 4);
        java.nio.ByteBuffer.wrap(body).putInt(4, 1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(body);
        byte[] old = java.nio.ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue()).array();
        Checkpoints.Checkpoint back = Checkpoints.decode(old);
        assertArrayEquals(c.params(), back.params());
        assertEquals(0, back.buffers().length);
        assertEquals(c.optimizer(), back.optimizer());
    }
}
