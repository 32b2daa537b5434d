package org.mtlab.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GeneratedBaseline;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.Json;

/**
 * The dashboard's baseline band per pair and epoch, against percentiles computed here by brute force from the explicit
 * per-sample gradient vectors the events were made of, and the epochs' step ranges against the steps sent.
 */
class BaselineBandsTest {
    private static final UUID RUN = new UUID(3, 4);

    private static double cosine(double[] a, double[] b) {
        return GeneratedBaseline.dot(a, b) / Math.sqrt(GeneratedBaseline.dot(a, a) * GeneratedBaseline.dot(b, b));
    }

    private static double magnitude(double[] a, double[] b) {
        double na = Math.sqrt(GeneratedBaseline.dot(a, a));
        double nb = Math.sqrt(GeneratedBaseline.dot(b, b));
        return 2 * na * nb / (na * na + nb * nb);
    }

    /** numpy's default percentile: linear between the order statistics around (n − 1)·q. */
    private static double quantile(List<Double> values, double q) {
        double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        double pos = (s.length - 1) * q;
        int lo = (int) pos;
        return lo + 1 < s.length ? s[lo] + (pos - lo) * (s[lo + 1] - s[lo]) : s[lo];
    }

    @Test
    void bandsAreTheWidestInterSamplePercentilesOfThePairsTasksOverTheEpochsSteps() {
        int tasks = 3;
        int samples = 4;
        Random rnd = new Random(5);
        RunGradientStatistics stats = new RunGradientStatistics(tasks);
        // [epoch][task] inter-sample values; [epoch][pair] same-sample values
        List<List<List<Double>>> sampleCos = new ArrayList<>();
        List<List<List<Double>>> sampleMag = new ArrayList<>();
        List<List<List<Double>>> sameCos = new ArrayList<>();
        List<List<List<Double>>> sameMag = new ArrayList<>();
        for (int e = 0; e < 2; e++) {
            for (List<List<List<Double>>> l : List.of(sampleCos, sampleMag, sameCos, sameMag)) {
                List<List<Double>> perComparison = new ArrayList<>();
                for (int k = 0; k < tasks; k++) {
                    perComparison.add(new ArrayList<>());
                }
                l.add(perComparison);
            }
        }
        // epoch 1: steps 1..8, epoch 2: steps 9..14; a baseline on even steps only (the band spans the whole epoch)
        for (int step = 1; step <= 14; step++) {
            int epoch = step <= 8 ? 1 : 2;
            GeneratedBaseline v = GeneratedBaseline.random(rnd, tasks, samples, 12, 0.4, new double[] {1, 3, 0.7});
            GradientEvent event = new GradientEvent(RUN, 1, step, epoch, new float[] {1, 1, 1}, new float[] {1, 1, 1},
                    new double[][] {v.batchGram()}, null, null);
            if (step % 2 == 0) {
                event = event.withBaseline(v.toBaseline());
                int e = epoch - 1;
                int p = 0;
                for (int i = 0; i < tasks; i++) {
                    for (int j = i + 1; j < tasks; j++, p++) {
                        for (int s = 0; s < samples; s++) {
                            sameCos.get(e).get(p).add(cosine(v.perSample[s][i], v.perSample[s][j]));
                            sameMag.get(e).get(p).add(magnitude(v.perSample[s][i], v.perSample[s][j]));
                        }
                    }
                    for (int s = 0; s < samples; s++) {
                        for (int u = s + 1; u < samples; u++) {
                            sampleCos.get(e).get(i).add(cosine(v.perSample[s][i], v.perSample[u][i]));
                            sampleMag.get(e).get(i).add(magnitude(v.perSample[s][i], v.perSample[u][i]));
                        }
                    }
                }
            }
            stats.add(GradientEventCodec.decode(GradientEventCodec.encode(event)));
        }
        RunGradientStatistics.Snapshot snapshot = stats.snapshot(List.of("a", "b", "c"));
        List<BaselineBands.PairBands> bands = BaselineBands.of(Json.read(Json.writeString(snapshot),
                RunGradientStatistics.Snapshot.class));
        assertEquals(3, bands.size());
        int[][] pairTasks = {{0, 1}, {0, 2}, {1, 2}};
        long[][] ranges = {{1, 8}, {9, 14}};
        for (int p = 0; p < 3; p++) {
            BaselineBands.PairBands pair = bands.get(p);
            assertEquals(List.of("abc".substring(pairTasks[p][0], pairTasks[p][0] + 1),
                    "abc".substring(pairTasks[p][1], pairTasks[p][1] + 1)), List.of(pair.taskA(), pair.taskB()));
            assertEquals(2, pair.epochs().size());
            for (int e = 0; e < 2; e++) {
                BaselineBands.Band band = pair.epochs().get(e);
                List<Double> ca = sampleCos.get(e).get(pairTasks[p][0]);
                List<Double> cb = sampleCos.get(e).get(pairTasks[p][1]);
                List<Double> ma = sampleMag.get(e).get(pairTasks[p][0]);
                List<Double> mb = sampleMag.get(e).get(pairTasks[p][1]);
                assertEquals(e + 1, band.epoch());
                assertEquals(ranges[e][0], band.firstStep());
                assertEquals(ranges[e][1], band.lastStep());
                assertEquals(Math.min(quantile(ca, 0.025), quantile(cb, 0.025)), band.cosineLow(), 1e-12);
                assertEquals(Math.max(quantile(ca, 0.975), quantile(cb, 0.975)), band.cosineHigh(), 1e-12);
                assertEquals(quantile(sameCos.get(e).get(p), 0.5), band.sameSampleCosineMedian(), 1e-12);
                assertEquals(Math.min(quantile(ma, 0.025), quantile(mb, 0.025)), band.magnitudeLow(), 1e-12);
                assertEquals(Math.max(quantile(ma, 0.975), quantile(mb, 0.975)), band.magnitudeHigh(), 1e-12);
                assertEquals(quantile(sameMag.get(e).get(p), 0.5), band.sameSampleMagnitudeMedian(), 1e-12);
                assertTrue(band.cosineLow() < band.cosineHigh() && band.magnitudeLow() < band.magnitudeHigh());
            }
        }
    }

