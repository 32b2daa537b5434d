package org.mtlab.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunResult;
import org.mtlab.core.contract.GeneratedBaseline;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.report.StudyReport.BaselineComparison;

/**
 * The conflict evidence against the single-task baseline, on runs built so that the answer is known: one
 * configuration whose tasks point in opposite directions with norms 1 and 5 while the samples of a task agree (angle
 * beyond single-task noise, magnitudes lower between tasks), one whose tasks are mildly opposed with equal norms on
 * every sample while samples differ widely in direction and norm (within noise, not lower).
 */
class BaselineEvidenceTest {
    private static final int P = 20;
    private static final int M = 6;
    private static final int STEPS = 12;

    private static double[] gaussian(Random rnd) {
        double[] v = new double[P];
        for (int k = 0; k < P; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }

    private static double[] unit(double[] v) {
        double n = Math.sqrt(GeneratedBaseline.dot(v, v));
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = v[k] / n;
        }
        return out;
    }

    private static double[] combine(double a, double[] u, double b, double[] v) {
        double[] out = new double[P];
        for (int k = 0; k < P; k++) {
            out[k] = a * u[k] + b * v[k];
        }
        return out;
    }

    /** [step][sample][task][parameter] of the "opposed, sizes 1 and 5, samples agree" configuration. */
    private static double[][][][] opposed(Random rnd) {
        double[] d = unit(gaussian(rnd));
        double[][][][] out = new double[STEPS][M][2][];
        for (int step = 0; step < STEPS; step++) {
            for (int s = 0; s < M; s++) {
                out[step][s][0] = combine(1, d, 0.05, gaussian(rnd));
                out[step][s][1] = combine(-5, d, 0.25, gaussian(rnd));
            }
        }
        return out;
    }

    /** Mildly opposed tasks with equal norms on each sample; samples with random directions and norms 0.2..5. */
    private static double[][][][] noisy(Random rnd) {
        double[][][][] out = new double[STEPS][M][2][];
        for (int step = 0; step < STEPS; step++) {
            for (int s = 0; s < M; s++) {
                double scale = 0.2 + 4.8 * rnd.nextDouble();
                double[] u = unit(gaussian(rnd));
                double[] w = gaussian(rnd);
                w = unit(combine(1, w, -GeneratedBaseline.dot(w, u), u)); // orthogonal to u
                out[step][s][0] = combine(scale, u, 0, u);
                out[step][s][1] = combine(-0.2 * scale, u, Math.sqrt(1 - 0.04) * scale, w);
            }
        }
        return out;
    }

    private static RunGradientStatistics.Snapshot snapshot(double[][][][] perSample, Random rnd) {
        RunGradientStatistics stats = new RunGradientStatistics(2);
        UUID run = UUID.randomUUID();
        for (int step = 0; step < STEPS; step++) {
            double[][][] halves = {{gaussian(rnd), gaussian(rnd)}, {gaussian(rnd), gaussian(rnd)}};
            double[][] batch = {gaussian(rnd), gaussian(rnd)};
            GeneratedBaseline v = new GeneratedBaseline(perSample[step], halves, batch);
            stats.add(new GradientEvent(run, 1, step + 1, step < STEPS / 2 ? 1 : 2, new float[] {1, 1},
                    new float[] {1, 1}, new double[][] {v.batchGram()}, null, null, v.toBaseline()));
        }
        return stats.snapshot(StudyReportTest.AB);
    }

    private static double cosine(double[] a, double[] b) {
        return GeneratedBaseline.dot(a, b) / Math.sqrt(GeneratedBaseline.dot(a, a) * GeneratedBaseline.dot(b, b));
    }

    /** numpy-style percentile, written out again. */
    private static double quantile(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        double pos = (sorted.length - 1) * q;
        int lo = (int) pos;
        return lo + 1 < sorted.length ? sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
    }

