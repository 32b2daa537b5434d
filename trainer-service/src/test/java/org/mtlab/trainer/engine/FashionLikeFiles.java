package org.mtlab.trainer.engine;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes small Fashion-MNIST-like IDX files for tests: 28×28 items, each class a fixed blocky 7×7 glyph (scaled by 3,
 * on a dark margin like Fashion-MNIST's items) with per-image brightness and pixel noise.
 */
final class FashionLikeFiles {
    private FashionLikeFiles() {
    }

    static Path write(Path directory, int trainImages, int testImages, long seed) throws IOException {
        Files.createDirectories(directory);
        SplittableRandom random = new SplittableRandom(seed);
        boolean[][][] glyphs = new boolean[10][7][7];
        for (boolean[][] glyph : glyphs) {
            for (boolean[] row : glyph) {
                for (int j = 0; j < 7; j++) {
                    row[j] = random.nextBoolean();
                }
            }
        }
        write(directory, "train", trainImages, glyphs, random);
        write(directory, "t10k", testImages, glyphs, random);
        return directory;
    }

    private static void write(Path directory, String prefix, int count, boolean[][][] glyphs, SplittableRandom random)
            throws IOException {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        DataOutputStream imageOut = new DataOutputStream(images);
        imageOut.writeInt(0x803);
        imageOut.writeInt(count);
        imageOut.writeInt(28);
        imageOut.writeInt(28);
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        DataOutputStream labelOut = new DataOutputStream(labels);
        labelOut.writeInt(0x801);
        labelOut.writeInt(count);
        for (int i = 0; i < count; i++) {
            int label = i % 10;
            double brightness = 0.6 + 0.4 * random.nextDouble();
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    boolean on = r >= 4 && r < 25 && c >= 4 && c < 25 && glyphs[label][(r - 4) / 3][(c - 4) / 3];
                    double v = (on ? brightness : 0) + 0.1 * random.nextDouble();
                    imageOut.writeByte((int) Math.round(255 * Math.min(1, v)));
                }
            }
            labelOut.writeByte(label);
        }
        Files.write(directory.resolve(prefix + "-images-idx3-ubyte"), images.toByteArray());
        Files.write(directory.resolve(prefix + "-labels-idx1-ubyte"), labels.toByteArray());
    }
}
