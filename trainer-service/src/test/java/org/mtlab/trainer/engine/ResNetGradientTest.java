package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The small ResNet on DJL against an independent forward pass written here in double (direct convolution loops with
 * stride and zero padding, residual sums, global average pooling, log-sum-exp cross-entropy): logits and loss must
 * agree, and every checked per-task gradient entry DJL returns (shared and head) must agree with a central finite
 * difference of that reference loss. The layout is checked against a parameter count worked out by hand.
 */
class ResNetGradientTest {
    /** 24×24 → stages at 24, 12 and 6 pixels a side: the 3×3 grid pools 2×2 cells. */
    private static final int SIDE = 24;
    /** 28×28 → 28, 14, 7: the grid pools 2×2 cells and drops the 7th row and column. */
    private static final int ODD_SIDE = 28;
    private static final int ROWS = 2;
    private static final int[] CLASSES = {3, 2};

    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    @Test
    void parameterCountAndBlocksFollowTheHandFormula() {
        MlpLayout resnet = MlpLayout.resNet(36, 36, new int[] {10, 10});
        assertEquals(List.of("stem", "stage1", "stage2", "stage3"), resnet.blockNames());
        // conv weights out·in·k·k plus out biases
        int stem = 8 * 1 * 9 + 8;
        int stage1 = 2 * (8 * 8 * 9 + 8);
        int stage2 = (16 * 8 * 9 + 16) + (16 * 16 * 9 + 16) + (16 * 8 * 1 + 16);
        int stage3 = (32 * 16 * 9 + 32) + (32 * 32 * 9 + 32) + (32 * 16 * 1 + 32);
        assertEquals(19_312, stem + stage1 + stage2 + stage3);
        assertEquals(stem + stage1 + stage2 + stage3, resnet.sharedSize());
        assertEquals(resnet.sharedSize() + 2 * (10 * 32 * 9 + 10), resnet.totalSize(), "heads over 32 channels × 3×3");
        int[] sizes = resnet.blockSizes();
        assertEquals(List.of(stem, stage1, stage2, stage3), List.of(sizes[0], sizes[1], sizes[2], sizes[3]));
        assertEquals(resnet.sharedSize(), MlpLayout.resNet(20, 28, new int[] {2}).sharedSize(),
                "the trunk does not depend on the image size");
        assertThrows(IllegalArgumentException.class, () -> MlpLayout.resNet(8, 36, new int[] {2}),
                "8 → 4 → 2: too small for the 3×3 grid");
        MlpLayout.resNet(9, 9, new int[] {2}); // 9 → 5 → 3: the smallest
    }

    @Test
    void heInitialisationHasTheDocumentedScale() {
        MlpLayout layout = MlpLayout.resNet(36, 36, new int[] {10});
        float[] params = new float[layout.totalSize()];
        layout.initialise(params, 3, new int[] {0});
        // stage 3's conv a: 32·16·9 = 4608 draws of N(0, 2/144); conv b: 9216 draws of N(0, 2/288 / 3)
        assertStd(params, layout, 12, Math.sqrt(2.0 / 144));
        assertStd(params, layout, 14, Math.sqrt(2.0 / 288 / 3));
        for (int k = layout.offset(13); k < layout.offset(14); k++) {
            assertEquals(0f, params[k], "biases start at 0");
        }
    }

    private static void assertStd(float[] params, MlpLayout layout, int tensor, double expected) {
        double sum = 0;
        for (int k = layout.offset(tensor); k < layout.offset(tensor + 1); k++) {
            sum += (double) params[k] * params[k];
        }
        double std = Math.sqrt(sum / layout.length(tensor));
        assertEquals(expected, std, 0.05 * expected, "tensor " + tensor); // > 4000 draws: within 5% by far
    }

