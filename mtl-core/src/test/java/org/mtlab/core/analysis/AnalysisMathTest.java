package org.mtlab.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.gradient.GradientGeometry;

class AnalysisMathTest {

    @Property(tries = 200)
    void runningStatMatchesTwoPassComputation(@ForAll @Size(min = 2, max = 60) List<@DoubleRange(min = -1, max = 1) Double> xs) {
        RunningStat s = new RunningStat();
        xs.forEach(s::add);
        double mean = xs.stream().mapToDouble(d -> d).average().orElseThrow();
        double var = xs.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / (xs.size() - 1);
        assertEquals(mean, s.mean(), 1e-12);
        assertEquals(Math.sqrt(var), s.std(), 1e-9);
        assertEquals(xs.stream().filter(d -> d < 0).count() / (double) xs.size(), s.negativeFraction(), 1e-12);
        double ema = xs.get(0);
        for (int i = 1; i < xs.size(); i++) {
            ema = RunningStat.EMA_ALPHA * xs.get(i) + (1 - RunningStat.EMA_ALPHA) * ema;
        }
        assertEquals(ema, s.ema(), 1e-12);
    }

    @Test
    void gradientStatisticsCountEachStepOnceAndMatchDirectCosine() {
        Random rnd = new Random(5);
        UUID run = UUID.randomUUID();
        RunGradientStatistics stats = new RunGradientStatistics(3);
        double sumCos01 = 0;
        double sumMag12 = 0;
        int conflicts01 = 0;
        for (int step = 0; step < 50; step++) {
            float[][] g = new float[3][7];
            for (float[] row : g) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = (float) rnd.nextGaussian() * (1 + step % 3);
                }
            }
            double dot = 0, n0 = 0, n1 = 0, n2 = 0;
            for (int k = 0; k < 7; k++) {
                dot += (double) g[0][k] * g[1][k];
                n0 += (double) g[0][k] * g[0][k];
                n1 += (double) g[1][k] * g[1][k];
                n2 += (double) g[2][k] * g[2][k];
            }
            double cos = dot / Math.sqrt(n0 * n1);
            sumCos01 += cos;
            conflicts01 += cos < 0 ? 1 : 0;
            sumMag12 += 2 * Math.sqrt(n1) * Math.sqrt(n2) / (n1 + n2);
            // two blocks: [0,3) and [3,7)
            double[][] grams = {GradientGeometry.packedGram(g, 0, 3), GradientGeometry.packedGram(g, 3, 7)};
            GradientEvent e = new GradientEvent(run, 1, step, 0, new float[3], new float[] {1, 1, 1}, grams, null, null);
            assertTrue(stats.add(e));
            // redelivery and a resumed attempt re-emitting the same step: ignored
            assertFalse(stats.add(e));
            assertFalse(stats.add(new GradientEvent(run, 2, step, 0, new float[3], new float[] {1, 1, 1}, grams, null, null)));
        }
        RunGradientStatistics.Snapshot snap = stats.snapshot(List.of("a", "b", "c"));
        assertEquals(50, snap.analysedSteps());
        assertEquals(49, snap.lastStep());
        RunGradientStatistics.PairSummary ab = snap.pairs().get(0);
        assertEquals("a", ab.taskA());
        assertEquals("b", ab.taskB());
        assertEquals(sumCos01 / 50, ab.cosine().mean(), 1e-9);
        assertEquals(conflicts01 / 50.0, ab.cosine().negativeFraction(), 1e-12);
        assertEquals(sumMag12 / 50, snap.pairs().get(2).magnitudeSimilarity().mean(), 1e-9);
    }

    @Property(tries = 200)
    void percentilesInterpolateBetweenOrderStatistics(@ForAll @Size(min = 1, max = 80) List<@DoubleRange(min = -1, max = 1) Double> xs) {
        double[] values = xs.stream().mapToDouble(d -> d).toArray();
        Percentiles p = Percentiles.of(values, values.length);
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        // independent: the q-quantile is the value below which a fraction q of the (n − 1) gaps lies
        for (double[] qv : new double[][] {{0.025, p.p2_5()}, {0.5, p.p50()}, {0.975, p.p97_5()}}) {
            double h = (sorted.length - 1) * qv[0];
            int lo = (int) h;
            double expected = lo + 1 < sorted.length ? sorted[lo] * (1 - (h - lo)) + sorted[lo + 1] * (h - lo) : sorted[lo];
            assertEquals(expected, qv[1], 1e-12);
        }
        if (sorted.length % 2 == 1) {
            assertEquals(sorted[sorted.length / 2], p.p50(), 0.0, "odd count: the median is the middle value");
        }
        assertTrue(p.p2_5() <= p.p50() && p.p50() <= p.p97_5());
    }

    @Test
    void perEpochPerBlockAndStationarityStatistics() {
        UUID run = UUID.randomUUID();
        RunGradientStatistics stats = new RunGradientStatistics(2);
        // epoch 0: opposite gradients on block 0, identical on block 1; epoch 1: orthogonal on both blocks
        for (int step = 0; step < 4; step++) {
            boolean first = step < 2;
            float[][] g = first ? new float[][] {{1, 0, 2, 0}, {-1, 0, 2, 0}} : new float[][] {{1, 0, 0, 3}, {0, 1, 3, 0}};
            double[][] grams = {GradientGeometry.packedGram(g, 0, 2), GradientGeometry.packedGram(g, 2, 4)};
            stats.add(new GradientEvent(run, 1, step, first ? 0 : 1, new float[2], new float[] {1, 1}, grams, null, null));
        }
        RunGradientStatistics.Snapshot snap = stats.snapshot(List.of("a", "b"));
        assertEquals(2, snap.epochs().size());
        // epoch 0 on the whole trunk: g_a = (1,0,2,0), g_b = (−1,0,2,0): cosine (−1 + 4)/5 = 0.6
        assertEquals(0.6, snap.epochs().get(0).pairs().get(0).cosine().p50(), 1e-12);
        assertEquals(0.0, snap.epochs().get(1).pairs().get(0).cosine().mean(), 1e-12);
        assertEquals(-1.0, snap.blocks().get(0).cosine().min(), 1e-12, "block 0 opposed in epoch 0");
        assertEquals(1.0, snap.blocks().get(1).cosine().max(), 1e-12, "block 1 identical in epoch 0");
        // min-norm point of the hull: epoch 0 → ½(g_a + g_b) = (0,0,2,0), norm 2; epoch 1 orthogonal, equal norms √10 → √10/√2 = √5
        assertEquals(2.0, snap.epochs().get(0).paretoStationarity().mean(), 1e-9);
        assertEquals(Math.sqrt(5), snap.epochs().get(1).paretoStationarity().mean(), 1e-9);
        assertEquals(1.0, snap.pairs().get(0).normRatio().mean(), 1e-12, "equal norms throughout");
    }

    static RunResult stl(String task, String opt, long seed, double mse) {
        return new RunResult(UUID.randomUUID(), RunKind.STL, List.of(task), opt, "stl", seed,
                List.of(new RunResult.TaskMetric(task, "mse", mse, false)));
    }

    static RunResult mtl(String opt, long seed, double a, double b) {
        return new RunResult(UUID.randomUUID(), RunKind.MTL, List.of("a", "b"), opt, "ew", seed,
                List.of(new RunResult.TaskMetric("a", "mse", a, false), new RunResult.TaskMetric("b", "mse", b, false)));
    }

    @Test
    void studyAnalysisOnAHandWorkedCase() {
        List<RunResult> runs = List.of(
                stl("a", "sgd", 1, 1.0), stl("a", "sgd", 2, 3.0), stl("b", "sgd", 1, 2.0), stl("b", "sgd", 2, 2.0),
                stl("a", "adam", 1, 1.5), stl("a", "adam", 2, 1.5), stl("b", "adam", 1, 4.0), stl("b", "adam", 2, 4.0),
                mtl("adam", 1, 1.2, 1.0), mtl("adam", 2, 1.8, 3.0), mtl("sgd", 1, 3.0, 3.0));
        StudyAnalysis.Result r = StudyAnalysis.analyse(List.of("a", "b"), runs);
        // baselines: task a adam mean 1.5 beats sgd mean 2.0; task b sgd 2.0 beats adam 4.0
        Map<String, StudyAnalysis.StlBaseline> base = r.stlBaselines().stream()
                .collect(Collectors.toMap(StudyAnalysis.StlBaseline::task, b -> b));
        assertEquals("adam", base.get("a").bestOptimizer());
        assertEquals(1.5, base.get("a").value().mean(), 1e-12);
        assertEquals("sgd", base.get("b").bestOptimizer());
        assertEquals(Math.sqrt(2), base.get("a").byOptimizer().stream().filter(o -> o.optimizer().equals("sgd"))
                .findFirst().orElseThrow().metric().std(), 1e-12);
        // adam seed 1: a 1.2 vs 1.5 (−20%), b 1.0 vs 2.0 (−50%): both lower-is-better → Δm% = (−20 − 50)/2 = −35
        StudyAnalysis.RunDelta adam1 = r.runs().stream().filter(d -> d.optimizer().equals("adam") && d.seed() == 1)
                .findFirst().orElseThrow();
        assertEquals(-35.0, adam1.deltaMPercent(), 1e-9);
        assertEquals(0.35, adam1.improvementFraction(), 1e-12);
        // adam seed 2: a +20%, b +50% → Δm% = +35; configuration mean 0, std sqrt(2)·35
        StudyAnalysis.Configuration adam = r.configurations().stream().filter(c -> c.optimizer().equals("adam"))
                .findFirst().orElseThrow();
        assertEquals(0.0, adam.deltaMPercent().mean(), 1e-9);
        assertEquals(35 * Math.sqrt(2), adam.deltaMPercent().std(), 1e-9);
        assertEquals(1.5, adam.perTask().get("a").mean(), 1e-12);
        // points: 3 MTL + 4 STL composites (sgd/1 = (1,2), sgd/2 = (3,2), adam/1 = (1.5,4), adam/2 = (1.5,4))
        assertEquals(7, r.paretoPoints().size());
        List<String> front = r.paretoPoints().stream().filter(StudyAnalysis.ParetoPoint::onFront)
                .map(StudyAnalysis.ParetoPoint::label).sorted().toList();
        // (1,2) dominates everything except (1.2,1.0), which is better on b
        assertEquals(List.of("mtl/adam/ew/seed=1", "stl/sgd/seed=1"), front);
        assertEquals(Map.of("adam", 1L, "sgd", 1L), r.frontMembersByOptimizer());
    }

    @Test
    void missingBaselinesAreExplainedNotGuessed() {
        StudyAnalysis.Result r = StudyAnalysis.analyse(List.of("a", "b"), List.of(mtl("adam", 1, 1, 1), stl("a", "sgd", 1, 1)));
        assertTrue(r.runs().isEmpty());
        assertTrue(r.notes().get(0).contains("task b"), r.notes().toString());
    }
}
