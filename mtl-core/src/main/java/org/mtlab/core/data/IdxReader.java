package org.mtlab.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The one IDX reader (the MNIST format: two zero bytes, a type byte, the number of dimensions, the big-endian
 * dimensions, the values), used by the {@code idx} kind and by MultiFashion. Files may be gzip-compressed, recognised
 * by content whatever their name. Errors name where the file was given ({@code where}, e.g.
 * {@code dataset.params.images (/data/x)}): a wrong magic number, a negative or too large dimension, a truncated file
 * are {@link IllegalArgumentException}s; a missing file an {@link IllegalStateException}; a failing read an
 * {@link UncheckedIOException}.
 */
public final class IdxReader {
    public static final int UNSIGNED_BYTE = 0x08;
    public static final int IMAGES_MAGIC = 0x00000803;

    private IdxReader() {
    }

    /**
     * An IDX file's type byte, dimensions and values: {@code bytes} for unsigned-byte files (kept as bytes: an image
     * file is large), else {@code values}.
     */
    public record IdxFile(int type, int[] dims, byte[] bytes, double[] values) {
        /** The first dimension: images or labels. */
        public int count() {
            return dims[0];
        }

        /** Value i, whatever the type (an unsigned byte as 0..255). */
        public double value(int i) {
            return bytes != null ? bytes[i] & 0xff : values[i];
        }
    }

    /** Reads an IDX file given in spec field {@code field}; a missing file names the field. */
    public static IdxFile read(Path file, String field) {
        ImageTaskData.requireFile(file, field);
        String where = field + " (" + file + ")";
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, where);
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads an IDX file (plain or gzip) from a stream; {@code where} starts every error message. */
    public static IdxFile read(InputStream stream, String where) throws IOException {
        DataInputStream in = open(stream);
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IllegalArgumentException(where + " is not an IDX file: shorter than its 4-byte magic number");
        }
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        if ((magic >>> 16) != 0 || typeSize(type) == 0 || rank == 0) {
            throw new IllegalArgumentException(where + " is not an IDX file: magic number 0x"
                    + String.format("%08x", magic) + "; an IDX file starts with two zero bytes, a type byte (0x08 "
                    + "unsigned byte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float, 0x0e double) and the number of "
                    + "dimensions (images 0x00000803, labels 0x00000801)");
        }
        int[] dims = new int[rank];
        long total = 1;
        try {
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new IllegalArgumentException(where + ": dimension " + i + " is negative (" + dims[i] + ")");
                }
                total *= dims[i];
                if (total * typeSize(type) > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException(where + ": too large (dimensions "
                            + Arrays.toString(Arrays.copyOf(dims, i + 1)) + ")");
                }
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException(where + " is truncated: the file ends inside its header of " + rank
                    + " dimensions");
        }
        int n = (int) total;
        try {
            if (type == UNSIGNED_BYTE) {
                byte[] bytes = new byte[n];
                in.readFully(bytes);
                return new IdxFile(type, dims, bytes, null);
            }
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = switch (type) {
                    case 0x09 -> in.readByte();
                    case 0x0B -> in.readShort();
                    case 0x0C -> in.readInt();
                    case 0x0D -> in.readFloat();
                    default -> in.readDouble();
                };
            }
            return new IdxFile(type, dims, null, values);
        } catch (EOFException e) {
            throw new IllegalArgumentException(where + " is truncated: its header declares " + Arrays.toString(dims)
                    + " values of " + typeName(type) + ", the file ends before");
        }
    }

    /** Reads an image file: unsigned bytes, 3 dimensions n × rows × cols, at least one image of at least 1×1. */
    public static IdxFile images(Path file, String field) {
        IdxFile images = read(file, field);
        if (images.type() != UNSIGNED_BYTE || images.dims().length != 3) {
            throw new IllegalArgumentException(field + " (" + file + ") is an IDX file of " + typeName(images.type())
                    + " with " + images.dims().length + " dimension(s); images must be unsigned bytes with 3 dimensions, "
                    + "n × rows × cols (magic 0x00000803)");
        }
        if (images.count() == 0 || images.dims()[1] == 0 || images.dims()[2] == 0) {
            throw new IllegalArgumentException(field + " (" + file + ") holds no images (" + images.dims()[0] + " of "
                    + images.dims()[1] + "×" + images.dims()[2] + ")");
        }
        return images;
    }

    /**
     * Reads a label file of any number type (1 dimension, n entries) that must hold one label per image of the
     * {@code count} images of {@code imagesField} ({@code imagesFile}).
     */
    public static double[] labels(Path file, String field, int count, Path imagesFile, String imagesField) {
        IdxFile labels = read(file, field);
        if (labels.dims().length != 1) {
            throw new IllegalArgumentException(field + " (" + file + ") has " + labels.dims().length + " dimensions; a "
                    + "label file has one, n entries (magic 0x0000" + String.format("%02x", labels.type()) + "01)");
        }
        if (labels.count() != count) {
            throw new IllegalArgumentException(field + " (" + file + ") has " + labels.count() + " labels for the "
                    + count + " images of " + imagesField + " (" + imagesFile + ")");
        }
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = labels.value(i);
        }
        return values;
    }

    static int typeSize(int type) {
        return switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> 0;
        };
    }

    static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned bytes";
            case 0x09 -> "signed bytes";
            case 0x0B -> "shorts";
            case 0x0C -> "ints";
            case 0x0D -> "floats";
            case 0x0E -> "doubles";
            default -> "type 0x" + Integer.toHexString(type);
        };
    }

    private static DataInputStream open(InputStream stream) throws IOException {
        InputStream raw = new BufferedInputStream(stream, 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }
}
