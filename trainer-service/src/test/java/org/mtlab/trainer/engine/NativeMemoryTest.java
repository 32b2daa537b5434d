package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/**
 * No NDArray outlives its step: between steps the run holds exactly its persistent tensors (the parameters and the
 * optimizer's state, on the device for the whole run), and native memory must not grow step over step.
 */
class NativeMemoryTest {
    /** The tiny model's 10 parameter tensors and Adam's two flat moment buffers. */
    private static final int PERSISTENT = 12;
    static {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void noArraysSurviveAStepAndResidentMemoryStaysFlat() throws IOException {
        // 320 training samples, batch 4: 80 steps per epoch, 8 epochs = 640 steps with telemetry every step, and the
        // single-task baseline (10 more small passes) on every 20th step: its arrays must not survive either. Not on
        // more steps: every DJL pass leaves ~27 kB of Java garbage, and until the first young collection the heap
        // touching fresh pages shows in the resident size as if it were native growth
        TrainingRequest request = Requests.tiny(8, 4, new StudySpec.TelemetrySpec(1, true, 8, 20));
        List<Integer> liveArrays = new ArrayList<>();
        List<Integer> systemArrays = new ArrayList<>();
        long[] rss = new long[2];
        try (NDManager parent = Engine.getEngine(MultiTaskTrainer.ENGINE).newBaseManager(Device.cpu())) {
            MultiTaskTrainer trainer = new MultiTaskTrainer(Device.cpu(), parent);
            trainer.train(request, new TrainingListener() {
                @Override
                public void gradients(GradientEvent event) {
                    liveArrays.add(parent.getManagedArrays().size());
                    systemArrays.add(parent.getParentManager().getManagedArrays().size());
                    if (event.step() == 100) {
                        rss[0] = residentOutsideHeapKb();
                    } else if (event.step() == 640) {
                        rss[1] = residentOutsideHeapKb();
                    }
                }
            }, () -> false);
            assertEquals(0, parent.getManagedArrays().size());
        }
        assertEquals(640, liveArrays.size());
        // the tiny model: trunk [8→16→8] and three heads = 10 tensors, Adam's two flat moment buffers
        assertTrue(liveArrays.stream().allMatch(n -> n == PERSISTENT), "arrays held between steps: "
                + liveArrays.stream().distinct().toList() + ", the run's persistent tensors are " + PERSISTENT);
        assertEquals(1, systemArrays.subList(10, systemArrays.size()).stream().distinct().count(),
                "arrays of the whole engine must stay constant after warm-up: " + systemArrays.stream().distinct().toList());
        if (rss[0] > 0) { // Linux: coarse guard against native growth (540 steps of leaked batches would be tens of MB)
            assertTrue(rss[1] - rss[0] < 48 * 1024, "resident memory outside the Java heap grew by "
                    + (rss[1] - rss[0]) + " kB in 540 steps");
        }
    }

    @Test
    void theRepresentationAndPlainStepsLeaveNoArraysEither() {
        // telemetry every 3rd step: the plain one-backward step on the others (parameters), or representation steps
        // throughout, with the baseline (parameter space) on every 2nd event
        for (String space : List.of("parameters", "representation")) {
            TrainingRequest request = Requests.tiny(2, 4, new StudySpec.TelemetrySpec(3, false, 4, 2, space));
            List<Integer> liveArrays = new ArrayList<>();
            List<Integer> systemArrays = new ArrayList<>();
            try (NDManager parent = Engine.getEngine(MultiTaskTrainer.ENGINE).newBaseManager(Device.cpu())) {
                new MultiTaskTrainer(Device.cpu(), parent).train(request, new TrainingListener() {
                    @Override
                    public void gradients(GradientEvent event) {
                        liveArrays.add(parent.getManagedArrays().size());
                        systemArrays.add(parent.getParentManager().getManagedArrays().size());
                    }
                }, () -> false);
                assertEquals(0, parent.getManagedArrays().size(), space);
            }
            assertEquals(160 / 3, liveArrays.size(), space);
            assertTrue(liveArrays.stream().allMatch(n -> n == PERSISTENT), space + ": arrays held between steps: "
                    + liveArrays.stream().distinct().toList());
            assertEquals(1, systemArrays.subList(5, systemArrays.size()).stream().distinct().count(),
                    space + ": arrays of the whole engine must stay constant: " + systemArrays.stream().distinct().toList());
        }
    }

    /**
     * The resident size less the Java heap's committed size: the heap grows into fresh pages until its first
     * collections whatever native code does, and the step now makes more (small, short-lived) Java objects than the
     * native memory it must not leak.
     */
    private static long residentOutsideHeapKb() {
        long resident = residentKb();
        return resident == 0 ? 0 : resident - Runtime.getRuntime().totalMemory() / 1024;
    }

    private static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
