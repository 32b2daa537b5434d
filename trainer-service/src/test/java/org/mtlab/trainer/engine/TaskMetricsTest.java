package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.RunEvent;

/** Evaluation figures against values worked out by hand. */
class TaskMetricsTest {

    @Test
    void accuracyAndCrossEntropyOfThreeSamples() {
        TaskMetrics m = new TaskMetrics(3, true);
        float[] logits = {2, 0, 0, 1, 3, 3, 1000, 0, -1000};
        m.add(logits, 0, 0); // right; −log(e²/(e²+2)) = log(1 + 2e⁻²)
        m.add(logits, 1, 2); // a tie between classes 1 and 2 goes to 1: wrong; −log(e³/(e + 2e³)) = log(2 + e⁻²)
        m.add(logits, 2, 1); // wrong; −log softmax = 1000 (finite thanks to the max shift)
        assertEquals(1.0 / 3, m.accuracy(), 1e-15);
        double expected = (Math.log(1 + 2 * Math.exp(-2)) + Math.log(2 + Math.exp(-2)) + 1000) / 3;
        assertEquals(expected, m.crossEntropy(), 1e-12);

        List<RunEvent.Metric> out = new ArrayList<>();
        m.report("left", "test", out);
        assertEquals(List.of(new RunEvent.Metric("left", "test", "accuracy", 1.0 / 3, true),
                new RunEvent.Metric("left", "test", "loss", m.crossEntropy(), false)), out);
    }

    @Test
    void meanSquaredAndAbsoluteError() {
        TaskMetrics m = new TaskMetrics(1, false);
        float[] predictions = {1.5f, -1f};
        m.add(predictions, 0, 1);
        m.add(predictions, 1, 1);
        assertEquals((0.25 + 4) / 2, m.mse(), 1e-15);
        assertEquals((0.5 + 2) / 2, m.mae(), 1e-15);
        List<RunEvent.Metric> out = new ArrayList<>();
        m.report("y", "validation", out);
        assertEquals(List.of("mse", "mae", "loss"), out.stream().map(RunEvent.Metric::name).toList());
        assertEquals(2.125, out.get(2).value(), 1e-15, "the regression loss is the MSE");
    }
}
