package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.StudySpec;

/**
 * MultiFashion on tiny generated IDX files: every 28×28 "item" is a solid square whose intensity names it (training
 * image k: k + 1; test image k: 101 + k) and whose label is k mod 10, so a composite shows where each item sits and
 * which image it is.
 */
class MultiFashionTest {
    private static final int TRAIN_IMAGES = 40;
    private static final int TEST_IMAGES = 20;

    @TempDir
    Path dir;

    private static byte[] images(int count, int firstValue) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x803);
        out.writeInt(count);
        out.writeInt(28);
        out.writeInt(28);
        for (int k = 0; k < count; k++) {
            for (int p = 0; p < 28 * 28; p++) {
                out.writeByte(firstValue + k);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] labels(int count) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x801);
        out.writeInt(count);
        for (int k = 0; k < count; k++) {
            out.writeByte(k % 10);
        }
        return bytes.toByteArray();
    }

    private static void write(Path file, byte[] content, boolean gzip) throws IOException {
        Path target = gzip ? file.resolveSibling(file.getFileName() + ".gz") : file;
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(target)) : Files.newOutputStream(target)) {
            out.write(content);
        }
    }

    private static Path fashion(Path dir, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("train-images-idx3-ubyte"), images(TRAIN_IMAGES, 1), gzip);
        write(dir.resolve("train-labels-idx1-ubyte"), labels(TRAIN_IMAGES), gzip);
        write(dir.resolve("t10k-images-idx3-ubyte"), images(TEST_IMAGES, 101), gzip);
        write(dir.resolve("t10k-labels-idx1-ubyte"), labels(TEST_IMAGES), gzip);
        return dir;
    }

    private static final MultiFashion.Params SMALL = new MultiFashion.Params(200, 30, 60, 7);

    /** Rows and columns of the canvas's non-zero pixels, and the intensities at the corners of their bounding box. */
    private static void checkComposition(MultiFashion.Split split, int firstValue, int images, Set<Integer> seenImages,
                                         Set<Integer> topLeftOffsets) {
        float[] canvas = new float[split.dimension()];
        for (int s = 0; s < split.size(); s++) {
            split.image(s, canvas, 0);
            int minRow = 99;
            int minCol = 99;
            int maxRow = -1;
            int maxCol = -1;
            for (int r = 0; r < 36; r++) {
                for (int c = 0; c < 36; c++) {
                    float v = canvas[r * 36 + c];
                    assertTrue(v >= 0 && v <= 1);
                    if (v > 0) {
                        minRow = Math.min(minRow, r);
                        minCol = Math.min(minCol, c);
                        maxRow = Math.max(maxRow, r);
                        maxCol = Math.max(maxCol, c);
                    }
                }
            }
            assertTrue(minRow <= 4 && minCol <= 4, "top-left item shifted by at most 4 px: " + minRow + "," + minCol);
            assertTrue(maxRow >= 31 && maxCol >= 31, "bottom-right item shifted by at most 4 px: " + maxRow + "," + maxCol);
            topLeftOffsets.add(minRow);
            topLeftOffsets.add(minCol);
            int leftValue = Math.round(canvas[minRow * 36 + minCol] * 255);
            int rightValue = Math.round(canvas[maxRow * 36 + maxCol] * 255);
            int[] o = split.offsets(s);
            boolean samePlace = o[0] == o[2] && o[1] == o[3]; // both at (4, 4): one square, the brighter item shows
            if (!samePlace) {
                assertNotEquals(leftValue, rightValue, "two different items");
                int leftImage = leftValue - firstValue;
                int rightImage = rightValue - firstValue;
                assertTrue(leftImage >= 0 && leftImage < images && rightImage >= 0 && rightImage < images);
                assertEquals(leftImage, split.leftImage(s));
                assertEquals(rightImage, split.rightImage(s));
                assertEquals(leftImage % 10, split.label(0, s), "task left classifies the top-left item");
                assertEquals(rightImage % 10, split.label(1, s), "task right classifies the bottom-right item");
            }
            seenImages.add(split.leftImage(s));
            seenImages.add(split.rightImage(s));
        }
    }

    @Test
    void composesTwoDifferentItemsTopLeftAndBottomRightEachShiftedByUpToFourPixels() throws IOException {
        MultiFashion data = MultiFashion.build(fashion(dir, true), SMALL);
        assertEquals(List.of("left", "right"), data.tasks());
        assertEquals(1, data.taskIndex("right"));
        assertEquals(36, data.train().rows());
        assertEquals(36, data.train().cols());
        assertEquals(36 * 36, data.train().dimension());
        assertEquals(200, data.train().size());
        assertEquals(30, data.validation().size());
        assertEquals(60, data.test().size());

        Set<Integer> train = new HashSet<>();
        Set<Integer> validation = new HashSet<>();
        Set<Integer> test = new HashSet<>();
        Set<Integer> offsets = new HashSet<>();
        checkComposition(data.train(), 1, TRAIN_IMAGES, train, offsets);
        checkComposition(data.validation(), 1, TRAIN_IMAGES, validation, offsets);
        checkComposition(data.test(), 101, TEST_IMAGES, test, offsets);
        assertEquals(Set.of(0, 1, 2, 3, 4), offsets, "every shift 0..4 occurs");
        assertEquals(4, validation.size(), "10% of the training images are the validation sources");
        assertEquals(TRAIN_IMAGES - 4, train.size(), "the others are all used for training");
        assertTrue(train.stream().noneMatch(validation::contains), "no image in two splits");
        assertEquals(TEST_IMAGES, test.size(), "the test split comes from the test images");
        for (int s = 0; s < data.train().size(); s++) {
            int[] o = data.train().offsets(s);
            assertTrue(o[0] >= 0 && o[0] <= 4 && o[1] >= 0 && o[1] <= 4);
            assertTrue(o[2] >= 4 && o[2] <= 8 && o[3] >= 4 && o[3] <= 8);
        }
        // each training source is the top-left item equally often: 200 samples over 36 sources, 5 or 6 times each
        int[] counts = new int[TRAIN_IMAGES];
        for (int s = 0; s < data.train().size(); s++) {
            counts[data.train().leftImage(s)]++;
        }
        for (int image : train) {
            assertTrue(counts[image] == 5 || counts[image] == 6, "image " + image + ": " + counts[image]);
        }
    }

    @Test
    void overlappingItemsShowTheBrighterPixel() throws IOException {
        MultiFashion data = MultiFashion.build(fashion(dir, false), SMALL);
        MultiFashion.Split split = data.train();
        float[] canvas = new float[split.dimension()];
        for (int s = 0; s < split.size(); s++) {
            split.image(s, canvas, 0);
            int[] o = split.offsets(s);
            // (8, 8) lies inside both items whatever the shifts
            float expected = Math.max(split.leftImage(s) + 1, split.rightImage(s) + 1) / 255f;
            assertEquals(expected, canvas[8 * 36 + 8]);
            assertEquals(0f, canvas[35 * 36 + 0], "bottom-left corner is always empty");
            assertTrue(o[0] <= o[2] && o[1] <= o[3]);
        }
    }

    @Test
    void theSameSeedGivesTheSameDataAndGzipOrPlainFilesAreTheSame() throws IOException {
        MultiFashion gz = MultiFashion.build(fashion(dir.resolve("gz"), true), SMALL);
        MultiFashion plain = MultiFashion.build(fashion(dir.resolve("plain"), false), SMALL);
        assertArrayEquals(gz.train().features(), plain.train().features());
        assertArrayEquals(gz.test().features(), plain.test().features());
        assertArrayEquals(gz.validation().labels()[0], plain.validation().labels()[0]);
        assertArrayEquals(gz.train().labels()[1], plain.train().labels()[1]);

        MultiFashion other = MultiFashion.build(dir.resolve("plain"), new MultiFashion.Params(200, 30, 60, 8));
        assertFalse(java.util.Arrays.equals(gz.train().features(), other.train().features()));
    }

    @Test
    void paramsComeFromTheDatasetSpec() {
        List<org.mtlab.core.contract.Violation> out = new java.util.ArrayList<>();
        MultiFashionKind kind = new MultiFashionKind();
        assertEquals(new MultiFashion.Params(120_000, 10_000, 20_000, 0),
                kind.parse(new StudySpec.DatasetSpec("multi-fashion", null), MultiFashion.TASKS, out).data());
        MultiFashionKind.Params p = kind.parse(new StudySpec.DatasetSpec("multi-fashion",
                Map.of("trainSamples", 1000, "validationSamples", 0, "testSamples", 100, "seed", 3, "path", "/d")),
                MultiFashion.TASKS, out);
        assertEquals(new MultiFashion.Params(1000, 0, 100, 3), p.data());
        assertEquals(Path.of("/d"), p.directory());
        assertEquals(List.of(), out);
        assertThrows(IllegalArgumentException.class, () -> new MultiFashion.Params(0, 0, 10, 0));
    }

    @Test
    void missingFilesNameTheDebianPackage() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MultiFashion.build(empty, SMALL));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void malformedFilesAreRefusedWithTheReason() throws IOException {
        Path bad = fashion(dir.resolve("bad"), false);
        byte[] labels = labels(TRAIN_IMAGES);
        labels[8] = 10; // first label
        Files.write(bad.resolve("train-labels-idx1-ubyte"), labels);
        var e = assertThrows(IllegalArgumentException.class, () -> MultiFashion.build(bad, SMALL));
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());

        Files.write(bad.resolve("train-labels-idx1-ubyte"), labels(TRAIN_IMAGES - 1));
        e = assertThrows(IllegalArgumentException.class, () -> MultiFashion.build(bad, SMALL));
        assertTrue(e.getMessage().contains("has 39 labels for the 40 images"), e.getMessage());

        byte[] images = images(TRAIN_IMAGES, 1);
        Files.write(bad.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(images, images.length - 1));
        Files.write(bad.resolve("train-labels-idx1-ubyte"), labels(TRAIN_IMAGES));
        e = assertThrows(IllegalArgumentException.class, () -> MultiFashion.build(bad, SMALL));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        images[3] = 0x01; // magic 0x801: a label file
        Files.write(bad.resolve("train-images-idx3-ubyte"), images);
        e = assertThrows(IllegalArgumentException.class, () -> MultiFashion.build(bad, SMALL));
        assertTrue(e.getMessage().contains("images must be unsigned bytes with 3 dimensions"), e.getMessage());
    }
}
