package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Each corruption against a figure computed here from its definition. */
class CorruptionsTest {
    private static float[] grey(int n, float v) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, v);
        return x;
    }

    @Test
    void gaussianNoiseHasTheSeveritysStandardDeviationAndIsSeededPerSample() {
        int n = 200 * 200;
        float[] x = grey(n, 0.5f);
        Corruptions.apply("gaussian_noise", 5, x, 0, 200, 200, 42, 7);
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(var / (n - 1));
        // σ = 0.10 at severity 5; 0.5 ± 5σ never clips
        assertEquals(0.5, mean, 0.003);
        assertEquals(0.10, sd, 0.003);
        float[] again = grey(n, 0.5f);
        Corruptions.apply("gaussian_noise", 5, again, 0, 200, 200, 42, 7);
        assertArrayEquals(x, again);
        float[] other = grey(n, 0.5f);
        Corruptions.apply("gaussian_noise", 5, other, 0, 200, 200, 42, 8);
        assertNotEquals(x[0], other[0]);
    }

    @Test
    void contrastKeepsTheMeanAndScalesDeviations() {
        float[] x = {0.2f, 0.4f, 0.6f, 0.8f};
        Corruptions.apply("contrast", 2, x, 0, 2, 2, 0, 0);
        // mean 0.5, c = 0.5
        assertArrayEquals(new float[]{0.35f, 0.45f, 0.55f, 0.65f}, x, 1e-6f);
    }

    @Test
    void blurOfAnImpulseIsTheOuterProductOfTheGaussianKernel() {
        int side = 15;
        float[] x = new float[side * side];
        x[7 * side + 7] = 1;
        Corruptions.apply("gaussian_blur", 5, x, 0, side, side, 0, 0); // σ = 1, radius 4
        double z = 0;
        for (int i = -4; i <= 4; i++) {
            z += Math.exp(-0.5 * i * i);
        }
        for (int r = -4; r <= 4; r++) {
            for (int c = -4; c <= 4; c++) {
                double expected = Math.exp(-0.5 * r * r) * Math.exp(-0.5 * c * c) / (z * z);
                assertEquals(expected, x[(7 + r) * side + 7 + c], 1e-6);
            }
        }
        assertEquals(0, x[7 * side + 2], 0);
        // a constant image stays constant, edges included (nearest-pixel extension)
        float[] flat = grey(36 * 36, 0.3f);
        Corruptions.apply("gaussian_blur", 3, flat, 0, 36, 36, 0, 0);
        for (float v : flat) {
            assertEquals(0.3f, v, 1e-6f);
        }
    }

    @Test
    void pixelateRepeatsTheRowsAndColumnsOfASmallerImageAndKeepsAFlatOne() {
        int side = 36;
        float[] x = new float[side * side];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                x[r * side + c] = Math.round(255f * (r * side + c) / (side * side - 1)) / 255f; // every row distinct
            }
        }
        Corruptions.apply("pixelate", 5, x, 0, side, side, 0, 0); // scale 0.65: ⌊36 · 0.65⌋ = 23 pixels a side
        java.util.Set<String> rows = new java.util.HashSet<>();
        java.util.Set<String> cols = new java.util.HashSet<>();
        double mean = 0;
        for (int r = 0; r < side; r++) {
            float[] row = java.util.Arrays.copyOfRange(x, r * side, (r + 1) * side);
            rows.add(java.util.Arrays.toString(row));
            float[] col = new float[side];
            for (int k = 0; k < side; k++) {
                col[k] = x[k * side + r];
                mean += x[k * side + r];
            }
            cols.add(java.util.Arrays.toString(col));
        }
        org.junit.jupiter.api.Assertions.assertTrue(rows.size() <= 23 && rows.size() >= 20, rows.size() + " rows");
        org.junit.jupiter.api.Assertions.assertTrue(cols.size() <= 23 && cols.size() >= 20, cols.size() + " columns");
        assertEquals(0.5, mean / (side * side), 0.03);
        float[] flat = grey(side * side, 100 / 255f);
        Corruptions.apply("pixelate", 3, flat, 0, side, side, 0, 0);
        for (float v : flat) {
            assertEquals(100 / 255f, v, 1e-6f);
        }
    }

    @Test
    void splitNamesRoundTripAndUnknownsAreRefused() {
        assertEquals(new Corruptions.Corrupted("gaussian_blur", 3),
                Corruptions.parseSplit(Corruptions.splitName("gaussian_blur", 3)));
        assertNull(Corruptions.parseSplit("test"));
        assertThrows(IllegalArgumentException.class, () -> Corruptions.parameter("fog", 1));
        assertThrows(IllegalArgumentException.class, () -> Corruptions.parameter("contrast", 6));
    }
}
