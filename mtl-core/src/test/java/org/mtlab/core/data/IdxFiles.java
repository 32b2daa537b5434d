package org.mtlab.core.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files for the tests, independently of the reader: magic, big-endian dimensions, values. */
final class IdxFiles {
    static final int UBYTE = 0x08;
    static final int BYTE = 0x09;
    static final int SHORT = 0x0B;
    static final int INT = 0x0C;
    static final int FLOAT = 0x0D;
    static final int DOUBLE = 0x0E;

    private IdxFiles() {
    }

    /** An IDX file of {@code type} with {@code dims}, the values written in that type; gzip-compressed if asked. */
    static Path write(Path file, int type, int[] dims, double[] values, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt((type << 8) | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        for (double v : values) {
            switch (type) {
                case UBYTE, BYTE -> out.writeByte((int) v);
                case SHORT -> out.writeShort((int) v);
                case INT -> out.writeInt((int) v);
                case FLOAT -> out.writeFloat((float) v);
                case DOUBLE -> out.writeDouble(v);
                default -> throw new IllegalArgumentException("type " + type);
            }
        }
        byte[] content = bytes.toByteArray();
        if (gzip) {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream();
            try (OutputStream z = new GZIPOutputStream(zipped)) {
                z.write(content);
            }
            content = zipped.toByteArray();
        }
        Files.write(file, content);
        return file;
    }

    /** {@code count} images of {@code rows × cols} unsigned bytes; pixel (i, r, c) = pixel(i, r, c). */
    static Path images(Path file, int count, int rows, int cols, boolean gzip) throws IOException {
        double[] values = new double[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    values[(i * rows + r) * cols + c] = pixel(i, r, c);
                }
            }
        }
        return write(file, UBYTE, new int[] {count, rows, cols}, values, gzip);
    }

    /** The test images' pixel value, 0..255, different for each image and position. */
    static int pixel(int image, int row, int col) {
        return (37 * image + 11 * row + 3 * col) % 256;
    }

    static Path labels(Path file, int type, double... values) throws IOException {
        return write(file, type, new int[] {values.length}, values, false);
    }
}
