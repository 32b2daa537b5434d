package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-task gradients from DJL (one forward, one backward per task, copy and zero in between) against an independent
 * hand-written backpropagation in double, itself checked by central finite differences.
 */
class MlpNetworkGradientTest {
    private static final int IN = 5;
    private static final List<Integer> HIDDEN = List.of(4, 3);
    private static final int TASKS = 3;
    private static final int ROWS = 7;

    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    @Test
    void perTaskGradientsMatchHandWrittenBackprop() {
        MlpLayout layout = new MlpLayout(IN, HIDDEN, TASKS);
        SplittableRandom random = new SplittableRandom(3);
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

        ReferencePasses model = new ReferencePasses(ENGINE.manager(), layout);
        for (int repeat = 0; repeat < 2; repeat++) { // a second call must not see the first call's gradients
            ReferencePasses.Gradients djl = model.gradients(params, x, y, ROWS);
            for (int t = 0; t < TASKS; t++) {
                double[] reference = new double[layout.totalSize()];
                double loss = Reference.lossAndGradient(layout, params, x, y[t], ROWS, t, reference);
                assertEquals(loss, djl.losses()[t], 1e-5 * Math.max(1, loss), "loss of task " + t);
                for (int k = 0; k < layout.sharedSize(); k++) {
                    assertEquals(reference[k], djl.sharedGradients()[t][k], 1e-5 + 1e-4 * Math.abs(reference[k]),
                            "shared gradient " + k + " of task " + t);
                }
                for (int tensor : new int[] {layout.headWeight(t), layout.headBias(t)}) {
                    for (int k = layout.offset(tensor); k < layout.offset(tensor + 1); k++) {
                        assertEquals(reference[k], djl.headGradients()[k - layout.sharedSize()],
                                1e-5 + 1e-4 * Math.abs(reference[k]), "head gradient " + k + " of task " + t);
                    }
                }
            }
            // tasks really differ: a copy that forgot to zero would equal the running sum instead
            assertTrue(Math.abs(djl.sharedGradients()[0][0] - djl.sharedGradients()[1][0]) > 1e-6
                    || Math.abs(djl.sharedGradients()[0][1] - djl.sharedGradients()[1][1]) > 1e-6);
        }
    }

    @Test
    void referenceBackpropAgreesWithFiniteDifferences() {
        MlpLayout layout = new MlpLayout(IN, HIDDEN, TASKS);
        SplittableRandom random = new SplittableRandom(8);
        float[] params = new float[layout.totalSize()];
        for (int k = 0; k < params.length; k++) {
            params[k] = (float) (random.nextDouble() * 2 - 1);
        }
        float[] x = new float[ROWS * IN];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (random.nextDouble() * 4 - 2);
        }
        float[] y = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            y[r] = (float) random.nextDouble();
        }
        int task = 1;
        double[] gradient = new double[layout.totalSize()];
        Reference.lossAndGradient(layout, params, x, y, ROWS, task, gradient);
        double[] p = new double[params.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = params[k];
        }
        double h = 1e-6;
        for (int k = 0; k < p.length; k++) {
            double saved = p[k];
            p[k] = saved + h;
            double up = Reference.loss(layout, p, x, y, ROWS, task);
            p[k] = saved - h;
            double down = Reference.loss(layout, p, x, y, ROWS, task);
            p[k] = saved;
            assertEquals((up - down) / (2 * h), gradient[k], 1e-6 + 1e-5 * Math.abs(gradient[k]), "coordinate " + k);
        }
    }

    /** The MLP in double, forward and backward by hand. */
    static final class Reference {
        private Reference() {
        }

        static double loss(MlpLayout layout, double[] p, float[] x, float[] y, int rows, int task) {
            return run(layout, p, x, y, rows, task, null);
        }

        static double lossAndGradient(MlpLayout layout, float[] params, float[] x, float[] y, int rows, int task,
                                      double[] gradient) {
            double[] p = new double[params.length];
            for (int k = 0; k < p.length; k++) {
                p[k] = params[k];
            }
            return run(layout, p, x, y, rows, task, gradient);
        }

        private static double run(MlpLayout layout, double[] p, float[] x, float[] y, int rows, int task,
                                  double[] gradient) {
            int layers = layout.layers();
            double[][][] a = new double[layers + 1][][];
            double[][][] z = new double[layers + 1][][];
            a[0] = new double[rows][layout.input()];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < layout.input(); i++) {
                    a[0][r][i] = x[r * layout.input() + i];
                }
            }
            for (int l = 0; l < layers; l++) {
                int out = (int) layout.shape(2 * l)[0];
                int in = (int) layout.shape(2 * l)[1];
                int w = layout.offset(2 * l);
                int b = layout.offset(2 * l + 1);
                z[l + 1] = new double[rows][out];
                a[l + 1] = new double[rows][out];
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < out; o++) {
                        double s = p[b + o];
                        for (int i = 0; i < in; i++) {
                            s += p[w + o * in + i] * a[l][r][i];
                        }
                        z[l + 1][r][o] = s;
                        a[l + 1][r][o] = Math.max(0, s);
                    }
                }
            }
            int width = a[layers][0].length;
            int hw = layout.offset(layout.headWeight(task));
            int hb = layout.offset(layout.headBias(task));
            double loss = 0;
            double[] dPred = new double[rows];
            for (int r = 0; r < rows; r++) {
                double pred = p[hb];
                for (int i = 0; i < width; i++) {
                    pred += p[hw + i] * a[layers][r][i];
                }
                double e = pred - y[r];
                loss += e * e / rows;
                dPred[r] = 2 * e / rows;
            }
            if (gradient == null) {
                return loss;
            }
            java.util.Arrays.fill(gradient, 0);
            double[][] da = new double[rows][width];
            for (int r = 0; r < rows; r++) {
                gradient[hb] += dPred[r];
                for (int i = 0; i < width; i++) {
                    gradient[hw + i] += dPred[r] * a[layers][r][i];
                    da[r][i] = dPred[r] * p[hw + i];
                }
            }
            for (int l = layers - 1; l >= 0; l--) {
                int out = (int) layout.shape(2 * l)[0];
                int in = (int) layout.shape(2 * l)[1];
                int w = layout.offset(2 * l);
                int b = layout.offset(2 * l + 1);
                double[][] daPrev = new double[rows][in];
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < out; o++) {
                        double dz = z[l + 1][r][o] > 0 ? da[r][o] : 0;
                        gradient[b + o] += dz;
                        for (int i = 0; i < in; i++) {
                            gradient[w + o * in + i] += dz * a[l][r][i];
                            daPrev[r][i] += dz * p[w + o * in + i];
                        }
                    }
                }
                da = daPrev;
            }
            return loss;
        }
    }
}
