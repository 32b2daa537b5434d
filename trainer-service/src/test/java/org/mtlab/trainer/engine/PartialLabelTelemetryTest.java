package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.ConflictBaseline;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.data.DatasetKinds;
import org.mtlab.core.data.Shuffle;
import org.mtlab.core.data.TaskData;

/**
 * Partial labels through the trainer: with three quarters of task b's labels missing and batches of two, many steps'
 * batches hold none of b's labels. Each gradient event says so exactly when the batch — rebuilt here from the data and
 * the run's shuffle — holds none, and then b's loss is 0, its weight 0, its Gram row and column and full gradient zero;
 * the conflict baseline draws only fully labelled rows; every method runs such steps to finite results.
 */
class PartialLabelTelemetryTest {
    private static final int ROWS = 100;
    private static final int BATCH = 2;
    private static final long SEED = 3;

    static {
        System.setProperty("ai.djl.offline", "true");
    }

    @TempDir
    Path dir;

    /** x1, x2 uniform; a = x1 + x2, b = x1 − x2 (each plus noise), b's cell left empty with probability 3/4. */
    private Path csv() throws IOException {
        SplittableRandom random = new SplittableRandom(17);
        StringBuilder text = new StringBuilder("x1,x2,a,b\n");
        for (int i = 0; i < ROWS; i++) {
            double x1 = random.nextDouble() * 2 - 1;
            double x2 = random.nextDouble() * 2 - 1;
            text.append(x1).append(',').append(x2).append(',').append(x1 + x2 + 0.05 * random.nextGaussian())
                    .append(',').append(random.nextDouble() < 0.75 ? "" : String.valueOf(x1 - x2)).append('\n');
        }
        Path file = dir.resolve("partial.csv");
        Files.writeString(file, text);
        return file;
    }

    private static StudySpec.DatasetSpec dataset(Path file) {
        return new StudySpec.DatasetSpec("csv", Map.of("path", file.toString(), "targets",
                Map.of("a", "regression", "b", "regression"), "validationFraction", 0.1, "testFraction", 0.1,
                "seed", 1));
    }

