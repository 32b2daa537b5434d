package org.mtlab.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.gradient.GradientGeometry;

/**
 * Partial labels in the gradient statistics: a step where a task had no label (its gradient zero) is left out of every
 * figure of that task. The statistics of a run with such steps equal a brute-force computation, straight from the
 * gradient vectors, over the steps where the figure's tasks had labels — and differ from what counting the zero
 * gradients would give.
 */
class PartialLabelStatisticsTest {
    private static final int TASKS = 3;
    private static final int[] BLOCKS = {4, 3};
    private static final int STEPS = 60;

    private record Step(int epoch, float[][] gradients, long unlabelled) {
    }

    private static List<Step> steps(long seed) {
        Random rnd = new Random(seed);
        List<Step> steps = new ArrayList<>();
        int width = Arrays.stream(BLOCKS).sum();
        for (int s = 0; s < STEPS; s++) {
            float[][] g = new float[TASKS][width];
            for (float[] row : g) {
                for (int k = 0; k < width; k++) {
                    row[k] = (float) rnd.nextGaussian();
                }
            }
            g[1][0] += 2f; // tasks 0 and 1 lean together on block 0, so cosines are not all centred on 0
            g[0][0] += 2f;
            // a third of the steps lack some task's labels: task 2 most often, sometimes two tasks at once
            long mask = 0;
            if (s % 3 == 1) {
                mask = 1L << 2;
            } else if (s % 7 == 0) {
                mask = 1L | 1L << 2;
            } else if (s % 11 == 5) {
                mask = 1L << 1;
            }
            for (int t = 0; t < TASKS; t++) {
                if ((mask >>> t & 1) != 0) {
                    Arrays.fill(g[t], 0f);
                }
            }
            steps.add(new Step(s < STEPS / 2 ? 0 : 1, g, mask));
        }
        return steps;
    }

    private static GradientEvent event(UUID run, int step, Step s) {
        double[][] grams = new double[BLOCKS.length][];
        int from = 0;
        for (int b = 0; b < BLOCKS.length; b++) {
            grams[b] = GradientGeometry.packedGram(s.gradients(), from, from + BLOCKS[b]);
            from += BLOCKS[b];
        }
        float[] losses = new float[TASKS];
        for (int t = 0; t < TASKS; t++) {
            losses[t] = (s.unlabelled() >>> t & 1) != 0 ? 0f : 1f + t;
        }
        GradientEvent e = new GradientEvent(run, 1, step, s.epoch(), losses, new float[] {1, 1, 1}, grams, null, null,
                null, GradientEvent.Space.PARAMETERS, s.unlabelled());
        return GradientEventCodec.decode(GradientEventCodec.encode(e)); // as the analysis receives it
    }

    private static double dot(float[] a, float[] b, int from, int to) {
        double sum = 0;
        for (int k = from; k < to; k++) {
            sum += (double) a[k] * b[k];
        }
        return sum;
    }

