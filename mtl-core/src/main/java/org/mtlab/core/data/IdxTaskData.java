package org.mtlab.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.zip.GZIPInputStream;

import org.mtlab.core.contract.StudySpec;

/**
 * Kind {@value #KIND}: a team's own images in IDX files (the MNIST format) with one IDX label file per task.
 * <pre>
 * {"kind": "idx", "params": {
 *    "images": "/data/train-images-idx3-ubyte",                    // unsigned bytes, 3 dimensions: n × rows × cols
 *    "labels": {"digit": {"path": "/data/digit-idx1-ubyte", "kind": "classification", "classes": 10},
 *               "size":  {"path": "/data/size-idx1-float", "kind": "regression"}},
 *    "testImages": "/data/t10k-images-idx3-ubyte",                  // optional; then every label needs "testPath"
 *    "validationFraction": 0.1, "testFraction": 0.2, "seed": 0, "standardise": false}}
 * </pre>
 * An image file has magic {@code 0x00000803} (unsigned bytes, 3 dimensions); a label file one dimension of n entries
 * of any IDX number type (unsigned or signed byte, short, int, float, double), so a regression target can be stored
 * as floats. Files may be gzip-compressed (recognised by content, whatever their name). Pixels, labels and splits as
 * {@link ImageTaskData} describes; {@code testFraction} does not apply with {@code testImages}.
 *
 * <p>Errors name the spec field and the file: a missing file ({@link IllegalStateException}), a wrong magic or number
 * of dimensions, a truncated file, a label file whose count differs from the images', a label that is not a class
 * index in range, a non-finite regression label, an image file without images.
 */
public final class IdxTaskData {
    public static final String KIND = "idx";
    public static final int IMAGES_MAGIC = 0x00000803;

    private IdxTaskData() {
    }

    /** An IDX file's dimensions and values: {@code bytes} for unsigned-byte files, else {@code values}. */
    record IdxFile(int type, int[] dims, byte[] bytes, double[] values) {
        int count() {
            return dims[0];
        }
    }

    /** Reads the dataset a spec describes, for {@code tasks} (each must have a label file). */
    public static ImageTaskData read(StudySpec.DatasetSpec spec, List<String> tasks) {
        Map<String, Object> params = ImageTaskData.params(spec);
        Path imagesPath = ImageTaskData.path(params.get("images"), "dataset.params.images");
        Path testImagesPath = params.get("testImages") == null ? null
                : ImageTaskData.path(params.get("testImages"), "dataset.params.testImages");
        if (testImagesPath != null && params.get("testFraction") != null) {
            throw new IllegalArgumentException("dataset.params.testFraction does not apply with testImages (the test "
                    + "split is the test files)");
        }
        ImageTaskData.Common common = ImageTaskData.common(spec, tasks, true);
        IdxFile images = readImages(imagesPath, "dataset.params.images");
        IdxFile testImages = testImagesPath == null ? null : readImages(testImagesPath, "dataset.params.testImages");
        if (testImages != null && (testImages.dims()[1] != images.dims()[1] || testImages.dims()[2] != images.dims()[2])) {
            throw new IllegalArgumentException("dataset.params.testImages (" + testImagesPath + ") holds "
                    + testImages.dims()[1] + "×" + testImages.dims()[2] + " images, dataset.params.images ("
                    + imagesPath + ") " + images.dims()[1] + "×" + images.dims()[2]);
        }
        List<TaskData.Task> taskList = new ArrayList<>();
        double[][] labels = new double[tasks.size()][];
        double[][] testLabels = new double[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            ImageTaskData.LabelSource source = common.labels().get(t);
            String field = source.field();
            labels[t] = readLabels(source.path(), field, images.count(), imagesPath, "dataset.params.images");
            List<double[]> arrays = new ArrayList<>(List.of(labels[t]));
            List<IntFunction<String>> where = new ArrayList<>(List.of(at(field, source.path())));
            if (testImages != null) {
                String testField = "dataset.params.labels." + source.task() + ".testPath";
                if (source.testPath() == null) {
                    throw new IllegalArgumentException(testField + " is required with testImages: the task's labels of "
                            + "the test images");
                }
                testLabels[t] = readLabels(source.testPath(), testField, testImages.count(), testImagesPath,
                        "dataset.params.testImages");
                arrays.add(testLabels[t]);
                where.add(at(testField, source.testPath()));
            } else if (source.testPath() != null) {
                throw new IllegalArgumentException("dataset.params.labels." + source.task() + ".testPath needs "
                        + "dataset.params.testImages");
            }
            taskList.add(ImageTaskData.task(source, arrays, where));
        }
        int rows = images.dims()[1];
        int cols = images.dims()[2];
        return ImageTaskData.build(taskList, rows, cols, pixels(images), images.count(), labels,
                testImages == null ? null : pixels(testImages), testImages == null ? 0 : testImages.count(), testLabels,
                common, "dataset.params.images (" + imagesPath + ")");
    }

    private static IntFunction<String> at(String field, Path file) {
        return i -> field + " (" + file + ") entry " + i;
    }

    private static ImageTaskData.Pixels pixels(IdxFile images) {
        int d = images.dims()[1] * images.dims()[2];
        byte[] bytes = images.bytes();
        return (image, out, offset) -> {
            int base = image * d;
            for (int k = 0; k < d; k++) {
                out[offset + k] = (bytes[base + k] & 0xff) / 255f;
            }
        };
    }

    private static IdxFile readImages(Path file, String field) {
        IdxFile images = read(file, field);
        if (images.type() != 0x08 || images.dims().length != 3) {
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

    private static double[] readLabels(Path file, String field, int count, Path imagesFile, String imagesField) {
        IdxFile labels = read(file, field);
        if (labels.dims().length != 1) {
            throw new IllegalArgumentException(field + " (" + file + ") has " + labels.dims().length + " dimensions; a "
                    + "label file has one, n entries (magic 0x0000" + String.format("%02x", labels.type()) + "01)");
        }
        if (labels.count() != count) {
            throw new IllegalArgumentException(field + " (" + file + ") has " + labels.count() + " labels for the "
                    + count + " images of " + imagesField + " (" + imagesFile + ")");
        }
        if (labels.values() != null) {
            return labels.values();
        }
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = labels.bytes()[i] & 0xff;
        }
        return values;
    }

    /** Reads any IDX file; unsigned bytes stay bytes, other types become doubles. */
    static IdxFile read(Path file, String field) {
        ImageTaskData.requireFile(file, field);
        String where = field + " (" + file + ")";
        try (DataInputStream in = open(file)) {
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
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new IllegalArgumentException(where + ": dimension " + i + " is negative (" + dims[i] + ")");
                }
                total *= dims[i];
                if (total * typeSize(type) > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException(where + ": too large (dimensions " + java.util.Arrays.toString(
                            java.util.Arrays.copyOf(dims, i + 1)) + ")");
                }
            }
            int n = (int) total;
            try {
                if (type == 0x08) {
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
                throw new IllegalArgumentException(where + " is truncated: its header declares "
                        + java.util.Arrays.toString(dims) + " values of " + typeName(type) + ", the file ends before");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int typeSize(int type) {
        return switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> 0;
        };
    }

    private static String typeName(int type) {
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

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }
}
