package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.StudySpec;

class TaskDatasetsTest {
    @TempDir
    Path dir;

    /** count 2×2 images whose pixels are the image index, labels i mod 10; {@code truncate} drops the last byte. */
    private void idx(String prefix, int count, boolean truncate) throws IOException {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(images);
        out.writeInt(0x803);
        out.writeInt(count);
        out.writeInt(2);
        out.writeInt(2);
        for (int i = 0; i < count * 4; i++) {
            out.writeByte(i / 4);
        }
        byte[] bytes = images.toByteArray();
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), truncate ? java.util.Arrays.copyOf(bytes, bytes.length - 1) : bytes);
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        DataOutputStream l = new DataOutputStream(labels);
        l.writeInt(0x801);
        l.writeInt(count);
        for (int i = 0; i < count; i++) {
            l.writeByte(i % 10);
        }
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labels.toByteArray());
    }

    private StudySpec.DatasetSpec fashion() {
        return new StudySpec.DatasetSpec("multi-fashion", Map.of("path", dir.toString(), "trainSamples", 30,
                "validationSamples", 5, "testSamples", 8, "seed", 1));
    }

    @Test
    void multiFashionIsTwoTenClassTasksOnImagesWithTheItemsLabels() throws IOException {
        idx("train", 20, false);
        idx("t10k", 10, false);
        TaskData data = TaskDatasets.load(List.of("left", "right"), fashion());
        assertEquals(List.of(TaskData.Task.classification("left", 10), TaskData.Task.classification("right", 10)),
                data.tasks());
        assertArrayEquals(new int[] {10, 10}, data.imageShape(), "2×2 items on a canvas 8 pixels larger");
        assertEquals(100, data.dimension());
        MultiFashion direct = MultiFashion.build(dir, MultiFashion.Params.from(fashion()));
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
        assertThrows(IllegalArgumentException.class, () -> TaskDatasets.load(List.of("left", "top"), fashion()));
    }

    @Test
    void anUnreadableFileFailsTheRunWithTheReason() throws IOException {
        idx("train", 20, true);
        idx("t10k", 10, false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TaskDatasets.load(List.of("left", "right"), fashion()));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void syntheticDataAreRegressionTasksWithoutImages() {
        TaskData data = TaskDatasets.load(List.of("a", "b"), new StudySpec.DatasetSpec("synthetic",
                Map.of("dimension", 4, "samples", 50)));
        assertEquals(List.of(TaskData.Task.regression("a"), TaskData.Task.regression("b")), data.tasks());
        assertNull(data.imageShape());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TaskDatasets.load(List.of("a"), new StudySpec.DatasetSpec("parquet", Map.of())));
        assertTrue(unknown.getMessage().contains("csv"), unknown.getMessage());
    }
}