    @Test
    void stepsWithoutATasksLabelsAreLeftOutOfItsFiguresExactlyAsABruteForceOverLabelledStepsSays() {
        List<Step> steps = steps(20);
        RunGradientStatistics stats = new RunGradientStatistics(TASKS);
        UUID run = UUID.randomUUID();
        for (int s = 0; s < steps.size(); s++) {
            assertTrue(stats.add(event(run, s, steps.get(s))));
        }
        RunGradientStatistics.Snapshot snap = stats.snapshot(List.of("a", "b", "c"));
        int width = Arrays.stream(BLOCKS).sum();

        long anyUnlabelled = steps.stream().filter(s -> s.unlabelled() != 0).count();
        assertTrue(anyUnlabelled >= 20, anyUnlabelled + " steps with an unlabelled task");
        assertEquals(STEPS, snap.analysedSteps(), "every step is analysed, none dropped");
        assertEquals(anyUnlabelled, snap.unlabelledSteps());

        int p = 0;
        for (int i = 0; i < TASKS; i++) {
            for (int j = i + 1; j < TASKS; j++) {
                RunningStat cosine = new RunningStat();
                RunningStat magnitude = new RunningStat();
                RunningStat[] blockCosine = {new RunningStat(), new RunningStat()};
                List<Double> epochOneCosines = new ArrayList<>();
                long skipped = 0;
                for (Step s : steps) {
                    if ((s.unlabelled() >>> i & 1) != 0 || (s.unlabelled() >>> j & 1) != 0) {
                        skipped++;
                        continue;
                    }
                    float[] a = s.gradients()[i];
                    float[] b = s.gradients()[j];
                    double aa = dot(a, a, 0, width);
                    double bb = dot(b, b, 0, width);
                    double c = dot(a, b, 0, width) / Math.sqrt(aa * bb);
                    cosine.add(c);
                    magnitude.add(2 * Math.sqrt(aa) * Math.sqrt(bb) / (aa + bb));
                    if (s.epoch() == 1) {
                        epochOneCosines.add(c);
                    }
                    int from = 0;
                    for (int k = 0; k < BLOCKS.length; k++) {
                        int to = from + BLOCKS[k];
                        blockCosine[k].add(dot(a, b, from, to) / Math.sqrt(dot(a, a, from, to) * dot(b, b, from, to)));
                        from = to;
                    }
                }
                RunGradientStatistics.PairSummary pair = snap.pairs().get(p);
                String name = pair.taskA() + "/" + pair.taskB();
                assertTrue(skipped > 0, name + " has unlabelled steps in this test");
                assertEquals(skipped, pair.unlabelledSteps(), name);
                assertEquals(STEPS - skipped, pair.cosine().count(), name);
                assertEquals(cosine.mean(), pair.cosine().mean(), 1e-12, name + " cosine mean");
                assertEquals(cosine.std(), pair.cosine().std(), 1e-12, name + " cosine std");
                assertEquals(cosine.negativeFraction(), pair.cosine().negativeFraction(), 1e-15, name);
                assertEquals(cosine.ema(), pair.cosine().ema(), 1e-12, name + " cosine ema (labelled steps in order)");
                assertEquals(magnitude.mean(), pair.magnitudeSimilarity().mean(), 1e-12, name + " magnitude");
                assertEquals(magnitude.min(), pair.magnitudeSimilarity().min(), 1e-12, name + " magnitude min");
                for (int k = 0; k < BLOCKS.length; k++) {
                    RunGradientStatistics.BlockPair block = snap.blocks().get(k * 3 + p);
                    assertEquals(blockCosine[k].count(), block.cosine().count(), name + " block " + k);
                    assertEquals(blockCosine[k].mean(), block.cosine().mean(), 1e-12, name + " block " + k);
                }
                double[] sorted = epochOneCosines.stream().mapToDouble(d -> d).sorted().toArray();
                Percentiles epochOne = snap.epochs().get(1).pairs().get(p).cosine();
                assertEquals(sorted.length, epochOne.count(), name + " epoch 1");
                assertEquals(Percentiles.quantile(sorted, 0.5), epochOne.p50(), 1e-12, name + " epoch 1 median");
                p++;
            }
        }
        for (int t = 0; t < TASKS; t++) {
            RunningStat norm = new RunningStat();
            for (Step s : steps) {
                if ((s.unlabelled() >>> t & 1) == 0) {
                    norm.add(Math.sqrt(dot(s.gradients()[t], s.gradients()[t], 0, width)));
                }
            }
            assertEquals(norm.count(), snap.tasks().get(t).gradientNorm().count(), "task " + t);
            assertEquals(norm.mean(), snap.tasks().get(t).gradientNorm().mean(), 1e-12, "task " + t + " norm");
            assertTrue(snap.tasks().get(t).gradientNorm().min() > 0, "no zero norm of an unlabelled step counted");
        }
        assertEquals(STEPS - anyUnlabelled, snap.paretoStationarity().count(), "stationarity: fully labelled steps");
    }

    @Test
    void countingTheZeroGradientsWouldHaveMovedTheFigures() {
        // the same steps with the flag dropped (a version-3 reader's view): zero gradients count as cosine 0 and
        // magnitude similarity 0, and the figures differ — the flag is what keeps them out
        List<Step> steps = steps(20);
        RunGradientStatistics flagged = new RunGradientStatistics(TASKS);
        RunGradientStatistics unflagged = new RunGradientStatistics(TASKS);
        UUID run = UUID.randomUUID();
        for (int s = 0; s < steps.size(); s++) {
            GradientEvent e = event(run, s, steps.get(s));
            flagged.add(e);
            unflagged.add(e.withUnlabelledTasks(0));
        }
        RunGradientStatistics.PairSummary with = flagged.snapshot(null).pairs().get(0);
        RunGradientStatistics.PairSummary without = unflagged.snapshot(null).pairs().get(0);
        assertEquals(STEPS, without.cosine().count());
        assertEquals(0L, without.unlabelledSteps());
        assertNotEquals(with.cosine().mean(), without.cosine().mean());
        assertNotEquals(with.magnitudeSimilarity().mean(), without.magnitudeSimilarity().mean());
        assertEquals(0.0, unflagged.snapshot(null).tasks().get(2).gradientNorm().min(), "zero norms counted");
    }

    @Test
    void aFullyLabelledRunReportsNoUnlabelledSteps() {
        RunGradientStatistics stats = new RunGradientStatistics(2);
        float[][] g = {{1, 2}, {2, -1}};
        stats.add(new GradientEvent(UUID.randomUUID(), 1, 0, 0, new float[] {1, 1}, new float[] {1, 1},
                new double[][] {GradientGeometry.packedGram(g, 0, 2)}, null, null));
        RunGradientStatistics.Snapshot snap = stats.snapshot(null);
        assertEquals(0L, snap.unlabelledSteps());
        assertEquals(0L, snap.pairs().get(0).unlabelledSteps());
        assertEquals(1, snap.pairs().get(0).cosine().count());
        assertEquals(0.0, snap.pairs().get(0).cosine().mean(), 1e-15, "orthogonal");
    }
}