    @Test
    void logitsHaveOneRowPerSampleAndMatchTheReference() {
        MlpLayout layout = MlpLayout.resNet(ODD_SIDE, ODD_SIDE, CLASSES);
        float[] params = params(layout, 9);
        float[] x = images(4, ODD_SIDE);
        float[][] out = {new float[ROWS * CLASSES[0]], new float[ROWS * CLASSES[1]]};
        new ReferencePasses(ENGINE.manager(), layout, new boolean[] {true, true}).predict(params, x, 0, ROWS, out);
        double[] p = toDouble(params);
        for (int t = 0; t < CLASSES.length; t++) {
            double[][] logits = referenceLogits(layout, p, x, t);
            assertEquals(ROWS, logits.length);
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < CLASSES[t]; c++) {
                    assertEquals(logits[r][c], out[t][r * CLASSES[t] + c], 1e-5 * Math.max(1, Math.abs(logits[r][c])),
                            "task " + t + " row " + r);
                }
            }
        }
    }

    @Test
    void lossAndPerTaskGradientsMatchFiniteDifferencesOfAnIndependentForwardPass() {
        MlpLayout layout = MlpLayout.resNet(SIDE, SIDE, CLASSES);
        float[] params = params(layout, 5);
        float[] x = images(17, SIDE);
        float[][] labels = {{0, 2}, {1, 0}};
        ReferencePasses.Gradients djl = new ReferencePasses(ENGINE.manager(), layout, new boolean[] {true, true}).gradients(params, x, labels, ROWS);
        double[] p = toDouble(params);
        int checked = 0;
        for (int t = 0; t < CLASSES.length; t++) {
            double loss = referenceLoss(layout, p, x, labels[t], t);
            assertEquals(loss, djl.losses()[t], 1e-5 * Math.max(1, loss), "loss of task " + t);
            // every 61st entry: about 320 of the trunk (every tensor) and 10 to 15 of the task's head
            for (int k = 0; k < layout.totalSize(); k += 61) {
                boolean shared = k < layout.sharedSize();
                boolean ownHead = k >= layout.taskStart(t) && k < layout.taskEnd(t);
                if (!shared && !ownHead) {
                    continue;
                }
                int task = t;
                double numeric = ReferenceMath.centralDifference(p, k, 1e-5,
                        q -> referenceLoss(layout, q, x, labels[task], task));
                double analytic = shared ? djl.sharedGradients()[t][k] : djl.headGradients()[k - layout.sharedSize()];
                assertEquals(numeric, analytic, 1e-4 + 1e-3 * Math.abs(numeric), "task " + t + ", parameter " + k);
                checked++;
            }
        }
        assertTrue(checked > 650, checked + " entries checked");
    }

    private static float[] params(MlpLayout layout, long seed) {
        float[] params = new float[layout.totalSize()];
        layout.initialise(params, seed, new int[] {0, 1});
        SplittableRandom random = new SplittableRandom(seed);
        for (int k = 0; k < layout.sharedSize(); k++) { // non-zero biases, so that the bias gradients are tested too
            if (params[k] == 0) {
                params[k] = (float) (0.1 * (2 * random.nextDouble() - 1));
            }
        }
        return params;
    }

    private static float[] images(long seed, int side) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[ROWS * side * side];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) random.nextDouble();
        }
        return x;
    }

    private static double[] toDouble(float[] params) {
        double[] p = new double[params.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = params[k];
        }
        return p;
    }

    static double referenceLoss(MlpLayout layout, double[] p, float[] x, float[] labels, int t) {
        return ReferenceMath.meanCrossEntropy(referenceLogits(layout, p, x, t), labels);
    }

    /** stem → stage 1 (identity shortcut) → stages 2, 3 (stride 2, projection shortcut) → 3×3 grid means → head. */
    static double[][] referenceLogits(MlpLayout layout, double[] p, float[] x, int t) {
        int side = layout.imageShape()[0];
        int rows = x.length / (side * side);
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            double[][][] h = new double[1][side][side];
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    h[0][i][j] = x[r * side * side + i * side + j];
                }
            }
            h = ReferenceMath.relu(conv(h, p, layout, 0, 1, 1));
            double[][][] branch = conv(ReferenceMath.relu(conv(h, p, layout, 2, 1, 1)), p, layout, 4, 1, 1);
            h = ReferenceMath.relu(add(h, branch));
            for (int first : new int[] {6, 12}) {
                branch = conv(ReferenceMath.relu(conv(h, p, layout, first, 2, 1)), p, layout, first + 2, 1, 1);
                h = ReferenceMath.relu(add(conv(h, p, layout, first + 4, 2, 0), branch));
            }
            int cell = h[0].length / 3; // a remainder row / column at the far edge is left out
            double[] features = new double[h.length * 9];
            for (int c = 0; c < h.length; c++) {
                for (int gi = 0; gi < 3; gi++) {
                    for (int gj = 0; gj < 3; gj++) {
                        double s = 0;
                        for (int i = gi * cell; i < (gi + 1) * cell; i++) {
                            for (int j = gj * cell; j < (gj + 1) * cell; j++) {
                                s += h[c][i][j];
                            }
                        }
                        features[c * 9 + gi * 3 + gj] = s / (cell * cell);
                    }
                }
            }
            long[] head = layout.shape(layout.headWeight(t));
            int w = layout.offset(layout.headWeight(t));
            int b = layout.offset(layout.headBias(t));
            out[r] = new double[(int) head[0]];
            for (int o = 0; o < out[r].length; o++) {
                double s = p[b + o];
                for (int i = 0; i < features.length; i++) {
                    s += p[w + o * features.length + i] * features[i];
                }
                out[r][o] = s;
            }
        }
        return out;
    }

    /** Cross-correlation as {@code nn.Conv2d}: zero padding, output side ⌊(n + 2·pad − k) / stride⌋ + 1. */
    private static double[][][] conv(double[][][] in, double[] p, MlpLayout layout, int weightTensor, int stride,
                                     int pad) {
        long[] shape = layout.shape(weightTensor);
        int outChannels = (int) shape[0];
        int k = (int) shape[2];
        int w = layout.offset(weightTensor);
        int b = layout.offset(weightTensor + 1);
        int n = in[0].length;
        int size = (n + 2 * pad - k) / stride + 1;
        double[][][] out = new double[outChannels][size][size];
        for (int o = 0; o < outChannels; o++) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    double s = p[b + o];
                    for (int c = 0; c < in.length; c++) {
                        for (int u = 0; u < k; u++) {
                            int row = i * stride + u - pad;
                            if (row < 0 || row >= n) {
                                continue;
                            }
                            for (int v = 0; v < k; v++) {
                                int col = j * stride + v - pad;
                                if (col >= 0 && col < n) {
                                    s += p[w + ((o * in.length + c) * k + u) * k + v] * in[c][row][col];
                                }
                            }
                        }
                    }
                    out[o][i][j] = s;
                }
            }
        }
        return out;
    }

    private static double[][][] add(double[][][] a, double[][][] b) {
        double[][][] out = new double[a.length][a[0].length][a[0][0].length];
        for (int c = 0; c < a.length; c++) {
            for (int i = 0; i < a[c].length; i++) {
                for (int j = 0; j < a[c][i].length; j++) {
                    out[c][i][j] = a[c][i][j] + b[c][i][j];
                }
            }
        }
        return out;
    }
}
