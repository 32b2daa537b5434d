package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.StudySpec;

class DatasetKindsTest {
    @TempDir
    Path dir;

    /** count 2×2 images whose pixels are the image index, labels i mod 10; {@code truncate} drops the last byte. */
    private void idx(String prefix, int count, boolean truncate) throws IOException {
        double[] pixels = new double[count * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i / 4;
        }
        Path images = IdxFiles.write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxFiles.UBYTE, new int[] {count, 2, 2},
                pixels, false);
        if (truncate) {
            byte[] bytes = Files.readAllBytes(images);
            Files.write(images, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        }
        double[] labels = new double[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        IdxFiles.labels(dir.resolve(prefix + "-labels-idx1-ubyte"), IdxFiles.UBYTE, labels);
    }

    private StudySpec.DatasetSpec fashion() {
        return new StudySpec.DatasetSpec("multi-fashion", Map.of("path", dir.toString(), "trainSamples", 30,
                "validationSamples", 5, "testSamples", 8, "seed", 1));
    }

    @Test
    void multiFashionIsTwoTenClassTasksOnImagesWithTheItemsLabels() throws IOException {
        idx("train", 20, false);
        idx("t10k", 10, false);
        TaskData data = DatasetKinds.standard().load(List.of("left", "right"), fashion());
        assertEquals(List.of(TaskData.Task.classification("left", 10), TaskData.Task.classification("right", 10)),
                data.tasks());
        assertArrayEquals(new int[] {10, 10}, data.imageShape(), "2×2 items on a canvas 8 pixels larger");
        assertEquals(100, data.dimension());
        MultiFashion direct = MultiFashion.build(dir, new MultiFashion.Params(30, 5, 8, 1));
        float[] image = new float[100];
        float[] expected = new float[100];
        for (int s = 0; s < 8; s++) {
            data.test().features(s, image, 0);
            direct.test().image(s, expected, 0);
            assertArrayEquals(expected, image);
            assertEquals(direct.test().label(0, s), data.test().target(0, s));
            assertEquals(direct.test().label(1, s), data.test().target(1, s));
        }
        assertEquals(5, data.validation().size());
        assertThrows(IllegalArgumentException.class, () -> DatasetKinds.standard().load(List.of("left", "top"), fashion()));
    }

    @Test
    void aTruncatedFileFailsTheRunWithTheReason() throws IOException {
        idx("train", 20, true);
        idx("t10k", 10, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetKinds.standard().load(List.of("left", "right"), fashion()));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void syntheticDataAreRegressionTasksWithoutImages() {
        TaskData data = DatasetKinds.standard().load(List.of("a", "b"), new StudySpec.DatasetSpec("synthetic",
                Map.of("dimension", 4, "samples", 50)));
        assertEquals(List.of(TaskData.Task.regression("a"), TaskData.Task.regression("b")), data.tasks());
        assertNull(data.imageShape());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> DatasetKinds.standard().load(List.of("a"), new StudySpec.DatasetSpec("parquet", Map.of())));
        assertTrue(unknown.getMessage().contains("csv"), unknown.getMessage());
    }

    @Test
    void theRegistryListsEveryKindAndTheValidatorsEnumerationIsIt() {
        assertEquals(List.of("synthetic", "multi-fashion", "csv", "idx", "image-folder"),
                DatasetKinds.standard().names());
        assertEquals(java.util.Set.copyOf(DatasetKinds.standard().names()),
                org.mtlab.core.contract.StudySpecValidator.DATASET_KINDS);
        for (DatasetKind<?> kind : DatasetKinds.standard().all()) {
            assertEquals(kind, DatasetKinds.standard().of(kind.name().toUpperCase(java.util.Locale.ROOT)));
        }
        assertEquals(List.of("idx", "image-folder", "multi-fashion"), DatasetKinds.standard().all().stream()
                .filter(DatasetKind::images).map(DatasetKind::name).sorted().toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetKinds.standard().of("parquet"));
        assertEquals("unsupported dataset kind 'parquet'; known: [csv, idx, image-folder, multi-fashion, synthetic]",
                e.getMessage());
    }
}
