package org.mtlab.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/**
 * The baseline statistics the analysis derives from gradient events, against the same statistics computed by brute
 * force from the explicit per-sample, half-batch and batch gradient vectors the events were made of.
 */
class ConflictBaselineStatisticsTest {
    private static final UUID RUN = new UUID(1, 2);

    /** All values of one measure, as the brute force collects them: [epoch index][comparison][value]. */
    private static final class Collected {
        final List<List<List<Double>>> byEpoch = new ArrayList<>();

        void add(int epoch, int comparison, double v) {
            while (byEpoch.size() <= epoch) {
                byEpoch.add(new ArrayList<>());
            }
            List<List<Double>> e = byEpoch.get(epoch);
            while (e.size() <= comparison) {
                e.add(new ArrayList<>());
            }
            e.get(comparison).add(v);
        }

        List<Double> all(int comparison) {
            List<Double> out = new ArrayList<>();
            byEpoch.forEach(e -> out.addAll(e.get(comparison)));
            return out;
        }
    }

    private static double cosine(double[] a, double[] b) {
        double na = Math.sqrt(GeneratedBaseline.dot(a, a));
        double nb = Math.sqrt(GeneratedBaseline.dot(b, b));
        return na == 0 || nb == 0 ? 0 : GeneratedBaseline.dot(a, b) / (na * nb);
    }

    private static double magnitude(double[] a, double[] b) {
        double na = Math.sqrt(GeneratedBaseline.dot(a, a));
        double nb = Math.sqrt(GeneratedBaseline.dot(b, b));
        return na == 0 && nb == 0 ? 1 : 2 * na * nb / (na * na + nb * nb);
    }

