package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/** The cost figures a finished run reports: parameter count, training time, inference latency per sample. */
class ServingCostTest {
    final MultiTaskTrainer trainer = new MultiTaskTrainer();

    /** Weights and biases of an MLP trunk d → hidden and T scalar regression heads, counted by hand. */
    static long mlpParameters(int d, List<Integer> hidden, int heads) {
        long count = 0;
        int in = d;
        for (int h : hidden) {
            count += (long) in * h + h;
            in = h;
        }
        return count + (long) heads * (in + 1);
    }

    @Test
    void oneMtlModelHasFewerParametersThanItsStlModelsAndEveryRunReportsItsCost() {
        List<String> tasks = List.of("a", "b", "c");
        TrainingRequest mtl = Requests.request(tasks, tasks, Map.of("dimension", 10, "samples", 5000, "scale", 0.5),
                List.of(32, 16), new StudySpec.OptimizerSpec("adam", 0.01, null), "ew", 1, 1, 32,
                new StudySpec.TelemetrySpec(100_000, false));
        TrainingOutcome together = trainer.train(mtl, null, () -> false);
        RunCost cost = together.cost();
        assertNotNull(cost);
        assertEquals(mlpParameters(10, List.of(32, 16), 3), cost.parameters());
        assertEquals(together.wallTimeMs(), cost.trainingMs());
        assertTrue(cost.inferenceMicrosPerSample() > 0 && Double.isFinite(cost.inferenceMicrosPerSample()),
                "latency " + cost.inferenceMicrosPerSample());
        assertTrue(cost.inferenceBatch() > 0 && cost.inferenceBatch() <= ServingCost.BATCH);
        assertEquals("cpu", cost.device());

        long stlParameters = 0;
        double stlMicros = 0;
        for (String task : tasks) {
            TrainingOutcome alone = trainer.train(Requests.withTasks(mtl, List.of(task), "stl"), null, () -> false);
            assertEquals(mlpParameters(10, List.of(32, 16), 1), alone.cost().parameters());
            stlParameters += alone.cost().parameters();
            stlMicros += alone.cost().inferenceMicrosPerSample();
        }
        // the figures BENCHMARKS.md quotes (2-core VM): one 3-task model against three single-task models
        System.out.printf("serving cost: MTL %d parameters %.3f us/sample (batch %d), 3 STL %d parameters %.3f us/sample%n",
                cost.parameters(), cost.inferenceMicrosPerSample(), cost.inferenceBatch(), stlParameters, stlMicros);
        // three trunks instead of one: the shared model saves two trunks
        assertEquals(stlParameters - 2 * (mlpParameters(10, List.of(32, 16), 0)), cost.parameters());

        TrainingOutcome cancelled = trainer.train(mtl, null, () -> true);
        assertNull(cancelled.cost(), "a cancelled run reports no cost");
    }

    @Test
    void aTestSplitLargerThanOneInferenceBatchIsMeasuredWhole() {
        // 12,000 samples: a test split of 1,200, more than one batch of ServingCost.BATCH (it once overflowed)
        List<String> tasks = List.of("a", "b");
        TrainingRequest request = Requests.request(tasks, tasks, Map.of("dimension", 4, "samples", 12_000, "scale", 0.5),
                List.of(8), new StudySpec.OptimizerSpec("adam", 0.01, null), "ew", 1, 1, 256,
                new StudySpec.TelemetrySpec(100_000, false));
        RunCost cost = trainer.train(request, null, () -> false).cost();
        assertNotNull(cost);
        assertEquals(ServingCost.BATCH, cost.inferenceBatch());
        assertTrue(cost.inferenceMicrosPerSample() > 0 && Double.isFinite(cost.inferenceMicrosPerSample()));
    }
}
