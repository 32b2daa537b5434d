package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/** A team's own IDX images with a label file per task, trained end to end by MultiLeNet. */
class IdxTrainingTest {
    private static final int SIDE = 24;
    private static final int IMAGES = 600;

    @TempDir
    Path dir;

    /**
     * 24×24 noisy images with one vertical bar, in the left or the right half: task {@code side} is that half (0 left,
     * 1 right), task {@code level} the bar's brightness in [0.3, 1] (stored as floats).
     */
    private void write(int labelCount) throws IOException {
        SplittableRandom random = new SplittableRandom(21);
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        DataOutputStream imageOut = new DataOutputStream(images);
        imageOut.writeInt(0x803);
        imageOut.writeInt(IMAGES);
        imageOut.writeInt(SIDE);
        imageOut.writeInt(SIDE);
        ByteArrayOutputStream sides = new ByteArrayOutputStream();
        DataOutputStream sideOut = new DataOutputStream(sides);
        sideOut.writeInt(0x801);
        sideOut.writeInt(labelCount);
        ByteArrayOutputStream levels = new ByteArrayOutputStream();
        DataOutputStream levelOut = new DataOutputStream(levels);
        levelOut.writeInt(0xD01);
        levelOut.writeInt(IMAGES);
        for (int i = 0; i < IMAGES; i++) {
            int side = random.nextInt(2);
            double level = 0.3 + 0.7 * random.nextDouble();
            int column = side * SIDE / 2 + 2 + random.nextInt(SIDE / 2 - 6);
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    boolean bar = c >= column && c < column + 3 && r >= 3 && r < SIDE - 3;
                    double v = (bar ? level : 0) + 0.15 * random.nextDouble();
                    imageOut.writeByte((int) Math.round(255 * Math.min(1, v)));
                }
            }
            if (i < labelCount) {
                sideOut.writeByte(side);
            }
            levelOut.writeFloat((float) level);
        }
        Files.write(dir.resolve("images.idx3"), images.toByteArray());
        Files.write(dir.resolve("side.idx1"), sides.toByteArray());
        Files.write(dir.resolve("level.idx1"), levels.toByteArray());
    }

    private TrainingRequest request(List<String> tasks) {
        Map<String, Object> params = Map.of("images", dir.resolve("images.idx3").toString(), "labels", Map.of(
                "side", Map.of("path", dir.resolve("side.idx1").toString(), "kind", "classification"),
                "level", Map.of("path", dir.resolve("level.idx1").toString(), "kind", "regression")), "seed", 4);
        return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, Requests.RUN, Requests.STUDY, 1,
                tasks.size() == 1 ? RunKind.STL : RunKind.MTL, List.of("side", "level"), tasks,
                new StudySpec.DatasetSpec("idx", params), new StudySpec.ModelSpec("multilenet", null),
                new StudySpec.OptimizerSpec("adam", 0.003, null), "ew", 2, 4, 32, new StudySpec.TelemetrySpec(10, false));
    }

    private static double metric(List<RunEvent.Metric> metrics, String task, String name) {
        return metrics.stream().filter(m -> m.task().equals(task) && m.split().equals("test") && m.name().equals(name))
                .findFirst().orElseThrow().value();
    }

    @Test
    void multiLeNetLearnsBothTasksOfAnIdxDataset() throws IOException {
        write(IMAGES);
        TrainingOutcome outcome = new MultiTaskTrainer().train(request(List.of("side", "level")), null, () -> false);
        double accuracy = metric(outcome.finalMetrics(), "side", "accuracy");
        assertTrue(accuracy > 0.9, "side accuracy " + accuracy + " (chance 0.5)");
        double mse = metric(outcome.finalMetrics(), "level", "mse");
        double before = metric(outcome.initialMetrics(), "level", "mse");
        // predicting the mean level alone leaves its variance, 0.7² / 12 ≈ 0.041: learning must beat that
        assertTrue(mse < 0.5 * 0.7 * 0.7 / 12, "level mse " + mse + " from " + before);
    }

    @Test
    void aLabelFileOfTheWrongLengthFailsBeforeTheRunStarts() throws IOException {
        write(IMAGES - 1);
        AtomicBoolean started = new AtomicBoolean();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void started(long totalSteps, RunEvent.RunDescriptor run) {
                started.set(true);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MultiTaskTrainer().train(request(List.of("level")), listener, () -> false));
        assertTrue(e.getMessage().contains("dataset.params.labels.side.path (" + dir.resolve("side.idx1") + ") has 599 "
                + "labels for the 600 images"), e.getMessage());
        assertFalse(started.get());
    }
}
