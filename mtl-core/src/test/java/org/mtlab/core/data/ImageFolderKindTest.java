package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.StudySpec;

/** The {@code image-folder} kind: PNG/JPEG files with one {@code file,label} CSV per task. */
class ImageFolderKindTest {
    private static final int W = 6;
    private static final int H = 5;
    private static final List<String> TASKS = List.of("shape", "weight");

    @TempDir
    Path dir;

    private Path images() throws IOException {
        return Files.createDirectories(dir.resolve("images"));
    }

    /** Gray value of pixel (x, y) of gray image i, 0..255. */
    private static int gray(int image, int x, int y) {
        return (29 * image + 40 * x + 7 * y) % 256;
    }

    /** A gray PNG of W × H with the values of {@link #gray}. */
    private static void grayPng(Path file, int image) throws IOException {
        BufferedImage png = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                png.getRaster().setSample(x, y, 0, gray(image, x, y));
            }
        }
        ImageIO.write(png, "png", file.toFile());
    }

    private void labels(String task, String content) throws IOException {
        Files.writeString(dir.resolve(task + ".csv"), content);
    }

    private Map<String, Object> params(Map<String, Object> extra) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("shape", Map.of("path", dir.resolve("shape.csv").toString(), "kind", "classification"));
        labels.put("weight", Map.of("path", dir.resolve("weight.csv").toString(), "kind", "regression"));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("path", dir.resolve("images").toString());
        params.put("labels", labels);
        params.putAll(extra);
        return params;
    }

    private static TaskData load(Map<String, Object> params) {
        return DatasetKinds.standard().load(TASKS, new StudySpec.DatasetSpec("image-folder", params));
    }

    private static String error(Class<? extends Throwable> type, Executable load) {
        return assertThrows(type, load).getMessage();
    }

    /** n gray PNGs img00.png..; shape label i mod 2, weight label 0.25·i; label lines in reverse order. */
    private void grayDataset(int n) throws IOException {
        Path folder = images();
        StringBuilder shape = new StringBuilder("file,label\n");
        StringBuilder weight = new StringBuilder("\uFEFFFile, Label\n");
        for (int i = n - 1; i >= 0; i--) {
            String name = String.format("img%02d.png", i);
            grayPng(folder.resolve(name), i);
            shape.append(name).append(',').append(i % 2).append('\n');
            weight.append('"').append(name).append("\", ").append(0.25 * i).append("\n\n");
        }
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        labels("shape", shape.toString());
        labels("weight", weight.toString());
    }

    @Test
    void grayImagesAreScaledAndSplitBySeed() throws IOException {
        grayDataset(20);
        TaskData data = load(params(Map.of("seed", 5)));
        assertEquals(List.of(TaskData.Task.classification("shape", 2), TaskData.Task.regression("weight")), data.tasks());
        assertArrayEquals(new int[] {H, W}, data.imageShape(), "rows × cols");
        assertEquals(14, data.train().size());
        assertEquals(2, data.validation().size());
        assertEquals(4, data.test().size());
        Set<Integer> seen = new HashSet<>();
        float[] features = new float[W * H];
        for (TaskData.Split split : List.of(data.train(), data.validation(), data.test())) {
            int[] images = ((ImageTaskData.Part) split).images();
            for (int s = 0; s < split.size(); s++) {
                int image = images[s]; // name order: imgNN.png is image NN
                assertTrue(seen.add(image));
                split.features(s, features, 0);
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        assertEquals(gray(image, x, y) / 255.0, features[y * W + x], 1e-7, "image " + image);
                    }
                }
                assertEquals(image % 2, split.target(0, s));
                assertEquals(0.25 * image, split.target(1, s), 1e-7);
            }
        }
        assertEquals(20, seen.size());
        TaskData again = load(params(Map.of("seed", 5)));
        assertArrayEquals(((ImageTaskData.Part) data.test()).images(), ((ImageTaskData.Part) again.test()).images());
        TaskData other = load(params(Map.of("seed", 6)));
        assertTrue(!java.util.Arrays.equals(((ImageTaskData.Part) data.train()).images(),
                ((ImageTaskData.Part) other.train()).images()), "another seed, another split");
    }

    @Test
    void colourPaletteAndSixteenBitImagesBecomeGray() throws IOException {
        int[][] colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 200, 90}};
        BufferedImage rgb = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
        BufferedImage argb = new BufferedImage(4, 1, BufferedImage.TYPE_INT_ARGB);
        for (int x = 0; x < 4; x++) {
            int[] c = colours[x];
            rgb.setRGB(x, 0, (c[0] << 16) | (c[1] << 8) | c[2]);
            argb.setRGB(x, 0, (0x80 << 24) | (c[0] << 16) | (c[1] << 8) | c[2]);
        }
        BufferedImage binary = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.setRGB(1, 0, 0xffffff);
        binary.setRGB(3, 0, 0xffffff);
        BufferedImage wide = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] samples = {0, 1000, 32768, 65535};
        for (int x = 0; x < 4; x++) {
            wide.getRaster().setSample(x, 0, 0, samples[x]);
        }
        BufferedImage flat = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 4; x++) {
            flat.getRaster().setSample(x, 0, 0, 100);
        }
        Path folder = images();
        ImageIO.write(rgb, "png", folder.resolve("a-rgb.png").toFile());
        ImageIO.write(argb, "png", folder.resolve("b-argb.PNG").toFile());
        ImageIO.write(binary, "png", folder.resolve("c-binary.png").toFile());
        ImageIO.write(wide, "png", folder.resolve("d-16bit.png").toFile());
        ImageIO.write(flat, "jpeg", folder.resolve("e-flat.jpg").toFile());
        List<String> names = List.of("a-rgb.png", "b-argb.PNG", "c-binary.png", "d-16bit.png", "e-flat.jpg");
        StringBuilder lines = new StringBuilder("file,label\n");
        for (int i = 0; i < names.size(); i++) {
            lines.append(names.get(i)).append(',').append(i % 2).append('\n');
        }
        labels("shape", lines.toString());
        labels("weight", lines.toString());
        // five images: one for test (round(0.2·5)), none for validation, four for training
        TaskData data = load(params(Map.of("validationFraction", 0.0)));
        float[][] byImage = new float[5][];
        for (TaskData.Split split : List.of(data.train(), data.test())) {
            int[] images = ((ImageTaskData.Part) split).images();
            for (int s = 0; s < split.size(); s++) {
                byImage[images[s]] = new float[4];
                split.features(s, byImage[images[s]], 0);
            }
        }
        for (int x = 0; x < 4; x++) {
            int[] c = colours[x];
            double luma = (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255;
            assertEquals(luma, byImage[0][x], 1e-6, "BT.601 luma of " + List.of(c[0], c[1], c[2]));
            assertEquals(luma, byImage[1][x], 1e-6, "alpha is ignored");
            assertEquals(samples[x] / 65535.0, byImage[3][x], 1e-7, "16-bit gray");
            assertEquals(100 / 255.0, byImage[4][x], 3 / 255.0, "a flat gray JPEG, up to compression");
        }
        assertArrayEquals(new float[] {0, 1, 0, 1}, byImage[2], 1e-6f, "1-bit palette");
    }

    @Test
    void aDeclaredSizeMustMatchEveryImage() throws IOException {
        grayDataset(10);
        assertArrayEquals(new int[] {H, W}, load(params(Map.of("width", W, "height", H))).imageShape());
        String message = error(IllegalArgumentException.class, () -> load(params(Map.of("width", H, "height", W))));
        assertEquals("dataset.params.path: image 'img00.png' in " + dir.resolve("images") + " is 6×5 (width × height), "
                + "the declared dataset.params.width × height 5×6; all images must have one size (they are not resized)",
                message);
        message = error(IllegalArgumentException.class, () -> load(params(Map.of("width", W))));
        assertEquals("dataset.params.height is required with dataset.params.width", message);
    }

    @Test
    void imagesOfDifferentSizesAreRefused() throws IOException {
        grayDataset(10);
        ImageIO.write(new BufferedImage(W, H + 1, BufferedImage.TYPE_BYTE_GRAY), "png",
                dir.resolve("images").resolve("img07.png").toFile());
        String message = error(IllegalArgumentException.class, () -> load(params(Map.of())));
        assertEquals("dataset.params.path: image 'img07.png' in " + dir.resolve("images") + " is 6×6 (width × height), "
                + "the first image, 'img00.png' 6×5; all images must have one size (they are not resized)", message);
    }

    @Test
    void unreadableImagesAndEmptyOrMissingFoldersAreNamed() throws IOException {
        grayDataset(10);
        Path broken = dir.resolve("images").resolve("img03.png");
        Files.write(broken, new byte[] {1, 2, 3, 4, 5});
        String message = error(IllegalArgumentException.class, () -> load(params(Map.of())));
        assertTrue(message.startsWith("dataset.params.path: image 'img03.png' (" + broken + ") cannot be read"), message);

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no images here");
        Map<String, Object> params = params(Map.of());
        params.put("path", empty.toString());
        message = error(IllegalArgumentException.class, () -> load(params));
        assertEquals("dataset.params.path (" + empty + ") holds no image: no file ending in .png, .jpg, .jpeg", message);

        params.put("path", dir.resolve("nowhere").toString());
        message = error(IllegalStateException.class, () -> load(params));
        assertEquals("dataset.params.path: folder not found: " + dir.resolve("nowhere"), message);

        Files.delete(dir.resolve("weight.csv"));
        message = error(IllegalStateException.class, () -> load(params(Map.of())));
        assertEquals("dataset.params.labels.weight.path: file not found: " + dir.resolve("weight.csv"), message);
    }

    @Test
    void labelFileProblemsNameTheLine() throws IOException {
        grayDataset(6);
        Path shape = dir.resolve("shape.csv");
        String where = "dataset.params.labels.shape.path (" + shape + ")";
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"name,class\n", where + " line 1: the header must be 'file,label', got 'name,class'"});
        cases.add(new String[] {"", where + " is empty: it needs the header 'file,label' and a line per image"});
        cases.add(new String[] {"file,label\nimg00.png,0\nimg01.png\n", where + " line 3: expected 'file,label', got "
                + "'img01.png'"});
        cases.add(new String[] {"file,label\nimg00.png,0\nimg09.png,1\n", where + " line 3: 'img09.png' is not an image "
                + "in dataset.params.path (" + dir.resolve("images") + ")"});
        cases.add(new String[] {"file,label\nimg00.png,0\n\nimg00.png,1\n", where + " line 4: 'img00.png' is labelled "
                + "twice (first on line 2)"});
        cases.add(new String[] {"file,label\nimg00.png,0\nimg01.png,round\n", where + " line 3: label 'round' of "
                + "'img01.png' is not a number (classification labels are class indices 0, 1, ...)"});
        cases.add(new String[] {"file,label\nimg00.png,0\nimg01.png,1\nimg02.png,0\nimg03.png,1.5\nimg04.png,0\n"
                + "img05.png,1\n", where + " line 5: label 1.5 is not a class index (an integer ≥ 0) of task 'shape'"});
        for (String[] c : cases) {
            Files.writeString(shape, c[0]);
            assertEquals(c[1], error(IllegalArgumentException.class, () -> load(params(Map.of()))), c[0]);
        }

        Files.writeString(shape, "file,label\nimg00.png,0\nimg01.png,1\nimg02.png,2\nimg03.png,3\nimg04.png,0\n"
                + "img05.png,1\n");
        Map<String, Object> params = params(Map.of());
        params.put("labels", Map.of("shape", Map.of("path", shape.toString(), "kind", "classification", "classes", 3),
                "weight", Map.of("path", dir.resolve("weight.csv").toString(), "kind", "regression")));
        assertEquals(where + " line 5: label 3 is not a class index 0..2 of task 'shape'",
                error(IllegalArgumentException.class, () -> load(params)));
    }

    @Test
    void aNonNumericRegressionLabelIsNamed() throws IOException {
        grayDataset(6);
        Path weight = dir.resolve("weight.csv");
        Files.writeString(weight, Files.readString(weight).replace("\", 0.5", "\", heavy"));
        assertEquals("dataset.params.labels.weight.path (" + weight + ") line 8: label 'heavy' of 'img02.png' is not "
                + "a number", error(IllegalArgumentException.class, () -> load(params(Map.of()))));
    }

    /** Partial labels: an image without a line in a task's label file has no label for that task (NaN). */
    @Test
    void anImageWithoutALineHasAMissingLabelOfThatTaskOnly() throws IOException {
        grayDataset(20);
        StringBuilder shape = new StringBuilder("file,label\n");
        for (int i = 0; i < 20; i++) {
            if (i % 4 != 3) {
                shape.append(String.format("img%02d.png", i)).append(',').append(i % 2).append('\n');
            }
        }
        labels("shape", shape.toString());
        TaskData data = load(params(Map.of("seed", 5)));
        int shapeLabels = 0;
        int weightLabels = 0;
        for (TaskData.Split split : List.of(data.train(), data.validation(), data.test())) {
            shapeLabels += split.labelled(0);
            weightLabels += split.labelled(1);
            for (int s = 0; s < split.size(); s++) {
                float weight = split.target(1, s);
                int image = Math.round(weight / 0.25f); // weight label 0.25·i names the image
                assertEquals(image % 4 == 3, Float.isNaN(split.target(0, s)), "shape of image " + image);
                if (image % 4 != 3) {
                    assertEquals(image % 2, split.target(0, s));
                }
            }
        }
        assertEquals(15, shapeLabels);
        assertEquals(20, weightLabels);

        labels("shape", "file,label\n");
        assertTrue(error(IllegalArgumentException.class, () -> load(params(Map.of("seed", 5))))
                .contains("task 'shape' has no label at all"));
    }
}
