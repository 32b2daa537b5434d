package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    static GradientEvent withRandomBaseline(Random rnd, int tasks, int blocks, int samples, boolean full) {
        GeneratedBaseline vectors = GeneratedBaseline.random(rnd, tasks, samples, 1 + rnd.nextInt(40), 0.5,
                rnd.doubles(tasks, 0.1, 3).toArray());
        return randomEvent(rnd, tasks, blocks, full).withBaseline(vectors.toBaseline());
    }

    @Property(tries = 200)
    void eventsWithABaselineRoundTripExactly(@ForAll @IntRange(min = 1, max = 6) int tasks,
                                             @ForAll @IntRange(min = 2, max = 10) int samples, @ForAll boolean full,
                                             @ForAll long seed) {
        GradientEvent event = withRandomBaseline(new Random(seed), tasks, 3, samples, full);
        byte[] bytes = GradientEventCodec.encode(event);
        GradientEvent back = GradientEventCodec.decode(bytes);
        assertEquals(event, back);
        assertEquals(event.baseline(), back.baseline());
        int cut = new Random(seed).nextInt(bytes.length);
        assertThrows(ContractException.class, () -> GradientEventCodec.decode(Arrays.copyOf(bytes, cut)));
        assertThrows(ContractException.class, () -> GradientEventCodec.decode(Arrays.copyOf(bytes, bytes.length + 4)));
    }

    @Test
    void sizeWithABaselineOfEightSamples() {
        byte[] bytes = GradientEventCodec.encode(withRandomBaseline(new Random(5), 4, 8, 8, false));
        // v1 part 710; baseline: u16 m + i32 P, 8 samples × 10 packed task Grams (f64) and × 6 pair counts (i32),
        // 4 tasks × 36 packed sample Grams (f64) and × 28 pair counts (i32), 4 × 3 half-batch f64, 4 + 6 counts
        assertEquals(710 + 6 + 8 * 10 * 8 + 8 * 6 * 4 + 4 * 36 * 8 + 4 * 28 * 4 + 4 * 3 * 8 + 4 * 4 + 6 * 4, bytes.length);
        assertEquals(3284, bytes.length);
    }

    @Test
    void versionOneBytesAreStillDecodedButCannotCarryABaseline() {
        GradientEvent plain = randomEvent(new Random(6), 3, 2, true);
        byte[] bytes = GradientEventCodec.encode(plain);
        assertEquals(GradientEventCodec.VERSION, bytes[0]);
        bytes[0] = GradientEventCodec.VERSION_1;
        assertEquals(plain, GradientEventCodec.decode(bytes), "a v1 event (same layout) decodes to the same event");
        byte[] withBaseline = GradientEventCodec.encode(withRandomBaseline(new Random(6), 3, 2, 4, false));
        withBaseline[0] = GradientEventCodec.VERSION_1;
        assertEquals("flags", assertThrows(ContractException.class, () -> GradientEventCodec.decode(withBaseline)).field());
    }

    @Property(tries = 100)
    void theGradientSpaceRoundTripsAndCostsNoBytes(@ForAll @IntRange(min = 1, max = 6) int tasks, @ForAll boolean full,
                                                    @ForAll boolean baseline, @ForAll long seed) {
        GradientEvent parameters = baseline ? withRandomBaseline(new Random(seed), tasks, 1, 3, full)
                : randomEvent(new Random(seed), tasks, 1, full);
        GradientEvent representation = parameters.inSpace(GradientEvent.Space.REPRESENTATION);
        byte[] bytes = GradientEventCodec.encode(representation);
        GradientEvent back = GradientEventCodec.decode(bytes);
        assertEquals(GradientEvent.Space.REPRESENTATION, back.space());
        assertEquals(representation, back);
        assertNotEquals(parameters, back, "the space is part of the event");
        assertEquals(GradientEventCodec.encode(parameters).length, bytes.length, "a flag bit, no extra bytes");
        assertEquals(GradientEvent.Space.PARAMETERS, GradientEventCodec.decode(GradientEventCodec.encode(parameters)).space());
    }

    @Test
    void versionTwoBytesDecodeAsParameterSpaceAndCannotSayRepresentation() {
        GradientEvent event = withRandomBaseline(new Random(8), 3, 2, 4, true);
        byte[] bytes = GradientEventCodec.encode(event);
        assertEquals(4, bytes[0], "every event is written in version 4");
        bytes[0] = GradientEventCodec.VERSION_2;
        GradientEvent back = GradientEventCodec.decode(bytes);
        assertEquals(event, back, "a v2 event (same layout) decodes to the same parameter-space event");
        assertEquals(GradientEvent.Space.PARAMETERS, back.space());
        byte[] representation = GradientEventCodec.encode(event.inSpace(GradientEvent.Space.REPRESENTATION));
        representation[0] = GradientEventCodec.VERSION_2;
        assertEquals("flags", assertThrows(ContractException.class, () -> GradientEventCodec.decode(representation)).field());
    }

    @Test
    void aNewerVersionIsRefusedByItsVersionByteNamingTheVersionsKnown() {
        byte[] bytes = GradientEventCodec.encode(randomEvent(new Random(9), 2, 1, false));
        bytes[0] = (byte) (GradientEventCodec.VERSION + 1);
        ContractException e = assertThrows(ContractException.class, () -> GradientEventCodec.decode(bytes));
        assertEquals("version", e.field());
        assertTrue(e.getMessage().contains("version 5"), e.getMessage());
    }

    @Test
    void malformedBaselinesAreRefusedNamingTheField() {
        Random rnd = new Random(7);
        GradientEvent good = withRandomBaseline(rnd, 2, 1, 4, false);
        ConflictBaseline b = good.baseline();
        // a sign count above the parameter count
        int[][] tooMany = {b.sampleSignDisagreements()[0].clone(), b.sampleSignDisagreements()[1],
                b.sampleSignDisagreements()[2], b.sampleSignDisagreements()[3]};
        tooMany[0][0] = b.sharedParameters() + 1;
        assertRefused(good.withBaseline(new ConflictBaseline(4, b.sharedParameters(), b.sampleGrams(), tooMany,
                b.taskSampleGrams(), b.taskSampleSignDisagreements(), b.halfBatches(), b.halfBatchSignDisagreements(),
                b.batchSignDisagreements())), "baseline.sampleSignDisagreements[0][0]");
        // NaN in a per-sample Gram
        double[][] nan = copy(b.sampleGrams());
        nan[2][1] = Double.NaN;
        assertRefused(good.withBaseline(new ConflictBaseline(4, b.sharedParameters(), nan, b.sampleSignDisagreements(),
                b.taskSampleGrams(), b.taskSampleSignDisagreements(), b.halfBatches(), b.halfBatchSignDisagreements(),
                b.batchSignDisagreements())), "baseline.sampleGrams[2]");
        // the two copies of a squared norm disagree
        double[][] otherNorm = copy(b.taskSampleGrams());
        otherNorm[1][GradientEvent.packedIndex(3, 3, 4)] *= 2;
        assertRefused(good.withBaseline(new ConflictBaseline(4, b.sharedParameters(), b.sampleGrams(),
                b.sampleSignDisagreements(), otherNorm, b.taskSampleSignDisagreements(), b.halfBatches(),
                b.halfBatchSignDisagreements(), b.batchSignDisagreements())), "baseline.taskSampleGrams[1]");
        // half-batch dot product beyond Cauchy-Schwarz
        double[][] halves = copy(b.halfBatches());
        halves[0][ConflictBaseline.HALF_DOT] = 2 * Math.sqrt(halves[0][0] * halves[0][1]) + 1;
        assertRefused(good.withBaseline(new ConflictBaseline(4, b.sharedParameters(), b.sampleGrams(),
                b.sampleSignDisagreements(), b.taskSampleGrams(), b.taskSampleSignDisagreements(), halves,
                b.halfBatchSignDisagreements(), b.batchSignDisagreements())), "baseline.halfBatches[0]");
        // a sample count outside 2..64, written by hand (the encoder refuses it)
        byte[] bytes = GradientEventCodec.encode(good);
        int sectionStart = 38 + 8 * 2 + 8 * 3;
        java.nio.ByteBuffer.wrap(bytes).putShort(sectionStart, (short) 1);
        assertEquals("baseline.samples", assertThrows(ContractException.class, () -> GradientEventCodec.decode(bytes)).field());
        java.nio.ByteBuffer.wrap(bytes).putShort(sectionStart, (short) 5); // more samples than the bytes hold
        assertEquals("baseline", assertThrows(ContractException.class, () -> GradientEventCodec.decode(bytes)).field());
        // the encoder refuses rows of the wrong count instead of writing them
        assertThrows(IllegalArgumentException.class, () -> GradientEventCodec.encode(good.withBaseline(
                new ConflictBaseline(4, b.sharedParameters(), Arrays.copyOf(b.sampleGrams(), 3),
                        b.sampleSignDisagreements(), b.taskSampleGrams(), b.taskSampleSignDisagreements(),
                        b.halfBatches(), b.halfBatchSignDisagreements(), b.batchSignDisagreements()))));
    }

    /**
     * An event of a batch where some tasks had no label: each such task's gradient (and Gram row and column) is zero
     * and its loss 0, as the trainer makes them.
     */
    static GradientEvent withUnlabelled(Random rnd, int tasks, int blocks, boolean full, long unlabelled) {
        GradientEvent e = randomEvent(rnd, tasks, blocks, true);
        float[][] g = e.fullGradients();
        float[] losses = e.losses().clone();
        for (int t = 0; t < tasks; t++) {
            if ((unlabelled >>> t & 1) != 0) {
                Arrays.fill(g[t], 0f);
                losses[t] = 0f;
            }
        }
        double[][] grams = new double[blocks][];
        int offset = 0;
        for (int b = 0; b < blocks; b++) {
            grams[b] = GradientGeometry.packedGram(g, offset, offset + e.blockSizes()[b]);
            offset += e.blockSizes()[b];
        }
        return new GradientEvent(e.runId(), e.attempt(), e.step(), e.epoch(), losses, e.weights(), grams,
                full ? e.blockSizes() : null, full ? g : null, null, GradientEvent.Space.PARAMETERS, unlabelled);
    }

    @Property(tries = 100)
    void unlabelledTasksRoundTripInEightBytesOnlyWhenThereAreAny(@ForAll @IntRange(min = 1, max = 6) int tasks,
                                                                 @ForAll boolean full, @ForAll long seed) {
        Random rnd = new Random(seed);
        long mask = rnd.nextLong() & GradientEvent.allTasks(tasks);
        GradientEvent event = withUnlabelled(rnd, tasks, 2, full, mask);
        byte[] bytes = GradientEventCodec.encode(event);
        GradientEvent back = GradientEventCodec.decode(bytes);
        assertEquals(event, back);
        assertEquals(mask, back.unlabelledTasks());
        for (int t = 0; t < tasks; t++) {
            assertEquals((mask >>> t & 1) != 0, back.unlabelled(t));
        }
        int plain = GradientEventCodec.encode(event.withUnlabelledTasks(0)).length;
        assertEquals(plain + (mask == 0 ? 0 : 8), bytes.length, "the mask costs 8 bytes, only when non-zero");
    }

    @Test
    void theMaskOfABatchNamesTheTasksWithoutAnyLabelInItsRows() {
        float nan = Float.NaN;
        float[][] targets = {{1, nan, 2, 7}, {nan, nan, nan, 5}, {nan, nan, nan, nan}, {0, 1, 2, 3}};
        assertEquals(0b0100, GradientEvent.unlabelledMask(targets, 4));
        assertEquals(0b0110, GradientEvent.unlabelledMask(targets, 3), "row 3 is beyond the batch's rows");
        assertThrows(IllegalArgumentException.class, () -> new GradientEvent(UUID.randomUUID(), 1, 0, 0, new float[2],
                new float[2], new double[][] {{0, 0, 0}}, null, null, null, GradientEvent.Space.PARAMETERS, 0b100),
                "a mask naming a third task of a two-task event");
    }

    @Test
    void anUnlabelledTaskWithALossOrAGradientIsRefusedNamingTheField() {
        GradientEvent good = withUnlabelled(new Random(12), 3, 2, true, 0b010);
        assertEquals(good, GradientEventCodec.decode(GradientEventCodec.encode(good)));
        float[] losses = good.losses().clone();
        losses[1] = 0.5f;
        assertRefused(new GradientEvent(good.runId(), 1, 1, 0, losses, good.weights(), good.blockGrams(),
                good.blockSizes(), good.fullGradients(), null, GradientEvent.Space.PARAMETERS, 0b010), "losses[1]");
        // a measured gradient flagged as unlabelled: its Gram row is not zero
        GradientEvent labelled = randomEvent(new Random(12), 3, 2, false);
        float[] zeroLoss = labelled.losses().clone();
        zeroLoss[1] = 0f;
        assertRefused(new GradientEvent(labelled.runId(), 1, 1, 0, zeroLoss, labelled.weights(),
                labelled.blockGrams(), null, null, null, GradientEvent.Space.PARAMETERS, 0b010), "blockGrams[0]");
        // a non-zero full gradient of an unlabelled task (its Gram row zero by hand)
        float[][] g = new float[3][];
        for (int t = 0; t < 3; t++) {
            g[t] = good.fullGradients()[t].clone();
        }
        g[1][0] = 1f;
        assertRefused(new GradientEvent(good.runId(), 1, 1, 0, good.losses(), good.weights(), good.blockGrams(),
                good.blockSizes(), g, null, GradientEvent.Space.PARAMETERS, 0b010), "fullGradients[1]");
        // written by hand: the flag with a zero mask, and a mask beyond the tasks
        byte[] bytes = GradientEventCodec.encode(good);
        int maskAt = 38 + 4 * 3 * 2;
        java.nio.ByteBuffer.wrap(bytes).putLong(maskAt, 0L);
        assertEquals("unlabelledTasks", assertThrows(ContractException.class, () -> GradientEventCodec.decode(bytes)).field());
        java.nio.ByteBuffer.wrap(bytes).putLong(maskAt, 0b1010L);
        assertEquals("unlabelledTasks", assertThrows(ContractException.class, () -> GradientEventCodec.decode(bytes)).field());
    }

    @Test
    void versionThreeBytesDecodeWithEveryTaskLabelledAndCannotFlagAnUnlabelledTask() {
        GradientEvent event = withRandomBaseline(new Random(13), 3, 2, 4, true).inSpace(GradientEvent.Space.REPRESENTATION);
        byte[] bytes = GradientEventCodec.encode(event);
        bytes[0] = GradientEventCodec.VERSION_3;
        assertEquals(event, GradientEventCodec.decode(bytes), "a v3 event (same layout) decodes to the same event");
        byte[] unlabelled = GradientEventCodec.encode(withUnlabelled(new Random(13), 3, 2, false, 0b001));
        unlabelled[0] = GradientEventCodec.VERSION_3;
        assertEquals("flags", assertThrows(ContractException.class, () -> GradientEventCodec.decode(unlabelled)).field());
    }

    private static void assertRefused(GradientEvent event, String field) {
        ContractException e = assertThrows(ContractException.class,
                () -> GradientEventCodec.decode(GradientEventCodec.encode(event)));
        assertEquals(field, e.field(), e.getMessage());
    }

    private static double[][] copy(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
        }
        return out;
    }

    @Test
    void pairIndexCoversTheStrictUpperTriangleOnce() {
        for (int n = 2; n <= 12; n++) {
            boolean[] seen = new boolean[ConflictBaseline.pairCount(n)];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    int idx = ConflictBaseline.pairIndex(i, j, n);
                    assertTrue(!seen[idx], "index used twice");
                    seen[idx] = true;
                    assertEquals(idx, ConflictBaseline.pairIndex(j, i, n));
                }
            }
            for (boolean s : seen) {
                assertTrue(s);
            }
        }
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
