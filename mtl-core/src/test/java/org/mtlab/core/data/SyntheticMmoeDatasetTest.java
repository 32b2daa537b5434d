package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.StudySpec;

class SyntheticMmoeDatasetTest {
    private static final List<String> FOUR = List.of("a", "b", "c", "d");

    private static SyntheticMmoeDataset data(List<String> tasks, double rho, int d, int n, long seed, double scale) {
        return SyntheticMmoeDataset.generate(tasks, new SyntheticMmoeDataset.Params(rho, d, n, seed, scale));
    }

    private static double cosine(double[] a, double[] b) {
        return SyntheticMmoeDataset.dot(a, b) / Math.sqrt(SyntheticMmoeDataset.dot(a, a) * SyntheticMmoeDataset.dot(b, b));
    }

    @Test
    void weightCosinesAreRhoToTheFirstTaskAndRhoSquaredAmongTheOthers() {
        for (double rho : new double[] {-0.9, -0.3, 0, 0.5, 0.99, 1}) {
            SyntheticMmoeDataset ds = data(FOUR, rho, 50, 20, 7, 2.5);
            for (int t = 0; t < 4; t++) {
                assertEquals(2.5, Math.sqrt(SyntheticMmoeDataset.dot(ds.weight(t), ds.weight(t))), 1e-12, "|w_t| = c");
            }
            for (int t = 1; t < 4; t++) {
                assertEquals(rho, cosine(ds.weight(0), ds.weight(t)), 1e-12, "cos(w1, w" + (t + 1) + ") at rho " + rho);
                for (int s = 1; s < t; s++) {
                    assertEquals(rho * rho, cosine(ds.weight(s), ds.weight(t)), 1e-12, "cos(w_s, w_t) at rho " + rho);
                }
            }
        }
    }

    @Test
    void sameParametersGiveIdenticalDataAndAnotherSeedDoesNot() {
        SyntheticMmoeDataset a = data(FOUR, 0.5, 30, 200, 42, 1);
        SyntheticMmoeDataset b = data(FOUR, 0.5, 30, 200, 42, 1);
        SyntheticMmoeDataset c = data(FOUR, 0.5, 30, 200, 43, 1);
        assertArrayEquals(a.train().features(), b.train().features());
        assertArrayEquals(a.test().targets()[3], b.test().targets()[3]);
        assertArrayEquals(a.weight(2), b.weight(2));
        assertFalse(java.util.Arrays.equals(a.train().features(), c.train().features()));
        assertFalse(java.util.Arrays.equals(a.weight(0), c.weight(0)));
    }

    @Test
    void targetsAreTheNoiselessFunctionPlusNoiseOfVariancePointZeroOne() {
        SyntheticMmoeDataset ds = data(List.of("a", "b"), 0.5, 20, 20_000, 3, 1);
        SyntheticMmoeDataset.Split train = ds.train();
        for (int t = 0; t < 2; t++) {
            double[] w = ds.weight(t);
            double sum = 0;
            double sumSq = 0;
            double[] x = new double[20];
            for (int s = 0; s < train.size(); s++) {
                for (int k = 0; k < 20; k++) {
                    x[k] = train.feature(s, k);
                }
                double r = train.targets()[t][s] - SyntheticMmoeDataset.noiselessTarget(w, x);
                sum += r;
                sumSq += r * r;
            }
            double mean = sum / train.size();
            double variance = sumSq / train.size() - mean * mean;
            // 16,000 samples: the sample variance's standard error is 0.01·sqrt(2/16000) ≈ 1.1e-4
            assertEquals(0.01, variance, 6e-4, "noise variance of task " + t);
            assertEquals(0, mean, 4e-3, "noise mean of task " + t);
        }
    }

    @Test
    void featuresAreStandardNormal() {
        SyntheticMmoeDataset ds = data(List.of("a"), 0.5, 10, 10_000, 5, 1);
        float[] x = ds.train().features();
        double sum = 0;
        double sumSq = 0;
        for (float v : x) {
            sum += v;
            sumSq += (double) v * v;
        }
        assertEquals(0, sum / x.length, 0.01);
        assertEquals(1, sumSq / x.length, 0.02);
    }

    @Test
    void splitsAre801010AndDisjoint() {
        SyntheticMmoeDataset ds = data(FOUR, 0.5, 10, 4000, 1, 1);
        assertEquals(3200, ds.train().size());
        assertEquals(400, ds.validation().size());
        assertEquals(400, ds.test().size());
        assertEquals(3200 * 10, ds.train().features().length);
        assertEquals(400, ds.test().targets()[3].length);
        SyntheticMmoeDataset odd = data(FOUR, 0.5, 10, 1234, 1, 1);
        assertEquals(987, odd.train().size());
        assertEquals(123, odd.validation().size());
        assertEquals(124, odd.test().size());
        // consecutive slices of one stream: the first validation row differs from the last training row
        assertFalse(ds.validation().feature(0, 0) == ds.train().feature(3199, 0));
    }

    @Test
    void aTaskSeesTheSameTargetsWhateverTheRunTrains() {
        // an STL run regenerates the study's dataset (all tasks) and picks its task's column
        SyntheticMmoeDataset ds = data(FOUR, 0.2, 16, 100, 9, 1);
        SyntheticMmoeDataset again = data(FOUR, 0.2, 16, 100, 9, 1);
        assertArrayEquals(ds.train().targets()[ds.taskIndex("c")], again.train().targets()[again.taskIndex("c")]);
        assertThrows(IllegalArgumentException.class, () -> ds.taskIndex("zzz"));
    }

    @Test
    void paramsComeFromTheSpecWithDefaults() {
        List<org.mtlab.core.contract.Violation> out = new java.util.ArrayList<>();
        SyntheticMmoeDataset.Params p = new SyntheticKind().parse(new StudySpec.DatasetSpec("synthetic", Map.of()),
                FOUR, out);
        assertEquals(SyntheticMmoeDataset.Params.DEFAULT, p);
        SyntheticMmoeDataset.Params q = new SyntheticKind().parse(new StudySpec.DatasetSpec("synthetic",
                Map.of("rho", -0.25, "dimension", 12, "samples", 500, "seed", 77, "scale", 3)), FOUR, out);
        assertEquals(new SyntheticMmoeDataset.Params(-0.25, 12, 500, 77, 3), q);
        assertEquals(List.of(), out);
        assertThrows(IllegalArgumentException.class, () -> new SyntheticMmoeDataset.Params(1.5, 10, 100, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> data(FOUR, 0.5, 3, 100, 0, 1));
    }

    @Test
    void targetsVaryWithTheTaskCorrelation() {
        // rho = 1 makes every task's noiseless target identical, so targets differ only by noise
        SyntheticMmoeDataset same = data(List.of("a", "b"), 1, 10, 2000, 0, 1);
        double msd = 0;
        for (int s = 0; s < same.train().size(); s++) {
            double diff = same.train().targets()[0][s] - same.train().targets()[1][s];
            msd += diff * diff;
        }
        msd /= same.train().size();
        assertEquals(0.02, msd, 0.003, "difference of two independent N(0, 0.01) noises");
        assertTrue(msd > 0);
    }
}