    @Test
    void statisticsMatchBruteForceOnTheExplicitVectors() {
        int tasks = 3;
        int samples = 5;
        int parameters = 30;
        Random rnd = new Random(11);
        RunGradientStatistics stats = new RunGradientStatistics(tasks);
        Collected cos = new Collected();
        Collected mag = new Collected();
        Collected sign = new Collected();
        // comparisons: inter-task pairs 0..2, then inter-sample per task 3..5, inter-batch per task 6..8, batch sign 9..11
        int steps = 14;
        for (int step = 1; step <= steps; step++) {
            int epoch = step <= 8 ? 1 : 2;
            GeneratedBaseline v = GeneratedBaseline.random(rnd, tasks, samples, parameters, 0.3, new double[] {1, 2, 0.5});
            GradientEvent event = new GradientEvent(RUN, 1, step, epoch, new float[] {1, 1, 1}, new float[] {1, 1, 1},
                    new double[][] {v.batchGram()}, null, null, v.toBaseline());
            // through the wire, as the analysis receives it
            assertTrue(stats.add(GradientEventCodec.decode(GradientEventCodec.encode(event))));
            int e = epoch - 1;
            int p = 0;
            for (int i = 0; i < tasks; i++) {
                for (int j = i + 1; j < tasks; j++, p++) {
                    for (int s = 0; s < samples; s++) {
                        cos.add(e, p, cosine(v.perSample[s][i], v.perSample[s][j]));
                        mag.add(e, p, magnitude(v.perSample[s][i], v.perSample[s][j]));
                        sign.add(e, p, (double) GeneratedBaseline.opposite(v.perSample[s][i], v.perSample[s][j]) / parameters);
                    }
                    sign.add(e, 9 + p, (double) GeneratedBaseline.opposite(v.batch[i], v.batch[j]) / parameters);
                }
            }
            for (int t = 0; t < tasks; t++) {
                for (int s = 0; s < samples; s++) {
                    for (int u = s + 1; u < samples; u++) {
                        cos.add(e, 3 + t, cosine(v.perSample[s][t], v.perSample[u][t]));
                        mag.add(e, 3 + t, magnitude(v.perSample[s][t], v.perSample[u][t]));
                        sign.add(e, 3 + t, (double) GeneratedBaseline.opposite(v.perSample[s][t], v.perSample[u][t]) / parameters);
                    }
                }
                cos.add(e, 6 + t, cosine(v.halves[t][0], v.halves[t][1]));
                mag.add(e, 6 + t, magnitude(v.halves[t][0], v.halves[t][1]));
                sign.add(e, 6 + t, (double) GeneratedBaseline.opposite(v.halves[t][0], v.halves[t][1]) / parameters);
            }
        }
        RunGradientStatistics.Snapshot snapshot = stats.snapshot(List.of("a", "b", "c"));
        // persisted as JSON by the analysis service and read back by the report
        assertEquals(snapshot, org.mtlab.core.contract.Json.read(org.mtlab.core.contract.Json.writeString(snapshot),
                RunGradientStatistics.Snapshot.class));
        ConflictBaselineStatistics.Snapshot b = snapshot.baseline();
        assertEquals(steps, b.steps());
        assertEquals(List.of("a", "b"), List.of(b.pairs().get(0).taskA(), b.pairs().get(0).taskB()));
        assertEquals(List.of("b", "c"), List.of(b.pairs().get(2).taskA(), b.pairs().get(2).taskB()));
        for (int p = 0; p < 3; p++) {
            ConflictBaselineStatistics.InterTaskPair pair = b.pairs().get(p);
            assertEquals(steps * samples, pair.sameSample().cosine().count());
            assertMoments(cos.all(p), pair.sameSample().cosine());
            assertMoments(mag.all(p), pair.sameSample().magnitudeSimilarity());
            assertMoments(sign.all(p), pair.sameSample().signDisagreement());
            assertMoments(sign.all(9 + p), pair.batchSignDisagreement());
        }
        for (int t = 0; t < tasks; t++) {
            ConflictBaselineStatistics.SingleTask task = b.tasks().get(t);
            assertEquals(steps * samples * (samples - 1) / 2, task.interSample().cosine().count());
            assertMoments(cos.all(3 + t), task.interSample().cosine());
            assertMoments(mag.all(3 + t), task.interSample().magnitudeSimilarity());
            assertMoments(sign.all(3 + t), task.interSample().signDisagreement());
            assertMoments(cos.all(6 + t), task.interBatch().cosine());
            assertMoments(mag.all(6 + t), task.interBatch().magnitudeSimilarity());
            assertMoments(sign.all(6 + t), task.interBatch().signDisagreement());
        }
        assertEquals(2, b.epochs().size());
        for (int e = 0; e < 2; e++) {
            ConflictBaselineStatistics.Epoch epoch = b.epochs().get(e);
            assertEquals(e + 1, epoch.epoch());
            for (int p = 0; p < 3; p++) {
                assertPercentiles(cos.byEpoch.get(e).get(p), epoch.pairs().get(p).sameSample().cosine());
                assertPercentiles(mag.byEpoch.get(e).get(p), epoch.pairs().get(p).sameSample().magnitudeSimilarity());
                assertPercentiles(sign.byEpoch.get(e).get(p), epoch.pairs().get(p).sameSample().signDisagreement());
                assertPercentiles(sign.byEpoch.get(e).get(9 + p), epoch.pairs().get(p).batchSignDisagreement());
            }
            for (int t = 0; t < tasks; t++) {
                assertPercentiles(cos.byEpoch.get(e).get(3 + t), epoch.tasks().get(t).interSample().cosine());
                assertPercentiles(mag.byEpoch.get(e).get(3 + t), epoch.tasks().get(t).interSample().magnitudeSimilarity());
                assertPercentiles(cos.byEpoch.get(e).get(6 + t), epoch.tasks().get(t).interBatch().cosine());
                assertPercentiles(sign.byEpoch.get(e).get(6 + t), epoch.tasks().get(t).interBatch().signDisagreement());
            }
        }
    }

