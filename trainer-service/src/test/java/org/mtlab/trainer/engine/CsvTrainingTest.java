package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** A team's own CSV with one classification and one regression task, trained end to end by the MLP. */
class CsvTrainingTest {
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    @TempDir
    Path dir;

    private static TrainingRequest request(Path csv, List<String> tasks) {
        Map<String, Object> params = Map.of("path", csv.toString(), "features", List.of("income", "age"),
                "targets", Map.of("churn", "classification", "spend", "regression"), "seed", 2);
        return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, Requests.RUN, Requests.STUDY, 1,
                tasks.size() == 1 ? RunKind.STL : RunKind.MTL, List.of("churn", "spend"), tasks,
                new StudySpec.DatasetSpec("csv", params), new StudySpec.ModelSpec("mlp", List.of(16)),
                new StudySpec.OptimizerSpec("adam", 0.01, null), "ew", 3, 30, 32, new StudySpec.TelemetrySpec(50, false));
    }

    /**
     * 500 rows; income in the tens of thousands and age in years (scales that only work after standardisation);
     * churn = "yes" when the standardised income and age sum above zero, spend linear in both plus noise.
     */
    private Path customers() throws IOException {
        SplittableRandom random = new SplittableRandom(8);
        StringBuilder csv = new StringBuilder("id,income,age,churn,spend\n");
        for (int i = 0; i < 500; i++) {
            double a = random.nextDouble() * 2 - 1;
            double b = random.nextDouble() * 2 - 1;
            csv.append(i).append(',').append(50_000 + 20_000 * a).append(',').append(40 + 15 * b).append(',')
                    .append(a + b > 0 ? "yes" : "no").append(',').append(3 * a - 2 * b + 0.05 * random.nextGaussian())
                    .append('\n');
        }
        Path file = dir.resolve("customers.csv");
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void mixedClassificationAndRegressionTasksLearn() throws IOException {
        TrainingOutcome outcome = new MultiTaskTrainer().train(request(customers(), List.of("churn", "spend")), null,
                () -> false);
        List<RunEvent.Metric> metrics = outcome.finalMetrics();
        assertEquals(List.of("churn/test/accuracy", "churn/test/loss", "spend/test/mse", "spend/test/mae",
                        "spend/test/loss", "churn/validation/accuracy", "churn/validation/loss", "spend/validation/mse",
                        "spend/validation/mae", "spend/validation/loss"),
                metrics.stream().map(m -> m.task() + "/" + m.split() + "/" + m.name()).toList());
        assertTrue(metrics.get(0).higherIsBetter());
        assertFalse(metrics.get(2).higherIsBetter());
        assertTrue(metrics.get(0).value() > 0.9, "churn accuracy " + metrics.get(0).value());
        assertTrue(metrics.get(2).value() < 0.1 * outcome.initialMetrics().get(2).value(),
                "spend mse " + metrics.get(2).value() + " from " + outcome.initialMetrics().get(2).value());
    }

    /**
     * Partial labels: the same customers with 30% of the spend labels removed. The MTL run and spend's STL run train on
     * the rows that carry each task's label, and spend's test error is measured on its labelled test rows only: the
     * figure equals a brute-force recomputation from the rows that kept their label.
     */
    @Test
    void aStudyOnACsvWithThirtyPercentOfOneTasksLabelsMissingTrainsAndEvaluatesOnLabelledRows() throws IOException {
        Path full = customers();
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(full));
        SplittableRandom drop = new SplittableRandom(30);
        int dropped = 0;
        for (int i = 1; i < lines.size(); i++) {
            if (drop.nextDouble() < 0.3) {
                lines.set(i, lines.get(i).substring(0, lines.get(i).lastIndexOf(',') + 1)); // spend left empty
                dropped++;
            }
        }
        assertTrue(dropped > 120 && dropped < 180, dropped + " labels dropped");
        Path partial = dir.resolve("partial.csv");
        Files.write(partial, lines);
        org.mtlab.core.data.CsvTaskData data = org.mtlab.core.data.CsvTaskData.read(new org.mtlab.core.data.CsvTaskData
                .Params(partial, List.of("income", "age"), Map.of("churn", "classification", "spend", "regression"),
                0.1, 0.2, 2));
        int labelledTest = data.labelledCounts().get("test").get("spend");
        assertTrue(labelledTest < data.test().size() && labelledTest > 0, labelledTest + " of " + data.test().size());

        for (List<String> tasks : List.of(List.of("churn", "spend"), List.of("spend"))) {
            TrainingOutcome outcome = new MultiTaskTrainer().train(request(partial, tasks), null, () -> false);
            double mse = outcome.finalMetrics().stream()
                    .filter(m -> m.task().equals("spend") && m.split().equals("test") && m.name().equals("mse"))
                    .findFirst().orElseThrow().value();
            double initial = outcome.initialMetrics().stream()
                    .filter(m -> m.task().equals("spend") && m.split().equals("test") && m.name().equals("mse"))
                    .findFirst().orElseThrow().value();
            assertTrue(Double.isFinite(mse) && mse < 0.1 * initial, tasks + ": spend mse " + mse + " from " + initial);
        }
        // the labelled test rows' error, brute force from the data rows that kept their spend label
        int spend = data.taskIndex("spend");
        double sumSquares = 0;
        int counted = 0;
        for (int s = 0; s < data.test().size(); s++) {
            float y = data.test().target(spend, s);
            if (!Float.isNaN(y)) {
                sumSquares += (double) y * y;
                counted++;
            }
        }
        assertEquals(labelledTest, counted);
        TaskMetrics zeroPredictor = new TaskMetrics(1, false);
        for (int s = 0; s < data.test().size(); s++) {
            zeroPredictor.add(new float[1], 0, data.test().target(spend, s));
        }
        assertEquals(sumSquares / counted, zeroPredictor.mse(), 1e-9);
    }

    @Test
    void aBadValueFailsBeforeTheRunStartsNamingLineAndColumn() throws IOException {
        Path file = customers();
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        lines.set(7, lines.get(7).replaceFirst(",[^,]*,", ",n/a,"));
        Files.write(file, lines);
        AtomicBoolean started = new AtomicBoolean();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void started(long totalSteps, RunEvent.RunDescriptor run) {
                started.set(true);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MultiTaskTrainer().train(request(file, List.of("spend")), listener, () -> false));
        assertTrue(e.getMessage().contains("line 8, column 'income': 'n/a' is not a number"), e.getMessage());
        assertFalse(started.get());
    }
}