    private static TrainingRequest request(Path file, String method, String space, int epochs) {
        return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, Requests.RUN, Requests.STUDY, 1, RunKind.MTL,
                List.of("a", "b"), List.of("a", "b"), dataset(file), new StudySpec.ModelSpec("mlp", List.of(6)),
                new StudySpec.OptimizerSpec("adam", 0.01, null), method, SEED, epochs, BATCH,
                new StudySpec.TelemetrySpec(1, true, 2, 1, space));
    }

    /** Per step (from 1), the batch's targets [task][row], rebuilt from the data and the run's per-epoch shuffle. */
    private static List<float[][]> batches(TaskData data, int epochs) {
        TaskData.Split train = data.train();
        List<float[][]> out = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = Shuffle.permutation(train.size(), Seeds.mix(Seeds.mix(SEED, Seeds.SHUFFLE), epoch));
            for (int from = 0; from < train.size(); from += BATCH) {
                int rows = Math.min(BATCH, train.size() - from);
                float[][] y = new float[2][rows];
                for (int r = 0; r < rows; r++) {
                    for (int t = 0; t < 2; t++) {
                        y[t][r] = train.target(t, order[from + r]);
                    }
                }
                out.add(y);
            }
        }
        return out;
    }

    @Test
    void eventsFlagTheBatchesWithoutATasksLabelsWhoseLossGradientAndWeightAreZero() throws IOException {
        Path file = csv();
        TrainingRequest request = request(file, "ew", null, 1);
        RecordedRun run = RecordedRun.train(request);
        TaskData data = DatasetKinds.standard().load(List.of("a", "b"), request.dataset());
        List<float[][]> batches = batches(data, 1);
        assertEquals(batches.size(), run.events().size(), "an event per step");
        int flagged = 0;
        int withBaseline = 0;
        for (GradientEvent e : run.events()) {
            float[][] y = batches.get((int) e.step() - 1);
            boolean bLabelled = !Float.isNaN(y[1][0]) || y[1].length > 1 && !Float.isNaN(y[1][1]);
            String at = "step " + e.step();
            assertEquals(bLabelled ? 0L : 0b10L, e.unlabelledTasks(), at);
            assertEquals(e, GradientEventCodec.decode(GradientEventCodec.encode(e)), at + ": the codec's checks pass");
            assertTrue(e.losses()[0] > 0 && e.gram(0, 0, 0) > 0, at + ": task a always has its labels");
            if (bLabelled) {
                assertTrue(e.losses()[1] > 0 && e.totalGram()[1][1] > 0, at);
                assertEquals(1f, e.weights()[1], at);
            } else {
                flagged++;
                // == 0, not equals: a zero may carry a sign (−0.0 from 0 × a negative), it is still zero
                assertTrue(e.losses()[1] == 0f, at + ": loss " + e.losses()[1]);
                assertTrue(e.weights()[1] == 0f, at + ": EW on the labelled task alone, weight " + e.weights()[1]);
                assertEquals(1f, e.weights()[0], at);
                for (int b = 0; b < e.blockCount(); b++) {
                    assertTrue(e.gram(b, 1, 1) == 0 && e.gram(b, 0, 1) == 0, at + ": Gram row of b in block " + b);
                }
                for (float v : e.fullGradients()[1]) {
                    assertTrue(v == 0f, at + ": gradient entry " + v);
                }
            }
            // the baseline: only where two rows carry both labels and each half of the batch carries each task
            boolean bothRows = y[0].length == 2 && !Float.isNaN(y[1][0]) && !Float.isNaN(y[1][1]);
            if (bothRows) {
                withBaseline++;
                assertNotNull(e.baseline(), at);
                for (double[] sample : e.baseline().sampleGrams()) {
                    assertTrue(sample[GradientEvent.packedIndex(1, 1, 2)] > 0, at + ": drawn samples carry b's label");
                }
            } else {
                assertNull(e.baseline(), at);
            }
        }
        assertTrue(flagged > 10 && flagged < batches.size() - 5, flagged + " of " + batches.size() + " steps flagged");
        assertTrue(withBaseline > 0, "some fully labelled batches");
        for (RunEvent.Metric m : run.outcome().finalMetrics()) {
            assertTrue(Double.isFinite(m.value()), m.toString());
        }
    }

    @Test
    void theRunsDescriptorCountsEachSplitsSamplesAndLabels() throws IOException {
        Path file = csv();
        TrainingRequest request = request(file, "ew", null, 1);
        RunEvent.DataCounts counts = RecordedRun.train(request).descriptor().data();
        assertNotNull(counts);
        TaskData data = DatasetKinds.standard().load(List.of("a", "b"), request.dataset());
        Map<String, TaskData.Split> splits = new LinkedHashMap<>();
        splits.put("train", data.train());
        splits.put("validation", data.validation());
        splits.put("test", data.test());
        int labelledB = 0;
        int samples = 0;
        for (var split : splits.entrySet()) {
            TaskData.Split s = split.getValue();
            int a = 0;
            int b = 0;
            for (int i = 0; i < s.size(); i++) {
                a += Float.isNaN(s.target(0, i)) ? 0 : 1;
                b += Float.isNaN(s.target(1, i)) ? 0 : 1;
            }
            assertEquals(s.size(), counts.samples().get(split.getKey()));
            assertEquals(Map.of("a", a, "b", b), counts.labelled().get(split.getKey()), split.getKey());
            labelledB += b;
            samples += s.size();
        }
        // and from the file's text: b's non-empty cells
        long cells = Files.readAllLines(file).stream().skip(1).filter(line -> !line.endsWith(",")).count();
        assertEquals(cells, labelledB);
        assertEquals(ROWS, samples);
    }

    @Test
    void everyLossOrGradientMethodRunsStepsWithoutATasksLabelsToFiniteResults() throws IOException {
        Path file = csv();
        for (String[] configuration : new String[][] {{"famo", null}, {"si", null}, {"gls", null}, {"dwa", null},
                {"uw", null}, {"imtl_l", null}, {"gradnorm", null}, {"db_mtl", null}, {"nash_mtl", null},
                {"pcgrad", null}, {"mgda", "representation"}}) {
            String method = configuration[0];
            RecordedRun run = RecordedRun.train(request(file, method, configuration[1], 3));
            int flagged = 0;
            for (GradientEvent e : run.events()) {
                assertTrue(Float.isFinite(e.weights()[0]), method + " step " + e.step());
                if (e.unlabelled(1)) {
                    flagged++;
                    assertTrue(e.weights()[1] == 0f, method + " step " + e.step() + ": weight " + e.weights()[1]);
                }
            }
            assertTrue(flagged > 0, method);
            assertEquals(3, run.outcome().epochs(), method);
            for (RunEvent.Metric m : run.outcome().finalMetrics()) {
                assertTrue(Double.isFinite(m.value()), method + " " + m);
            }
        }
    }
}
