package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.mtlab.core.gradient.GradientGeometry;

class GradientEventCodecTest {

    /** A consistent event: Gram matrices computed from actual random gradient vectors. */
    static GradientEvent randomEvent(Random rnd, int tasks, int blocks, boolean full) {
        int[] sizes = new int[blocks];
        int total = 0;
        for (int b = 0; b < blocks; b++) {
            sizes[b] = 1 + rnd.nextInt(20);
            total += sizes[b];
        }
        float[][] g = new float[tasks][total];
        for (float[] row : g) {
            for (int k = 0; k < total; k++) {
                row[k] = (float) rnd.nextGaussian();
            }
        }
        double[][] grams = new double[blocks][];
        int offset = 0;
        for (int b = 0; b < blocks; b++) {
            grams[b] = GradientGeometry.packedGram(g, offset, offset + sizes[b]);
            offset += sizes[b];
        }
        float[] losses = new float[tasks];
        float[] weights = new float[tasks];
        for (int t = 0; t < tasks; t++) {
            losses[t] = rnd.nextFloat() * 3;
            weights[t] = 1f;
        }
        return new GradientEvent(new UUID(rnd.nextLong(), rnd.nextLong()), 1 + rnd.nextInt(3), rnd.nextInt(100_000),
                rnd.nextInt(50), losses, weights, grams, full ? sizes : null, full ? g : null);
    }

    @Property(tries = 200)
    void roundTripsExactly(@ForAll @IntRange(min = 1, max = 8) int tasks, @ForAll @IntRange(min = 1, max = 12) int blocks,
                           @ForAll boolean full, @ForAll long seed) {
        GradientEvent event = randomEvent(new Random(seed), tasks, blocks, full);
        GradientEvent back = GradientEventCodec.decode(GradientEventCodec.encode(event));
        assertEquals(event, back);
    }

    @Test
    void sizeOfFourTasksEightBlocksIsHeaderPlusPackedGrams() {
        byte[] bytes = GradientEventCodec.encode(randomEvent(new Random(1), 4, 8, false));
        // 38-byte header, 4 losses + 4 weights as f32, 8 blocks × 10 packed entries as f64
        assertEquals(38 + 32 + 8 * 10 * 8, bytes.length);
    }

    @Test
    void totalGramIsTheGramOfTheConcatenatedGradients() {
        GradientEvent event = randomEvent(new Random(2), 3, 5, true);
        double[][] total = event.totalGram();
        int p = event.fullGradients()[0].length;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = 0;
                for (int k = 0; k < p; k++) {
                    dot += (double) event.fullGradients()[i][k] * event.fullGradients()[j][k];
                }
                assertEquals(dot, total[i][j], 1e-9 * Math.max(1, Math.abs(dot)));
            }
        }
    }

    @Property(tries = 300)
    void everyTruncationIsRefusedCleanly(@ForAll @IntRange(min = 1, max = 5) int tasks, @ForAll boolean full,
                                         @ForAll long seed) {
        byte[] bytes = GradientEventCodec.encode(randomEvent(new Random(seed), tasks, 3, full));
        int cut = new Random(seed).nextInt(bytes.length);
        assertThrows(ContractException.class, () -> GradientEventCodec.decode(Arrays.copyOf(bytes, cut)));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + new Random(seed).nextInt(8));
        assertThrows(ContractException.class, () -> GradientEventCodec.decode(longer));
    }

    @Property(tries = 500)
    void randomBytesNeverEscapeAsAnythingButContractException(@ForAll byte[] bytes) {
        try {
            GradientEventCodec.decode(bytes);
        } catch (ContractException expected) {
            return;
        }
        // decoding random bytes into a valid event is possible only by an astronomically lucky draw
        assertTrue(bytes.length >= 38);
    }

    @Test
    void unknownVersionIsNamed() {
        byte[] bytes = GradientEventCodec.encode(randomEvent(new Random(3), 2, 2, false));
        bytes[0] = 9;
        ContractException e = assertThrows(ContractException.class, () -> GradientEventCodec.decode(bytes));
        assertEquals("version", e.field());
    }

    @Test
    void nonFiniteLossAndNonGramMatricesAreRefused() {
        GradientEvent good = randomEvent(new Random(4), 2, 1, false);
        GradientEvent nanLoss = new GradientEvent(good.runId(), 1, 1, 0, new float[] {Float.NaN, 1f}, good.weights(),
                good.blockGrams(), null, null);
        assertEquals("losses[0]", assertThrows(ContractException.class,
                () -> GradientEventCodec.decode(GradientEventCodec.encode(nanLoss))).field());
        double[][] notGram = {{1.0, 5.0, 1.0}}; // |g1·g2| = 5 > |g1||g2| = 1
        GradientEvent corrupt = new GradientEvent(good.runId(), 1, 1, 0, good.losses(), good.weights(), notGram, null, null);
        assertThrows(ContractException.class, () -> GradientEventCodec.decode(GradientEventCodec.encode(corrupt)));
    }

    @Test
    void packedIndexCoversTheUpperTriangleOnce() {
        for (int t = 1; t <= 10; t++) {
            boolean[] seen = new boolean[GradientEvent.packedLength(t)];
            for (int i = 0; i < t; i++) {
                for (int j = i; j < t; j++) {
                    int idx = GradientEvent.packedIndex(i, j, t);
                    assertTrue(!seen[idx], "index used twice");
                    seen[idx] = true;
                    assertEquals(idx, GradientEvent.packedIndex(j, i, t));
                }
            }
            for (boolean s : seen) {
                assertTrue(s);
            }
        }
    }

    @Test
    void cosineAndMagnitudeFromGramMatchDirectComputation() {
        float[][] g = {{3, 0, 4}, {-3, 0, -4}, {0, 10, 0}, {0, 0, 0}};
        double[] packed = GradientGeometry.packedGram(g, 0, 3);
        int t = 4;
        assertEquals(-1.0, GradientGeometry.cosine(packed[GradientEvent.packedIndex(0, 0, t)],
                packed[GradientEvent.packedIndex(1, 1, t)], packed[GradientEvent.packedIndex(0, 1, t)]), 1e-12);
        assertEquals(0.0, GradientGeometry.cosine(25, 100, packed[GradientEvent.packedIndex(0, 2, t)]), 1e-12);
        // |g0| = 5, |g2| = 10: 2·5·10 / (25 + 100) = 0.8
        assertEquals(0.8, GradientGeometry.magnitudeSimilarity(25, 100), 1e-12);
        assertEquals(0.0, GradientGeometry.cosine(25, 0, 0), "a zero gradient has no direction");
        assertEquals(1.0, GradientGeometry.magnitudeSimilarity(0, 0));
    }
}
