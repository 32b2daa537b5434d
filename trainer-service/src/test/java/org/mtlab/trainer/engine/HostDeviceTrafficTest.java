package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.trainer.engine.HostDeviceTraffic.Purpose;

/**
 * What a training step moves between host and device, counted: the batch in, the T losses out on every step; on a
 * telemetry step the per-block Grams (L·T·T floats) out and the T weights in — and nothing of the size of the
 * parameters, unless telemetry asks for the full gradients or the method needs the vectors.
 */
class HostDeviceTrafficTest {
    /** Requests.tiny: 8 features, 3 tasks, trunk [16, 8] (2 telemetry blocks, 272 shared parameters). */
    private static final int TASKS = 3;
    private static final int BLOCKS = 2;
    private static final int SHARED = 8 * 16 + 16 + 16 * 8 + 8;

    private static TrainingOutcome train(TrainingRequest request, List<GradientEvent> events) {
        return new MultiTaskTrainer().train(request, new TrainingListener() {
            @Override
            public void gradients(GradientEvent event) {
                events.add(event);
            }
        }, () -> false);
    }

    @Test
    void aStepMovesTheBatchTheLossesAndOnTelemetryStepsTheGramsAndWeightsOnly() {
        List<GradientEvent> events = new ArrayList<>();
        // 320 training rows, batch 8: 40 steps, telemetry every 5th, no baseline
        TrainingOutcome outcome = train(Requests.tiny(1, 8, new StudySpec.TelemetrySpec(5, false, 0, null)), events);
        long steps = outcome.steps();
        long telemetrySteps = events.size();
        assertEquals(40, steps);
        assertEquals(8, telemetrySteps);
        HostDeviceTraffic traffic = outcome.stepTraffic();
        assertEquals(steps * TASKS * Float.BYTES + telemetrySteps * BLOCKS * TASKS * TASKS * Float.BYTES,
                traffic.toHost(Purpose.STEP), "losses every step, Grams on telemetry steps");
        assertEquals(steps * TASKS * Float.BYTES, traffic.toDevice(Purpose.STEP), "the weights, every step");
        // the batch: 8 rows of 8 features and 3 regression targets each
        assertEquals(steps * 8 * (8 + TASKS) * Float.BYTES, traffic.toDevice(Purpose.BATCH));
        assertEquals(0, traffic.toHost(Purpose.BATCH));
        for (Purpose none : List.of(Purpose.GRADIENT_VECTORS, Purpose.BASELINE, Purpose.CHECKPOINT,
                Purpose.EVALUATION)) {
            assertEquals(0, traffic.total(none), none + " in the steps");
        }
        assertTrue(outcome.runTraffic().toHost(Purpose.EVALUATION) > 0, "evaluation brings the predictions back");
    }

    @Test
    void fullGradientTelemetryAndGradDropCopyTheVectorsAndSayWhy() {
        List<GradientEvent> events = new ArrayList<>();
        TrainingOutcome full = train(Requests.tiny(1, 8, new StudySpec.TelemetrySpec(5, true, 0, null)), events);
        assertEquals(8L * TASKS * SHARED * Float.BYTES, full.stepTraffic().toHost(Purpose.GRADIENT_VECTORS),
                "J on the 8 telemetry steps");
        TrainingOutcome gradDrop = train(Requests.withTasks(Requests.tiny(1, 8,
                new StudySpec.TelemetrySpec(5, false, 0, null)), List.of("a", "b", "c"), "graddrop"), new ArrayList<>());
        assertEquals(40L * TASKS * SHARED * Float.BYTES, gradDrop.stepTraffic().toHost(Purpose.GRADIENT_VECTORS),
                "GradDrop reads J every step");
        assertEquals(40L * SHARED * Float.BYTES, gradDrop.stepTraffic().toDevice(Purpose.GRADIENT_VECTORS),
                "and its combination goes back");
    }
}