    @Test
    void aRedeliveredStepDoesNotCountTwiceAndRunsWithoutBaselineHaveNone() {
        Random rnd = new Random(12);
        GeneratedBaseline v = GeneratedBaseline.random(rnd, 2, 3, 10, 0.5, new double[] {1, 1});
        GradientEvent plain = new GradientEvent(RUN, 1, 1, 1, new float[] {1, 1}, new float[] {1, 1},
                new double[][] {v.batchGram()}, null, null);
        RunGradientStatistics without = new RunGradientStatistics(2);
        without.add(plain);
        assertNull(without.snapshot(null).baseline(), "no baseline section, no baseline statistics");

        RunGradientStatistics stats = new RunGradientStatistics(2);
        stats.add(plain.withBaseline(v.toBaseline()));
        assertFalse(stats.add(new GradientEvent(RUN, 2, 1, 1, new float[] {1, 1}, new float[] {1, 1},
                new double[][] {v.batchGram()}, null, null, v.toBaseline())), "same step from a later attempt");
        ConflictBaselineStatistics.Snapshot b = stats.snapshot(null).baseline();
        assertEquals(1, b.steps());
        assertEquals(3, b.pairs().get(0).sameSample().cosine().count());
        assertEquals(3, b.tasks().get(1).interSample().cosine().count());
        assertEquals(1, b.tasks().get(1).interBatch().cosine().count());
    }

    @Test
    void knownGeometryGivesKnownFigures() {
        // task 0's samples point the same way with equal norms, task 1's samples exactly opposite each other;
        // on each sample the two tasks are orthogonal with norms 1 and 3
        double[][][] perSample = {
                {{1, 0, 0, 0}, {0, 3, 0, 0}},
                {{1, 0, 0, 0}, {0, -3, 0, 0}}};
        double[][][] halves = {{{2, 2, 0, 0}, {2, 2, 0, 0}}, {{1, -1, 0, 0}, {-1, 1, 0, 0}}};
        double[][] batch = {{1, 1, 1, 1}, {-1, 1, 0, -1}};
        GeneratedBaseline v = new GeneratedBaseline(perSample, halves, batch);
        RunGradientStatistics stats = new RunGradientStatistics(2);
        stats.add(new GradientEvent(RUN, 1, 5, 1, new float[] {1, 1}, new float[] {1, 1}, new double[][] {v.batchGram()},
                null, null, v.toBaseline()));
        ConflictBaselineStatistics.Snapshot b = stats.snapshot(List.of("x", "y")).baseline();
        ConflictBaselineStatistics.Summary sameSample = b.pairs().get(0).sameSample();
        assertEquals(0, sameSample.cosine().mean(), 1e-15);
        assertEquals(2 * 1 * 3 / 10.0, sameSample.magnitudeSimilarity().mean(), 1e-15);
        assertEquals(0, sameSample.signDisagreement().mean(), 1e-15, "zeros disagree with nothing");
        assertEquals(2 / 4.0, b.pairs().get(0).batchSignDisagreement().mean(), 1e-15);
        assertEquals(1, b.tasks().get(0).interSample().cosine().mean(), 1e-15);
        assertEquals(-1, b.tasks().get(1).interSample().cosine().mean(), 1e-15);
        assertEquals(1, b.tasks().get(1).interSample().cosine().negativeFraction(), 1e-15);
        assertEquals(1 / 4.0, b.tasks().get(1).interSample().signDisagreement().mean(), 1e-15);
        assertEquals(1, b.tasks().get(0).interBatch().cosine().mean(), 1e-15);
        assertEquals(-1, b.tasks().get(1).interBatch().cosine().mean(), 1e-15);
        assertEquals(2 / 4.0, b.tasks().get(1).interBatch().signDisagreement().mean(), 1e-15);
    }

    private static void assertMoments(List<Double> values, RunningStat.Summary s) {
        assertEquals(values.size(), s.count());
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
        double ss = values.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        assertEquals(mean, s.mean(), 1e-12);
        assertEquals(Math.sqrt(ss / (values.size() - 1)), s.std(), 1e-12);
        assertEquals(values.stream().filter(x -> x < 0).count() / (double) values.size(), s.negativeFraction(), 1e-15);
    }

    /** numpy's default percentile (linear between order statistics at (n − 1)·q), written out again here. */
    private static void assertPercentiles(List<Double> values, Percentiles p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        assertEquals(sorted.length, p.count());
        for (double[] qv : new double[][] {{0.025, p.p2_5()}, {0.5, p.p50()}, {0.975, p.p97_5()}}) {
            double pos = (sorted.length - 1) * qv[0];
            int lo = (int) pos;
            double expected = lo + 1 < sorted.length ? sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
            assertEquals(expected, qv[1], 1e-12);
        }
    }
}
