package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.StudySpec;

/** The {@code idx} kind: a team's IDX images with one IDX label file per task. */
class IdxKindTest {
    private static final int ROWS = 4;
    private static final int COLS = 5;
    private static final List<String> TASKS = List.of("digit", "size");

    @TempDir
    Path dir;

    /** Label of task digit for image i: i mod 3; of task size: i / 2 (stored as floats). */
    private static double digit(int image) {
        return image % 3;
    }

    private static double size(int image) {
        return image / 2.0;
    }

    /** n images (gzip if asked), the digit labels as unsigned bytes and the size labels as floats. */
    private void files(String prefix, int n, boolean gzip) throws IOException {
        IdxFiles.images(dir.resolve(prefix + "-images"), n, ROWS, COLS, gzip);
        double[] digits = new double[n];
        double[] sizes = new double[n];
        for (int i = 0; i < n; i++) {
            digits[i] = digit(i);
            sizes[i] = size(i);
        }
        IdxFiles.labels(dir.resolve(prefix + "-digit"), IdxFiles.UBYTE, digits);
        IdxFiles.labels(dir.resolve(prefix + "-size"), IdxFiles.FLOAT, sizes);
    }

    private Map<String, Object> params(String prefix, Map<String, Object> extra) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("digit", Map.of("path", dir.resolve(prefix + "-digit").toString(), "kind", "classification"));
        labels.put("size", Map.of("path", dir.resolve(prefix + "-size").toString(), "kind", "Regression"));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("images", dir.resolve(prefix + "-images").toString());
        params.put("labels", labels);
        params.putAll(extra);
        return params;
    }

    private static TaskData load(Map<String, Object> params) {
        return DatasetKinds.standard().load(TASKS, new StudySpec.DatasetSpec("idx", params));
    }

    private static ImageTaskData.Part part(TaskData.Split split) {
        return (ImageTaskData.Part) split;
    }

    @Test
    void pixelsAreScaledToTheUnitIntervalAndSplitsFollowTheSeed() throws IOException {
        files("train", 40, false);
        TaskData data = load(params("train", Map.of("seed", 3)));
        assertEquals(List.of(TaskData.Task.classification("digit", 3), TaskData.Task.regression("size")), data.tasks(),
                "classes inferred as the largest label + 1");
        assertArrayEquals(new int[] {ROWS, COLS}, data.imageShape());
        assertEquals(ROWS * COLS, data.dimension());
        // 40 images: test round(0.2·40) = 8, validation round(0.1·40) = 4, training 28
        assertEquals(28, data.train().size());
        assertEquals(4, data.validation().size());
        assertEquals(8, data.test().size());
        Set<Integer> seen = new HashSet<>();
        float[] features = new float[ROWS * COLS + 3];
        for (TaskData.Split split : List.of(data.train(), data.validation(), data.test())) {
            int[] images = part(split).images();
            for (int s = 0; s < split.size(); s++) {
                int image = images[s];
                assertTrue(seen.add(image), "image " + image + " in two splits");
                split.features(s, features, 3);
                for (int r = 0; r < ROWS; r++) {
                    for (int c = 0; c < COLS; c++) {
                        assertEquals(IdxFiles.pixel(image, r, c) / 255.0, features[3 + r * COLS + c], 1e-7);
                    }
                }
                assertEquals(digit(image), split.target(0, s));
                assertEquals(size(image), split.target(1, s));
            }
        }
        assertEquals(40, seen.size());

        TaskData again = load(params("train", Map.of("seed", 3)));
        TaskData other = load(params("train", Map.of("seed", 4)));
        assertArrayEquals(part(data.train()).images(), part(again.train()).images());
        assertArrayEquals(part(data.test()).images(), part(again.test()).images());
        assertNotEquals(Arrays.toString(part(data.train()).images()), Arrays.toString(part(other.train()).images()));
    }

    @Test
    void gzipFilesReadTheSame() throws IOException {
        files("plain", 20, false);
        files("zipped", 20, true);
        assertEquals((byte) 0x1f, Files.readAllBytes(dir.resolve("zipped-images"))[0]);
        TaskData plain = load(params("plain", Map.of()));
        TaskData zipped = load(params("zipped", Map.of()));
        float[] a = new float[ROWS * COLS];
        float[] b = new float[ROWS * COLS];
        for (int s = 0; s < plain.train().size(); s++) {
            plain.train().features(s, a, 0);
            zipped.train().features(s, b, 0);
            assertArrayEquals(a, b);
        }
    }

    @Test
    void standardisationUsesOneMeanAndDeviationOfTheTrainingPixels() throws IOException {
        files("train", 30, false);
        ImageTaskData data = (ImageTaskData) load(params("train", Map.of("standardise", true, "seed", 1)));
        int[] trainImages = part(data.train()).images();
        double sum = 0;
        int count = 0;
        for (int image : trainImages) {
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLS; c++) {
                    sum += IdxFiles.pixel(image, r, c) / 255.0;
                    count++;
                }
            }
        }
        double mean = sum / count;
        double squares = 0;
        for (int image : trainImages) {
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLS; c++) {
                    squares += Math.pow(IdxFiles.pixel(image, r, c) / 255.0 - mean, 2);
                }
            }
        }
        double std = Math.sqrt(squares / count);
        // the reader sums float pixels: agreement to float precision
        assertEquals(mean, data.pixelMean(), 1e-6);
        assertEquals(std, data.pixelScale(), 1e-6);
        float[] features = new float[ROWS * COLS];
        int image = part(data.test()).images()[0];
        data.test().features(0, features, 0);
        assertEquals((IdxFiles.pixel(image, 2, 3) / 255.0 - mean) / std, features[2 * COLS + 3], 1e-5,
                "test pixels use the training statistics");
    }

    @Test
    void separateTestFilesAreTheTestSplitInFileOrder() throws IOException {
        files("train", 20, false);
        IdxFiles.images(dir.resolve("test-images"), 6, ROWS, COLS, false);
        IdxFiles.labels(dir.resolve("test-digit"), IdxFiles.UBYTE, 0, 1, 2, 3, 4, 0);
        IdxFiles.labels(dir.resolve("test-size"), IdxFiles.DOUBLE, 0.5, 1, 1.5, 2, 2.5, -3);
        Map<String, Object> labels = Map.of(
                "digit", Map.of("path", dir.resolve("train-digit").toString(), "testPath",
                        dir.resolve("test-digit").toString(), "kind", "classification"),
                "size", Map.of("path", dir.resolve("train-size").toString(), "testPath",
                        dir.resolve("test-size").toString(), "kind", "regression"));
        TaskData data = load(Map.of("images", dir.resolve("train-images").toString(), "testImages",
                dir.resolve("test-images").toString(), "labels", labels, "validationFraction", 0.25));
        assertEquals(TaskData.Task.classification("digit", 5), data.tasks().get(0), "classes over both files");
        assertEquals(15, data.train().size());
        assertEquals(5, data.validation().size());
        assertEquals(6, data.test().size());
        float[] features = new float[ROWS * COLS];
        for (int s = 0; s < 6; s++) {
            data.test().features(s, features, 0);
            assertEquals(IdxFiles.pixel(s, 1, 4) / 255.0, features[COLS + 4], 1e-7);
        }
        assertEquals(3, data.test().target(0, 3));
        assertEquals(-3, data.test().target(1, 5));
    }

    @Test
    void aDeclaredClassCountIsKeptAndBoundsTheLabels() throws IOException {
        files("train", 20, false);
        Map<String, Object> params = params("train", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> labels = new LinkedHashMap<>((Map<String, Object>) params.get("labels"));
        labels.put("digit", Map.of("path", dir.resolve("train-digit").toString(), "kind", "classification",
                "classes", 10));
        params.put("labels", labels);
        assertEquals(TaskData.Task.classification("digit", 10), load(params).tasks().get(0));
        labels.put("digit", Map.of("path", dir.resolve("train-digit").toString(), "kind", "classification",
                "classes", 2));
        String message = error(IllegalArgumentException.class, () -> load(params));
        assertTrue(message.contains("dataset.params.labels.digit.path (" + dir.resolve("train-digit") + ") entry 2: "
                + "label 2 is not a class index 0..1 of task 'digit'"), message);
    }

    private static String error(Class<? extends Throwable> type, Executable load) {
        return assertThrows(type, load).getMessage();
    }

    @Test
    void missingFilesNameTheirField() throws IOException {
        files("train", 20, false);
        Files.delete(dir.resolve("train-size"));
        String message = error(IllegalStateException.class, () -> load(params("train", Map.of())));
        assertEquals("dataset.params.labels.size.path: file not found: " + dir.resolve("train-size"), message);
        Files.delete(dir.resolve("train-images"));
        message = error(IllegalStateException.class, () -> load(params("train", Map.of())));
        assertEquals("dataset.params.images: file not found: " + dir.resolve("train-images"), message);
    }

    @Test
    void aWrongMagicOrShapeIsNamed() throws IOException {
        files("train", 20, false);
        Path images = dir.resolve("train-images");
        byte[] bytes = Files.readAllBytes(images);
        bytes[0] = 0x12;
        Files.write(images, bytes);
        String message = error(IllegalArgumentException.class, () -> load(params("train", Map.of())));
        assertTrue(message.startsWith("dataset.params.images (" + images + ") is not an IDX file: magic number "
                + "0x12000803"), message);

        IdxFiles.labels(images, IdxFiles.UBYTE, 1, 2, 3);
        message = error(IllegalArgumentException.class, () -> load(params("train", Map.of())));
        assertTrue(message.contains("is an IDX file of unsigned bytes with 1 dimension(s); images must be unsigned "
                + "bytes with 3 dimensions"), message);

        IdxFiles.write(images, IdxFiles.FLOAT, new int[] {20, ROWS, COLS}, new double[20 * ROWS * COLS], false);
        message = error(IllegalArgumentException.class, () -> load(params("train", Map.of())));
        assertTrue(message.contains("is an IDX file of floats with 3 dimension(s)"), message);

        files("train", 20, false);
        IdxFiles.images(dir.resolve("train-digit"), 20, 2, 2, false);
        message = error(IllegalArgumentException.class, () -> load(params("train", Map.of())));
        assertTrue(message.startsWith("dataset.params.labels.digit.path (" + dir.resolve("train-digit") + ") has 3 "
                + "dimensions; a label file has one"), message);

        Files.write(dir.resolve("train-digit"), new byte[] {0, 0});
        message = error(IllegalArgumentException.class, () -> load(params("train", Map.of())));
        assertTrue(message.contains("not an IDX file: shorter than its 4-byte magic number"), message);
    }

    @Test
    void truncatedAndEmptyImageFilesAreNamed() throws IOException {
        files("train", 20, false);
        Path images = dir.resolve("train-images");
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(bytes, bytes.length - 1));
        String message = error(IllegalArgumentException.class, () -> load(params("train", Map.of())));
        assertEquals("dataset.params.images (" + images + ") is truncated: its header declares [20, 4, 5] values of "
                + "unsigned bytes, the file ends before", message);
        IdxFiles.images(images, 0, ROWS, COLS, false);
        message = error(IllegalArgumentException.class, () -> load(params("train", Map.of())));
        assertTrue(message.contains("holds no images"), message);
    }

    @Test
    void labelCountsMustMatchTheImages() throws IOException {
        files("train", 20, false);
        IdxFiles.labels(dir.resolve("train-size"), IdxFiles.FLOAT, new double[19]);
        String message = error(IllegalArgumentException.class, () -> load(params("train", Map.of())));
        assertEquals("dataset.params.labels.size.path (" + dir.resolve("train-size") + ") has 19 labels for the 20 "
                + "images of dataset.params.images (" + dir.resolve("train-images") + ")", message);
    }

    @Test
    void badLabelValuesAreNamedWithTheirEntry() throws IOException {
        files("train", 6, false);
        Path digits = dir.resolve("train-digit");
        IdxFiles.labels(digits, IdxFiles.FLOAT, 0, 1, 2.5, 1, 0, 1);
        String message = error(IllegalArgumentException.class, () -> load(params("train", Map.of("testFraction", 0.34))));
        assertTrue(message.contains("(" + digits + ") entry 2: label 2.5 is not a class index"), message);
        IdxFiles.labels(digits, IdxFiles.BYTE, 0, 1, 1, -1, 0, 1);
        message = error(IllegalArgumentException.class, () -> load(params("train", Map.of("testFraction", 0.34))));
        assertTrue(message.contains("entry 3: label -1 is not a class index"), message);
        IdxFiles.labels(digits, IdxFiles.SHORT, 4, 4, 4, 4, 4, 4);
        message = error(IllegalArgumentException.class, () -> load(params("train", Map.of("testFraction", 0.34))));
        assertTrue(message.contains("every label of task 'digit' is 4; classification needs at least two different classes"),
                message);
        IdxFiles.labels(digits, IdxFiles.INT, 0, 1, 0, 1, 0, 1);
        IdxFiles.labels(dir.resolve("train-size"), IdxFiles.DOUBLE, 0, 1, Double.NaN, 1, 0, 1);
        message = error(IllegalArgumentException.class, () -> load(params("train", Map.of("testFraction", 0.34))));
        assertTrue(message.contains("(" + dir.resolve("train-size") + ") entry 2: regression label NaN is not a finite "
                + "number"), message);
    }

    @Test
    void testFilesAndFractionsAreChecked() throws IOException {
        files("train", 20, false);
        Map<String, Object> params = params("train", Map.of("testImages", dir.resolve("train-images").toString()));
        String message = error(IllegalArgumentException.class, () -> load(params));
        assertTrue(message.startsWith("dataset.params.labels.digit.testPath is required with testImages: the task's "
                + "labels of the test images; dataset.params.labels.size.testPath is required"), message);
        params.put("testFraction", 0.3);
        message = error(IllegalArgumentException.class, () -> load(params));
        assertTrue(message.startsWith("dataset.params.testFraction does not apply with testImages"), message);
        files("few", 3, false);
        message = error(IllegalArgumentException.class, () -> load(params("few", Map.of())));
        assertTrue(message.contains("has 3 images: too few for a training, validation and test split"), message);
        message = error(IllegalArgumentException.class, () -> DatasetKinds.standard().load(List.of("digit", "colour"),
                new StudySpec.DatasetSpec("idx", params("train", Map.of()))));
        assertTrue(message.contains("dataset.params.labels.colour is required: {\"path\": an IDX label file (1 "
                + "dimension, n entries), \"kind\": \"classification\" or \"regression\"} for task 'colour'"), message);
    }

    /** Partial labels: a label file may mark a missing label with a declared value, which then reads as NaN. */
    @Test
    void aDeclaredMissingValueIsAMissingLabel() throws IOException {
        int n = 40;
        IdxFiles.images(dir.resolve("p-images"), n, ROWS, COLS, false);
        double[] digits = new double[n];
        double[] sizes = new double[n];
        for (int i = 0; i < n; i++) {
            digits[i] = i % 5 == 4 ? 255 : digit(i); // 255 marks "no digit label"
            sizes[i] = size(i);
        }
        IdxFiles.labels(dir.resolve("p-digit"), IdxFiles.UBYTE, digits);
        IdxFiles.labels(dir.resolve("p-size"), IdxFiles.FLOAT, sizes);
        Map<String, Object> params = params("p", Map.of("seed", 3));
        params.put("labels", Map.of(
                "digit", Map.of("path", dir.resolve("p-digit").toString(), "kind", "classification", "missing", 255),
                "size", Map.of("path", dir.resolve("p-size").toString(), "kind", "regression")));
        TaskData data = load(params);
        assertEquals(TaskData.Task.classification("digit", 3), data.tasks().get(0), "255 is not a class");
        int labelled = 0;
        for (TaskData.Split split : List.of(data.train(), data.validation(), data.test())) {
            labelled += split.labelled(0);
            int[] images = part(split).images();
            for (int s = 0; s < split.size(); s++) {
                assertEquals(images[s] % 5 == 4, Float.isNaN(split.target(0, s)), "image " + images[s]);
                assertEquals(size(images[s]), split.target(1, s));
            }
        }
        assertEquals(32, labelled);

        // without the declaration 255 is a label, and out of range once classes are declared
        params.put("labels", Map.of(
                "digit", Map.of("path", dir.resolve("p-digit").toString(), "kind", "classification", "classes", 3),
                "size", Map.of("path", dir.resolve("p-size").toString(), "kind", "regression")));
        assertThrows(IllegalArgumentException.class, () -> load(params));
        params.put("labels", Map.of(
                "digit", Map.of("path", dir.resolve("p-digit").toString(), "kind", "classification", "missing", "none"),
                "size", Map.of("path", dir.resolve("p-size").toString(), "kind", "regression")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(params));
        assertTrue(e.getMessage().contains("dataset.params.labels.digit.missing"), e.getMessage());
    }
}