    @Test
    void knownCasesGetTheirAnswersAndTheRuleIsStated() {
        Random rnd = new Random(3);
        double[][][][] opposed = opposed(rnd);
        double[][][][] noisy = noisy(rnd);
        List<StudyReportBuilder.RunGradients> grads = List.of(
                new StudyReportBuilder.RunGradients("r1", RunKind.MTL, "sgd", "ew", 1, snapshot(opposed, rnd)),
                new StudyReportBuilder.RunGradients("r2", RunKind.MTL, "adam", "ew", 1, snapshot(noisy, rnd)));
        List<RunResult> runs = new ArrayList<>(StudyReportTest.stl("sgd", StudyReportTest.v(1.0, 1.0),
                StudyReportTest.v(1.0, 1.0), false));
        runs.addAll(StudyReportTest.mtl("adam", "ew", StudyReportTest.v(1, 1), StudyReportTest.v(1, 1), false));
        runs.addAll(StudyReportTest.mtl("sgd", "ew", StudyReportTest.v(1, 1), StudyReportTest.v(1, 1), false));
        StudyReport report = StudyReportBuilder.build("s", StudyReportTest.AB, runs.size(), runs, grads);
        StudyReport.ConflictEvidence c = report.conflict();
        assertTrue(c.singleTaskBaselineAvailable());
        assertTrue(c.rules().contains(BaselineEvidence.ANGLE_RULE), c.rules().toString());
        assertTrue(c.rules().contains(BaselineEvidence.MAGNITUDE_RULE));

        BaselineComparison sgd = find(c, "sgd/ew");
        assertEquals(2, sgd.runEpochs());
        assertEquals(2, sgd.runEpochsBeyond());
        assertEquals(BaselineEvidence.BEYOND, sgd.angle());
        assertEquals(BaselineEvidence.LOWER, sgd.magnitude());
        // the figures themselves, by brute force on the vectors: per epoch the median inter-task cosine and the
        // inter-sample 2.5th percentile of task a, averaged over the two epochs
        double medians = 0;
        double lows = 0;
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Double> interTask = new ArrayList<>();
            List<Double> interSample = new ArrayList<>();
            for (int step = epoch * STEPS / 2; step < (epoch + 1) * STEPS / 2; step++) {
                for (int s = 0; s < M; s++) {
                    interTask.add(cosine(opposed[step][s][0], opposed[step][s][1]));
                    for (int u = s + 1; u < M; u++) {
                        interSample.add(cosine(opposed[step][s][0], opposed[step][u][0]));
                    }
                }
            }
            medians += quantile(interTask, 0.5) / 2;
            lows += quantile(interSample, 0.025) / 2;
        }
        assertEquals(medians, sgd.interTaskMedianCosine(), 1e-12);
        assertEquals(lows, sgd.interSampleLowCosineA(), 1e-12);
        assertTrue(sgd.interTaskMedianCosine() < -0.9 && sgd.interSampleLowCosineA() > 0.9, sgd.toString());
        assertEquals(2 * 5 / 26.0, sgd.interTaskMagnitudeSimilarity(), 0.02);

        BaselineComparison adam = find(c, "adam/ew");
        assertEquals(0, adam.runEpochsBeyond());
        assertEquals(BaselineEvidence.WITHIN, adam.angle());
        assertEquals(BaselineEvidence.NOT_LOWER, adam.magnitude());
        assertEquals(-0.2, adam.interTaskMeanCosine(), 1e-9, "constructed at exactly −0.2");
        assertEquals(1.0, adam.interTaskMagnitudeSimilarity(), 1e-12, "equal norms on every sample");
        assertTrue(adam.interSampleLowCosineA() < -0.2, "random directions spread below the inter-task angle");

        // pooled: beyond in 2 of 4 run-epochs is not more than half
        BaselineComparison all = find(c, StudyReportBuilder.ALL_MTL_RUNS);
        assertEquals(4, all.runEpochs());
        assertEquals(2, all.runEpochsBeyond());
        assertEquals(BaselineEvidence.WITHIN, all.angle());
        assertTrue(c.findings().stream().anyMatch(f -> f.startsWith("a–b against single-task noise (all MTL runs")),
                c.findings().toString());
        assertFalse(c.findings().contains(StudyReportBuilder.NO_BASELINE_STATEMENT));

        String md = MarkdownReport.render(report);
        assertTrue(md.contains("| sgd/ew | a–b | 2 |"), md);
        assertTrue(md.contains(BaselineEvidence.BEYOND) && md.contains(BaselineEvidence.ANGLE_RULE), md);
        String html = HtmlReport.render(report);
        assertTrue(html.contains("inter-task median cosine") && html.contains(BaselineEvidence.LOWER), html);
    }

    private static BaselineComparison find(StudyReport.ConflictEvidence c, String configuration) {
        return c.baseline().stream().filter(b -> b.configuration().equals(configuration)).findFirst().orElseThrow();
    }
}