    @Test
    void noBaselineNoBands() {
        RunGradientStatistics stats = new RunGradientStatistics(2);
        stats.add(new GradientEvent(RUN, 1, 1, 1, new float[] {1, 1}, new float[] {1, 1}, new double[][] {{1, 0.5, 1}},
                null, null));
        assertEquals(List.of(), BaselineBands.of(stats.snapshot(null)));
        assertEquals(List.of(), BaselineBands.of(null));
    }

    @Test
    void statisticsPersistedWithoutStepRangesGiveNoBandsRatherThanMisplacedOnes() {
        Random rnd = new Random(6);
        GeneratedBaseline v = GeneratedBaseline.random(rnd, 2, 3, 8, 0.5, new double[] {1, 1});
        RunGradientStatistics stats = new RunGradientStatistics(2);
        stats.add(new GradientEvent(RUN, 1, 1, 1, new float[] {1, 1}, new float[] {1, 1}, new double[][] {v.batchGram()},
                null, null, v.toBaseline()));
        RunGradientStatistics.Snapshot s = stats.snapshot(null);
        assertEquals(1, BaselineBands.of(s).get(0).epochs().size());
        // as a row written before the step range was recorded reads back
        String written = Json.writeString(s);
        String old = written.replace("\"epoch\":1,\"firstStep\":1,\"lastStep\":1,", "\"epoch\":1,");
        assertTrue(old.length() < written.length(), written);
        RunGradientStatistics.Snapshot persisted = Json.read(old, RunGradientStatistics.Snapshot.class);
        assertEquals(null, persisted.epochs().get(0).firstStep());
        assertEquals(List.of(), BaselineBands.of(persisted).get(0).epochs());
    }
}
