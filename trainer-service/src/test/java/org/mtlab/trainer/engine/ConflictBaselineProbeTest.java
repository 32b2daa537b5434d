package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtlab.core.contract.ConflictBaseline;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.StudySpec;

/**
 * The single-task conflict baseline with real DJL passes: (1) the probe's numbers against per-sample and half-batch
 * gradients from the hand-written double-precision backpropagation of {@link MlpNetworkGradientTest.Reference}; (2) in
 * real training, at every baseline step, identities that tie the baseline to the step's own batch gradients (which
 * the probe never sees except for their signs): the batch gradient is the mean of the per-sample gradients and the
 * size-weighted mean of the two half-batch gradients.
 */
class ConflictBaselineProbeTest {
    private static final int IN = 5;
    private static final List<Integer> HIDDEN = List.of(6, 4);
    private static final int TASKS = 3;
    private static final int ROWS = 9;

    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    @Test
    void baselineMatchesHandWrittenBackpropSampleBySample() {
        MlpLayout layout = new MlpLayout(IN, HIDDEN, TASKS);
        SplittableRandom random = new SplittableRandom(21);
        float[] params = new float[layout.totalSize()];
        for (int k = 0; k < params.length; k++) {
            params[k] = (float) (random.nextDouble() * 2 - 1);
        }
        float[] x = new float[ROWS * IN];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (random.nextDouble() * 4 - 2);
        }
        float[][] y = new float[TASKS][ROWS];
        for (float[] row : y) {
            for (int r = 0; r < ROWS; r++) {
                row[r] = (float) (random.nextDouble() * 6 - 3);
            }
        }
        int p = layout.sharedSize();
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), layout);
        float[][] batch = copy(model.gradients(params, x, y, ROWS).sharedGradients());
        ConflictBaselineProbe probe = new ConflictBaselineProbe(TASKS, IN, p, 4, 99);
        long step = 7;
        ConflictBaseline b = probe.measure(step, x, y, ROWS, model.gradients(params, x, y, ROWS).sharedGradients(),
                (xs, ys, n) -> model.gradients(params, xs, ys, n).sharedGradients());
        assertNotNull(b);
        assertEquals(4, b.samples());
        assertEquals(p, b.sharedParameters());

        int[] rows = probe.drawRows(step, ROWS);
        assertEquals(4, rows.length);
        assertEquals(4, java.util.Arrays.stream(rows).distinct().count(), "distinct rows");
        double[][][] reference = new double[rows.length][TASKS][];
        for (int s = 0; s < rows.length; s++) {
            float[] one = java.util.Arrays.copyOfRange(x, rows[s] * IN, rows[s] * IN + IN);
            for (int t = 0; t < TASKS; t++) {
                reference[s][t] = shared(layout, params, one, new float[] {y[t][rows[s]]}, 1, t);
            }
        }
        for (int s = 0; s < rows.length; s++) {
            for (int i = 0; i < TASKS; i++) {
                for (int j = i; j < TASKS; j++) {
                    assertGram(reference[s][i], reference[s][j], b.interTaskDot(s, i, j), "sample " + s + " tasks " + i + "," + j);
                    if (j > i) {
                        assertEquals(opposite(reference[s][i], reference[s][j]),
                                b.sampleSignDisagreements()[s][ConflictBaseline.pairIndex(i, j, TASKS)]);
                    }
                }
            }
        }
        for (int t = 0; t < TASKS; t++) {
            for (int s = 0; s < rows.length; s++) {
                for (int u = s; u < rows.length; u++) {
                    assertGram(reference[s][t], reference[u][t], b.interSampleDot(t, s, u), "task " + t + " samples " + s + "," + u);
                    if (u > s) {
                        assertEquals(opposite(reference[s][t], reference[u][t]),
                                b.taskSampleSignDisagreements()[t][ConflictBaseline.pairIndex(s, u, rows.length)]);
                    }
                }
            }
            // halves: rows 0..3 and 4..8
            int first = ROWS / 2;
            double[] a = shared(layout, params, x, y[t], first, t);
            float[] secondX = java.util.Arrays.copyOfRange(x, first * IN, ROWS * IN);
            float[] secondY = java.util.Arrays.copyOfRange(y[t], first, ROWS);
            double[] c = shared(layout, params, secondX, secondY, ROWS - first, t);
            assertGram(a, a, b.halfBatches()[t][ConflictBaseline.HALF_A], "half a of task " + t);
            assertGram(c, c, b.halfBatches()[t][ConflictBaseline.HALF_B], "half b of task " + t);
            assertGram(a, c, b.halfBatches()[t][ConflictBaseline.HALF_DOT], "halves of task " + t);
            assertEquals(opposite(a, c), b.halfBatchSignDisagreements()[t]);
        }
        for (int i = 0; i < TASKS; i++) {
            for (int j = i + 1; j < TASKS; j++) {
                double[] gi = shared(layout, params, x, y[i], ROWS, i);
                double[] gj = shared(layout, params, x, y[j], ROWS, j);
                assertEquals(opposite(gi, gj), b.batchSignDisagreements()[ConflictBaseline.pairIndex(i, j, TASKS)]);
                assertEquals(opposite(toDouble(batch[i]), toDouble(batch[j])),
                        b.batchSignDisagreements()[ConflictBaseline.pairIndex(i, j, TASKS)]);
            }
        }
        assertNull(probe.measure(1, x, y, 1, batch, (xs, ys, n) -> model.gradients(params, xs, ys, n).sharedGradients()),
                "a batch of one row has no pair of samples");
    }

    @Test
    void inRealTrainingTheBaselineAddsUpToTheStepsBatchGradients() {
        // batch 8 and 8 samples: every row drawn, so the batch gradient is the mean of the per-sample gradients
        StudySpec.TelemetrySpec telemetry = new StudySpec.TelemetrySpec(1, false, 8, 1);
        List<GradientEvent> events = train(Requests.tiny(1, 8, telemetry));
        assertEquals(40, events.size(), "320 training rows in batches of 8, an event every step");
        for (GradientEvent e : events) {
            ConflictBaseline b = e.baseline();
            assertNotNull(b, "baseline on every event at baselineEvery 1, step " + e.step());
            assertEquals(8, b.samples());
            double[][] gram = e.totalGram();
            for (int t = 0; t < 3; t++) {
                // ‖g‖² = (1/n²) Σ_s Σ_u ⟨g_s, g_u⟩ with g = (1/n) Σ_s g_s
                double sum = 0;
                for (int s = 0; s < 8; s++) {
                    for (int u = 0; u < 8; u++) {
                        sum += b.interSampleDot(t, s, u);
                    }
                }
                assertEquals(gram[t][t], sum / 64, 1e-5 * gram[t][t], "step " + e.step() + " task " + t);
                // g = (4a + 4b)/8: ‖g‖² = (‖a‖² + ‖b‖² + 2⟨a,b⟩)/4
                double[] h = b.halfBatches()[t];
                assertEquals(gram[t][t], (h[0] + h[1] + 2 * h[2]) / 4, 1e-5 * gram[t][t], "halves, step " + e.step());
            }
        }
    }

    @Test
    void baselineComesOnEveryBaselineEveryThEventDeterministicallyAndNotAtZeroSamples() {
        StudySpec.TelemetrySpec telemetry = new StudySpec.TelemetrySpec(2, false, 4, 3);
        List<GradientEvent> events = train(Requests.tiny(1, 32, telemetry));
        List<Long> withBaseline = new ArrayList<>();
        for (GradientEvent e : events) {
            if (e.hasBaseline()) {
                withBaseline.add(e.step());
                assertEquals(4, e.baseline().samples());
            }
        }
        assertEquals(List.of(6L), withBaseline, "10 steps, an event every 2nd, a baseline on every 3rd event");
        List<GradientEvent> again = train(Requests.tiny(1, 32, telemetry));
        assertEquals(events, again, "same request, same events, baselines included");
        assertTrue(train(Requests.tiny(1, 32, new StudySpec.TelemetrySpec(1, false, 0, 1))).stream()
                .noneMatch(GradientEvent::hasBaseline), "baselineSamples 0 turns it off");
    }

    private static List<GradientEvent> train(org.mtlab.core.contract.TrainingRequest request) {
        List<GradientEvent> events = new ArrayList<>();
        new MultiTaskTrainer().train(request, new TrainingListener() {
            @Override
            public void gradients(GradientEvent event) {
                events.add(event);
            }
        }, () -> false);
        return events;
    }

    private static double[] shared(MlpLayout layout, float[] params, float[] x, float[] y, int rows, int task) {
        double[] gradient = new double[layout.totalSize()];
        MlpNetworkGradientTest.Reference.lossAndGradient(layout, params, x, y, rows, task, gradient);
        return java.util.Arrays.copyOf(gradient, layout.sharedSize());
    }

    /** A Gram entry to 1e-5 of the product of the two norms (relative for norms, on the cosine scale for the rest). */
    private static void assertGram(double[] a, double[] b, double actual, String what) {
        double expected = 0;
        for (int k = 0; k < a.length; k++) {
            expected += a[k] * b[k];
        }
        double scale = Math.sqrt(dot(a, a) * dot(b, b));
        assertTrue(scale > 0, what + ": a zero gradient tests nothing");
        assertEquals(expected, actual, 1e-5 * scale, what);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static int opposite(double[] a, double[] b) {
        int n = 0;
        for (int k = 0; k < a.length; k++) {
            if (a[k] > 0 && b[k] < 0 || a[k] < 0 && b[k] > 0) {
                n++;
            }
        }
        return n;
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = v[k];
        }
        return out;
    }

    private static float[][] copy(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
        }
        return out;
    }
}
