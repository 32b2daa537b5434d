package org.mtlab.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.ConflictBaseline;
import org.mtlab.core.contract.GeneratedBaseline;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.gradient.GradientGeometry;

/**
 * A checkpoint of {@link RunGradientStatistics} ({@link RunGradientStatistics#toBytes()}) restored and fed the rest of
 * the run's events, the ones already in it delivered again too (a consumer resumes from the checkpoint's offset, which
 * may lie behind its state), ends with exactly the statistics of one object that saw every event once.
 */
class StatisticsCheckpointTest {
    private static final UUID RUN = new UUID(3, 4);

    @Test
    void restoredStatisticsPlusTheRemainingEventsEqualAnUninterruptedRun() {
        for (long seed = 0; seed < 80; seed++) {
            Random rnd = new Random(seed);
            int tasks = 1 + rnd.nextInt(4);
            boolean withBaseline = tasks > 1 && rnd.nextBoolean();
            int blocks = withBaseline ? 1 : 1 + rnd.nextInt(3);
            List<GradientEvent> events = run(rnd, tasks, blocks, withBaseline, 30 + rnd.nextInt(250));
            List<String> names = null;
            if (rnd.nextBoolean()) {
                names = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    names.add("t" + t);
                }
            }
            RunGradientStatistics uninterrupted = new RunGradientStatistics(tasks);
            events.forEach(uninterrupted::add);

            int cut = rnd.nextInt(events.size() + 1);
            RunGradientStatistics before = new RunGradientStatistics(tasks);
            events.subList(0, cut).forEach(before::add);
            if (rnd.nextBoolean()) {
                // a read before the checkpoint, or not: settling is part of the state written
                before.snapshot(names);
            }
            RunGradientStatistics restored = RunGradientStatistics.fromBytes(before.toBytes());
            assertEquals(before.snapshot(names), restored.snapshot(names), "seed " + seed + ": restored as written");
            // resumed from an offset up to 20 events behind the state: those come again and count once
            int resumeAt = Math.max(0, cut - rnd.nextInt(21));
            events.subList(resumeAt, events.size()).forEach(restored::add);

            assertEquals(uninterrupted.snapshot(names), restored.snapshot(names), "seed " + seed + ", cut " + cut);
            assertEquals(uninterrupted.analysedStepCount(), restored.analysedStepCount());
            assertArrayEquals(uninterrupted.toBytes(), restored.toBytes(), "seed " + seed + ": the whole state");
        }
    }

    @Test
    void aStateKeepsTheOpenEpochsValuesSoItsPercentilesStayExact() {
        RunGradientStatistics stats = new RunGradientStatistics(2);
        Random rnd = new Random(5);
        List<GradientEvent> events = run(rnd, 2, 1, false, 40);
        events.subList(0, 20).forEach(stats::add);
        RunGradientStatistics restored = RunGradientStatistics.fromBytes(stats.toBytes());
        events.subList(20, 40).forEach(restored::add);
        // brute force: the percentiles of the open epoch's cosines, from the events themselves
        // (the last epoch is never closed; a step counts once, and not when a task had no label)
        List<Double> cosines = new ArrayList<>();
        int lastEpoch = events.stream().mapToInt(GradientEvent::epoch).max().orElseThrow();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (GradientEvent e : events) {
            if (seen.add(e.step()) && e.epoch() == lastEpoch && !e.hasUnlabelledTasks()) {
                double[] g = e.blockGrams()[0];
                cosines.add(GradientGeometry.cosine(g[0], g[2], g[1]));
            }
        }
        double[] sorted = cosines.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        var epoch = restored.snapshot(null).epochs().get(restored.snapshot(null).epochs().size() - 1);
        assertEquals(lastEpoch, epoch.epoch());
        assertEquals(sorted.length, epoch.pairs().get(0).cosine().count());
        assertEquals(Percentiles.quantile(sorted, 0.5), epoch.pairs().get(0).cosine().p50(), 1e-12);
    }

    /**
     * An open series is written as one block: the bytes must be those {@code DataOutput.writeDouble} writes value by
     * value (the format stored checkpoints were written in), and read back to the same bits.
     */
    @Test
    void anOpenSeriesIsWrittenInTheValueByValueFormat() throws Exception {
        Random random = new Random(5);
        RunGradientStatistics.Series series = new RunGradientStatistics.Series();
        List<Double> added = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            double v = k % 97 == 0 ? Double.NaN : k % 89 == 0 ? -0.0 : random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            series.add(v);
            added.add(v);
        }
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(expected)) {
            out.writeBoolean(false);
            out.writeInt(added.size());
            for (double v : added) {
                out.writeDouble(v);
            }
        }
        java.io.ByteArrayOutputStream actual = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(actual)) {
            series.writeTo(out);
        }
        assertArrayEquals(expected.toByteArray(), actual.toByteArray());
        RunGradientStatistics.Series read = new RunGradientStatistics.Series();
        read.readFrom(new java.io.DataInputStream(new java.io.ByteArrayInputStream(expected.toByteArray())));
        java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(again)) {
            read.writeTo(out);
        }
        assertArrayEquals(expected.toByteArray(), again.toByteArray());
        assertEquals(series.percentiles(), read.percentiles());
    }

    @Test
    void refusesBytesThatAreNotAState() {
        RunGradientStatistics stats = new RunGradientStatistics(3);
        run(new Random(2), 3, 2, false, 50).forEach(stats::add);
        byte[] state = stats.toBytes();
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> RunGradientStatistics.fromBytes(Arrays.copyOf(state, state.length - 3)));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        byte[] longer = Arrays.copyOf(state, state.length + 1);
        assertThrows(IllegalArgumentException.class, () -> RunGradientStatistics.fromBytes(longer));
        byte[] otherFormat = state.clone();
        otherFormat[3] ^= 0x7f;
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
                () -> RunGradientStatistics.fromBytes(otherFormat));
        assertTrue(format.getMessage().contains("format"), format.getMessage());
    }

    /** A run's events: epochs, now and then a task unlabelled, a step again, or a step of an earlier epoch. */
    private static List<GradientEvent> run(Random rnd, int tasks, int blocks, boolean withBaseline, int steps) {
        List<GradientEvent> out = new ArrayList<>();
        int epoch = 0;
        for (int step = 0; step < steps; step++) {
            if (rnd.nextInt(30) == 0) {
                epoch++;
            }
            int eventEpoch = rnd.nextInt(40) == 0 ? Math.max(0, epoch - 1) : epoch;
            long eventStep = rnd.nextInt(15) == 0 && step > 0 ? rnd.nextInt(step) : step;
            long unlabelled = tasks > 1 && rnd.nextInt(8) == 0 ? 1L << rnd.nextInt(tasks) : 0L;
            float[] ones = new float[tasks];
            Arrays.fill(ones, 1f);
            double[][] grams;
            ConflictBaseline baseline = null;
            if (withBaseline && rnd.nextInt(3) == 0) {
                double[] scale = new double[tasks];
                Arrays.fill(scale, 1 + rnd.nextDouble());
                GeneratedBaseline v = GeneratedBaseline.random(rnd, tasks, 2 + rnd.nextInt(3), 12, 0.3, scale);
                grams = new double[][] {v.batchGram()};
                baseline = v.toBaseline();
            } else {
                grams = grams(rnd, tasks, blocks);
            }
            if (unlabelled != 0) {
                // an unlabelled task's gradient is zero
                for (double[] block : grams) {
                    for (int t = 0; t < tasks; t++) {
                        if ((unlabelled & (1L << t)) != 0) {
                            for (int u = 0; u < tasks; u++) {
                                block[GradientEvent.packedIndex(Math.min(t, u), Math.max(t, u), tasks)] = 0;
                            }
                        }
                    }
                }
            }
            out.add(new GradientEvent(RUN, 1, eventStep, eventEpoch, ones, ones, grams, null, null, baseline,
                    GradientEvent.Space.PARAMETERS, unlabelled));
        }
        return out;
    }

    private static double[][] grams(Random rnd, int tasks, int blocks) {
        int perBlock = 1 + rnd.nextInt(4);
        float[][] g = new float[tasks][blocks * perBlock];
        for (float[] row : g) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
            }
        }
        double[][] grams = new double[blocks][];
        for (int b = 0; b < blocks; b++) {
            grams[b] = GradientGeometry.packedGram(g, b * perBlock, (b + 1) * perBlock);
        }
        return grams;
    }
}
