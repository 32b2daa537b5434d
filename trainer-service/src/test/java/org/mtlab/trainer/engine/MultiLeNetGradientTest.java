package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MultiLeNet and classification heads on DJL against an independent forward pass written here in double (direct
 * convolution loops, ReLU, 2×2 max pooling, log-sum-exp cross-entropy): the loss must agree, and every per-task
 * gradient entry DJL returns (shared and head) must agree with a central finite difference of that reference loss.
 */
class MultiLeNetGradientTest {
    private static final int SIDE = 20; // smallest image MultiLeNet takes: 20 → 12 → 6 → 2 → 1
    private static final int ROWS = 3;
    private static final int[] CLASSES = {3, 4};

    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    @Test
    void layoutFollowsThePaper() {
        MlpLayout lenet = MlpLayout.multiLeNet(36, 36, new int[] {10, 10});
        assertEquals(List.of("conv1", "conv2", "fc"), lenet.blockNames());
        assertEquals(500, lenet.shape(4)[1], "fc(500→50) on 36×36 MultiFashion");
        assertEquals(10 * 81 + 10 + 20 * 10 * 25 + 20 + 50 * 500 + 50, lenet.sharedSize());
        assertEquals(lenet.sharedSize() + 2 * (10 * 50 + 10), lenet.totalSize());
        assertThrows(IllegalArgumentException.class, () -> MlpLayout.multiLeNet(19, 36, new int[] {10}));
    }

    @Test
    void lossAndPerTaskGradientsMatchFiniteDifferencesOfAnIndependentForwardPass() {
        MlpLayout layout = MlpLayout.multiLeNet(SIDE, SIDE, CLASSES);
        SplittableRandom random = new SplittableRandom(17);
        float[] params = new float[layout.totalSize()];
        layout.initialise(params, 5, new int[] {0, 1});
        for (int k = 0; k < params.length; k++) { // larger than the default init, so that no unit is dead everywhere
            params[k] *= 3;
        }
        float[] x = new float[ROWS * SIDE * SIDE];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) random.nextDouble();
        }
        float[][] labels = {{0, 2, 1}, {3, 1, 1}};

        ReferencePasses model = new ReferencePasses(ENGINE.manager(), layout, new boolean[] {true, true});
        ReferencePasses.Gradients djl = model.gradients(params, x, labels, ROWS);
        double[] p = new double[params.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = params[k];
        }
        for (int t = 0; t < CLASSES.length; t++) {
            double loss = referenceLoss(layout, p, x, labels[t], t);
            assertEquals(loss, djl.losses()[t], 1e-5 * Math.max(1, loss), "loss of task " + t);
            // every 5th entry of the conv layers, every 7th of fc and of the task's head (a few thousand in all)
            for (int k = 0; k < layout.totalSize(); k += k < layout.blockStart(2) ? 5 : 7) {
                boolean shared = k < layout.sharedSize();
                boolean ownHead = k >= layout.offset(layout.headWeight(t)) && k < layout.offset(layout.headBias(t) + 1);
                if (!shared && !ownHead) {
                    continue;
                }
                int task = t;
                double numeric = ReferenceMath.centralDifference(p, k, 1e-5,
                        q -> referenceLoss(layout, q, x, labels[task], task));
                double analytic = shared ? djl.sharedGradients()[t][k] : djl.headGradients()[k - layout.sharedSize()];
                assertEquals(numeric, analytic, 2e-4 + 1e-3 * Math.abs(numeric), "task " + t + ", parameter " + k);
            }
        }
    }

    @Test
    void predictionsAreTheLogitsOfTheReference() {
        MlpLayout layout = MlpLayout.multiLeNet(SIDE, SIDE, CLASSES);
        float[] params = new float[layout.totalSize()];
        layout.initialise(params, 9, new int[] {0, 1});
        SplittableRandom random = new SplittableRandom(4);
        float[] x = new float[ROWS * SIDE * SIDE];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) random.nextDouble();
        }
        float[][] out = {new float[ROWS * CLASSES[0]], new float[ROWS * CLASSES[1]]};
        new ReferencePasses(ENGINE.manager(), layout, new boolean[] {true, true}).predict(params, x, 0, ROWS, out);
        double[] p = new double[params.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = params[k];
        }
        for (int t = 0; t < CLASSES.length; t++) {
            double[][] logits = referenceLogits(layout, p, x, t);
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < CLASSES[t]; c++) {
                    assertEquals(logits[r][c], out[t][r * CLASSES[t] + c], 1e-5, "task " + t + " row " + r);
                }
            }
        }
    }

    /** Mean cross-entropy of task t, in double. */
    static double referenceLoss(MlpLayout layout, double[] p, float[] x, float[] labels, int t) {
        return ReferenceMath.meanCrossEntropy(referenceLogits(layout, p, x, t), labels);
    }

    static double[][] referenceLogits(MlpLayout layout, double[] p, float[] x, int t) {
        int side = layout.imageShape()[0];
        int rows = x.length / (side * side);
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            double[][][] image = new double[1][side][side];
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    image[0][i][j] = x[r * side * side + i * side + j];
                }
            }
            double[][][] h = pool(ReferenceMath.relu(conv(image, p, layout, 0)));
            h = pool(ReferenceMath.relu(conv(h, p, layout, 2)));
            double[] flat = new double[h.length * h[0].length * h[0][0].length];
            int k = 0;
            for (double[][] channel : h) {
                for (double[] row : channel) {
                    for (double v : row) {
                        flat[k++] = v;
                    }
                }
            }
            double[] features = linear(flat, p, layout, 4);
            for (int i = 0; i < features.length; i++) {
                features[i] = Math.max(0, features[i]);
            }
            out[r] = linear(features, p, layout, layout.headWeight(t));
        }
        return out;
    }

    private static double[] linear(double[] in, double[] p, MlpLayout layout, int weightTensor) {
        long[] shape = layout.shape(weightTensor);
        int w = layout.offset(weightTensor);
        int b = layout.offset(weightTensor + 1);
        double[] out = new double[(int) shape[0]];
        for (int o = 0; o < out.length; o++) {
            double s = p[b + o];
            for (int i = 0; i < in.length; i++) {
                s += p[w + o * in.length + i] * in[i];
            }
            out[o] = s;
        }
        return out;
    }

    private static double[][][] conv(double[][][] in, double[] p, MlpLayout layout, int weightTensor) {
        long[] shape = layout.shape(weightTensor); // [out, in, k, k]
        int outChannels = (int) shape[0];
        int k = (int) shape[2];
        int w = layout.offset(weightTensor);
        int b = layout.offset(weightTensor + 1);
        int size = in[0].length - k + 1;
        double[][][] out = new double[outChannels][size][size];
        for (int o = 0; o < outChannels; o++) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    double s = p[b + o];
                    for (int c = 0; c < in.length; c++) {
                        for (int u = 0; u < k; u++) {
                            for (int v = 0; v < k; v++) {
                                s += p[w + ((o * in.length + c) * k + u) * k + v] * in[c][i + u][j + v];
                            }
                        }
                    }
                    out[o][i][j] = s;
                }
            }
        }
        return out;
    }

    private static double[][][] pool(double[][][] a) {
        int size = a[0].length / 2;
        double[][][] out = new double[a.length][size][size];
        for (int c = 0; c < a.length; c++) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    out[c][i][j] = Math.max(Math.max(a[c][2 * i][2 * j], a[c][2 * i][2 * j + 1]),
                            Math.max(a[c][2 * i + 1][2 * j], a[c][2 * i + 1][2 * j + 1]));
                }
            }
        }
        return out;
    }
}
