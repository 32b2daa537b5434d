package org.mtlab.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.gradient.GradientGeometry;

/**
 * {@link RunGradientStatistics} settles Pareto stationarity when read, at epoch ends or on another thread; its figures
 * must be exactly (bit for bit: records compare doubles with {@link Double#compare}) those of computing everything
 * when a step is added, as {@link EagerRunGradientStatistics} (the class before the change) does.
 */
class LazyStationarityTest {

    @Test
    void sameFiguresAsComputingEverythingAtOnce() {
        for (long seed = 0; seed < 60; seed++) {
            Random rnd = new Random(seed);
            int tasks = 1 + rnd.nextInt(5);
            int blocks = 1 + rnd.nextInt(4);
            RunGradientStatistics lazy = new RunGradientStatistics(tasks);
            EagerRunGradientStatistics eager = new EagerRunGradientStatistics(tasks);
            List<String> names = null;
            int epoch = 0;
            int steps = 20 + rnd.nextInt(300);
            for (int step = 0; step < steps; step++) {
                if (rnd.nextInt(25) == 0) {
                    epoch++;
                }
                // now and then a step of an earlier epoch (a run trained twice at once), or of a new epoch below
                int eventEpoch = rnd.nextInt(40) == 0 ? Math.max(0, epoch - 1 - rnd.nextInt(3)) : epoch;
                long eventStep = rnd.nextInt(15) == 0 && step > 0 ? rnd.nextInt(step) : step;
                GradientEvent event = event(rnd, tasks, blocks, eventStep, eventEpoch);
                assertEquals(eager.add(event), lazy.add(event), "seed " + seed + " step " + step);
                if (rnd.nextInt(10) == 0) {
                    lazy.settle();
                }
                if (rnd.nextInt(30) == 0) {
                    assertEquals(eager.snapshot(names), lazy.snapshot(names), "seed " + seed + " step " + step);
                }
            }
            assertEquals(eager.snapshot(names), lazy.snapshot(names), "seed " + seed);
            assertEquals(0, lazy.unsettledSteps());
        }
    }

    @Test
    void settlingOnAnotherThreadWhileStepsArriveChangesNothing() throws Exception {
        Random rnd = new Random(7);
        int tasks = 4;
        RunGradientStatistics lazy = new RunGradientStatistics(tasks);
        EagerRunGradientStatistics eager = new EagerRunGradientStatistics(tasks);
        AtomicBoolean stop = new AtomicBoolean();
        Thread settler = new Thread(() -> {
            while (!stop.get()) {
                lazy.settle();
            }
        });
        settler.start();
        try {
            for (int step = 0; step < 20_000; step++) {
                GradientEvent event = event(rnd, tasks, 3, step, step / 3_000);
                eager.add(event);
                lazy.add(event);
                if (step % 5_000 == 0) {
                    assertEquals(eager.snapshot(null), lazy.snapshot(null));
                }
            }
        } finally {
            stop.set(true);
            settler.join();
        }
        assertEquals(eager.snapshot(List.of("a", "b", "c", "d")), lazy.snapshot(List.of("a", "b", "c", "d")));
    }

    @Test
    void aStepWhoseGramIsNotFiniteFailsWhenAddedAsBefore() {
        RunGradientStatistics lazy = new RunGradientStatistics(2);
        EagerRunGradientStatistics eager = new EagerRunGradientStatistics(2);
        double huge = Double.MAX_VALUE;
        // two blocks whose sum overflows: each block is valid, the whole trunk's Gram is not finite
        double[][] grams = {{huge, 0, 1}, {huge, 0, 1}};
        GradientEvent event = new GradientEvent(UUID.randomUUID(), 1, 0, 0, new float[2], new float[] {1, 1}, grams, null,
                null);
        IllegalArgumentException e1 = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> eager.add(event));
        IllegalArgumentException e2 = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> lazy.add(event));
        assertEquals(e1.getMessage(), e2.getMessage());
        GradientEvent next = new GradientEvent(event.runId(), 1, 1, 0, new float[2], new float[] {1, 1},
                new double[][] {{1, 0.5, 1}, {2, 0.1, 1}}, null, null);
        assertTrue(eager.add(next));
        assertTrue(lazy.add(next));
        assertEquals(eager.snapshot(null), lazy.snapshot(null));
    }

    private static GradientEvent event(Random rnd, int tasks, int blocks, long step, int epoch) {
        int perBlock = 1 + rnd.nextInt(4);
        float[][] g = new float[tasks][blocks * perBlock];
        boolean zero = rnd.nextInt(50) == 0;
        for (float[] row : g) {
            for (int k = 0; k < row.length; k++) {
                row[k] = zero ? 0f : (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
            }
        }
        double[][] grams = new double[blocks][];
        for (int b = 0; b < blocks; b++) {
            grams[b] = GradientGeometry.packedGram(g, b * perBlock, (b + 1) * perBlock);
        }
        float[] ones = new float[tasks];
        java.util.Arrays.fill(ones, 1f);
        return new GradientEvent(new UUID(1, 2), 1, step, epoch, ones, ones, grams, null, null);
    }
}
