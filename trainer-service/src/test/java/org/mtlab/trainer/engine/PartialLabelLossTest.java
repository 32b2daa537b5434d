package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtlab.core.contract.RunEvent;

/**
 * Partial labels (a missing label is NaN): a task's loss and gradients on a batch equal those of the same network on
 * the batch's labelled rows alone — an independent computation through the fully labelled path — and a batch without
 * any of its labels gives zero loss and zero gradient; evaluation counts labelled samples only.
 */
class PartialLabelLossTest {
    private static final int IN = 5;
    private static final int ROWS = 8;
    private static final int CLASSES = 3;

    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    private final MlpLayout layout = new MlpLayout(IN, List.of(6), new int[] {1, CLASSES});
    private final SplittableRandom random = new SplittableRandom(11);
    private final float[] params = new float[layout.totalSize()];
    private final float[] x = new float[ROWS * IN];
    private final float[][] y = new float[2][ROWS];

    PartialLabelLossTest() {
        layout.initialise(params, 5, new int[] {0, 1});
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (random.nextDouble() * 4 - 2);
        }
        for (int r = 0; r < ROWS; r++) {
            y[0][r] = (float) (random.nextDouble() * 6 - 3);
            y[1][r] = random.nextInt(CLASSES);
        }
    }

    @Test
    void eachTasksLossAndGradientsAreThoseOfItsLabelledRowsAlone() {
        float[][] partial = {y[0].clone(), y[1].clone()};
        for (int r : new int[] {1, 4, 5}) {
            partial[0][r] = Float.NaN;
        }
        for (int r : new int[] {0, 2, 3, 7}) {
            partial[1][r] = Float.NaN;
        }
        ReferencePasses model = new ReferencePasses(ENGINE.manager(), layout, new boolean[] {false, true});
        ReferencePasses.Gradients masked = copy(model.gradients(params, x, partial, ROWS));
        for (int t = 0; t < 2; t++) {
            List<Integer> labelled = new ArrayList<>();
            for (int r = 0; r < ROWS; r++) {
                if (!Float.isNaN(partial[t][r])) {
                    labelled.add(r);
                }
            }
            int n = labelled.size();
            float[] subX = new float[n * IN];
            float[][] subY = new float[2][n];
            for (int i = 0; i < n; i++) {
                int r = labelled.get(i);
                System.arraycopy(x, r * IN, subX, i * IN, IN);
                subY[0][i] = y[0][r];
                subY[1][i] = y[1][r];
            }
            ReferencePasses.Gradients alone = model.gradients(params, subX, subY, n);
            assertEquals(alone.losses()[t], masked.losses()[t], 1e-6 * Math.max(1, Math.abs(alone.losses()[t])),
                    "loss of task " + t);
            for (int k = 0; k < layout.sharedSize(); k++) {
                assertEquals(alone.sharedGradients()[t][k], masked.sharedGradients()[t][k],
                        1e-6 + 1e-5 * Math.abs(alone.sharedGradients()[t][k]), "shared gradient " + k + " of task " + t);
            }
            for (int tensor : new int[] {layout.headWeight(t), layout.headBias(t)}) {
                for (int k = layout.offset(tensor); k < layout.offset(tensor + 1); k++) {
                    int h = k - layout.sharedSize();
                    assertEquals(alone.headGradients()[h], masked.headGradients()[h],
                            1e-6 + 1e-5 * Math.abs(alone.headGradients()[h]), "head gradient " + k + " of task " + t);
                }
            }
        }
    }

    @Test
    void aBatchWithoutATasksLabelsGivesItZeroLossAndZeroGradient() {
        float[][] partial = {y[0].clone(), new float[ROWS]};
        java.util.Arrays.fill(partial[1], Float.NaN);
        ReferencePasses.Gradients g = new ReferencePasses(ENGINE.manager(), layout, new boolean[] {false, true})
                .gradients(params, x, partial, ROWS);
        assertEquals(0f, g.losses()[1]);
        for (float v : g.sharedGradients()[1]) {
            assertEquals(0f, v);
        }
        for (int k = layout.offset(layout.headWeight(1)); k < layout.offset(layout.headBias(1) + 1); k++) {
            assertEquals(0f, g.headGradients()[k - layout.sharedSize()]);
        }
        // the other task is untouched: a positive loss and some gradient
        double norm = 0;
        for (float v : g.sharedGradients()[0]) {
            norm += v * v;
        }
        assertEquals(true, g.losses()[0] > 0 && norm > 0);
    }

    @Test
    void evaluationCountsOnlyLabelledSamples() {
        TaskMetrics accuracy = new TaskMetrics(2, true);
        float[] logits = {2, 1, 0, 3, 5, -1};
        accuracy.add(logits, 0, 0);          // right
        accuracy.add(logits, 1, Float.NaN);  // unlabelled
        accuracy.add(logits, 2, 1);          // wrong
        assertEquals(2, accuracy.count());
        assertEquals(0.5, accuracy.accuracy());
        TaskMetrics none = new TaskMetrics(1, false);
        none.add(new float[] {1}, 0, Float.NaN);
        List<RunEvent.Metric> reported = new ArrayList<>();
        none.report("t", "test", reported);
        assertEquals(List.of(), reported);
    }

    private static ReferencePasses.Gradients copy(ReferencePasses.Gradients g) {
        float[][] shared = new float[g.sharedGradients().length][];
        for (int t = 0; t < shared.length; t++) {
            shared[t] = g.sharedGradients()[t].clone();
        }
        return new ReferencePasses.Gradients(g.losses().clone(), shared, g.headGradients().clone());
    }
}
