package org.mtlab.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.model.DataShape;

/**
 * Kind {@value #NAME}: a team's own images in IDX files (the MNIST format) with one IDX label file per task.
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
 * as floats. Files may be gzip-compressed (recognised by content, whatever their name); {@link IdxReader} reads
 * them. Pixels, labels and splits as {@link ImageTaskData} describes; {@code testFraction} does not apply with
 * {@code testImages}.
 *
 * <p>Errors name the spec field and the file: a missing file ({@link IllegalStateException}), a wrong magic or number
 * of dimensions, a truncated file, a label file whose count differs from the images', a label that is not a class
 * index in range, a non-finite regression label, an image file without images.
 */
public final class IdxKind implements DatasetKind<IdxKind.Params> {
    public static final String NAME = "idx";
    private static final String LABEL_FILE = "an IDX label file (1 dimension, n entries)";

    /** The image files and what {@link ImageTaskData#common} reads. */
    public record Params(Path images, Path testImages, ImageTaskData.Common common) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a team's own images in IDX files (the MNIST format) with one IDX label file per task";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("images", "the IDX image file (unsigned bytes, n × rows × cols)");
        p.put("testImages", "the IDX test image file (optional; then every label needs testPath)");
        p.put("labels", "per task, {\"path\": " + LABEL_FILE + ", \"kind\": \"classification\" or \"regression\", "
                + "\"classes\": optional, \"testPath\": with testImages, \"missing\": optional, the label value that marks "
                + "a missing label}");
        ImageTaskData.describe(p, "; not with testImages");
        return p;
    }

    @Override
    public Params parse(StudySpec.DatasetSpec spec, List<String> tasks, List<Violation> out) {
        Map<String, Object> params = DatasetParams.of(spec);
        int before = out.size();
        DatasetParams.unknown(params, parameters().keySet(), out);
        Path images = DatasetParams.file(params, "images", true, "the IDX image file (unsigned bytes, n × rows × cols)",
                out);
        boolean testFiles = params.get("testImages") != null;
        Path testImages = DatasetParams.file(params, "testImages", false, "the IDX test image file", out);
        if (testFiles && params.containsKey("testFraction")) {
            out.add(new Violation("dataset.params.testFraction", "does not apply with testImages (the test split is the "
                    + "test files)"));
        }
        ImageTaskData.Common common = ImageTaskData.common(params, tasks, testFiles, LABEL_FILE, out);
        return out.size() > before ? null : new Params(images, testImages, common);
    }

    @Override
    public boolean images() {
        return true;
    }

    /** Null: the image size is in the files. */
    @Override
    public DataShape shape(Params params) {
        return null;
    }

    @Override
    public Map<String, TaskData.Kind> taskKinds(Params params, List<String> tasks) {
        return ImageTaskData.taskKinds(params.common());
    }

    /** Reads the images and each task's labels. */
    @Override
    public TaskData load(Params p, List<String> tasks) {
        IdxReader.IdxFile images = IdxReader.images(p.images(), "dataset.params.images");
        IdxReader.IdxFile testImages = p.testImages() == null ? null
                : IdxReader.images(p.testImages(), "dataset.params.testImages");
        if (testImages != null && (testImages.dims()[1] != images.dims()[1] || testImages.dims()[2] != images.dims()[2])) {
            throw new IllegalArgumentException("dataset.params.testImages (" + p.testImages() + ") holds "
                    + testImages.dims()[1] + "×" + testImages.dims()[2] + " images, dataset.params.images ("
                    + p.images() + ") " + images.dims()[1] + "×" + images.dims()[2]);
        }
        List<TaskData.Task> taskList = new ArrayList<>();
        double[][] labels = new double[tasks.size()][];
        double[][] testLabels = new double[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            ImageTaskData.LabelSource source = p.common().labels().get(t);
            String field = source.field();
            labels[t] = source.markMissing(noNaN(source, IdxReader.labels(source.path(), field, images.count(),
                    p.images(), "dataset.params.images"), at(field, source.path())));
            List<double[]> arrays = new ArrayList<>(List.of(labels[t]));
            List<IntFunction<String>> where = new ArrayList<>(List.of(at(field, source.path())));
            if (testImages != null) {
                String testField = "dataset.params.labels." + source.task() + ".testPath";
                testLabels[t] = source.markMissing(noNaN(source, IdxReader.labels(source.testPath(), testField,
                        testImages.count(), p.testImages(), "dataset.params.testImages"), at(testField, source.testPath())));
                arrays.add(testLabels[t]);
                where.add(at(testField, source.testPath()));
            }
            taskList.add(ImageTaskData.task(source, arrays, where));
        }
        int rows = images.dims()[1];
        int cols = images.dims()[2];
        return ImageTaskData.build(taskList, rows, cols, pixels(images), images.count(), labels,
                testImages == null ? null : pixels(testImages), testImages == null ? 0 : testImages.count(), testLabels,
                p.common(), "dataset.params.images (" + p.images() + ")");
    }

    /** A NaN stored in a label file is refused: a missing label is a declared value ({@code missing}), read as NaN. */
    private static double[] noNaN(ImageTaskData.LabelSource source, double[] labels, IntFunction<String> where) {
        for (int i = 0; i < labels.length; i++) {
            if (Double.isNaN(labels[i])) {
                throw new IllegalArgumentException(where.apply(i) + ": " + (source.kind() == TaskData.Kind.REGRESSION
                        ? "regression label NaN is not a finite number" : "label NaN is not a class index")
                        + " (mark missing labels with dataset.params.labels." + source.task() + ".missing)");
            }
        }
        return labels;
    }

    private static IntFunction<String> at(String field, Path file) {
        return i -> field + " (" + file + ") entry " + i;
    }

    private static ImageTaskData.Pixels pixels(IdxReader.IdxFile images) {
        int d = images.dims()[1] * images.dims()[2];
        byte[] bytes = images.bytes();
        return (image, out, offset) -> {
            int base = image * d;
            for (int k = 0; k < d; k++) {
                out[offset + k] = (bytes[base + k] & 0xff) / 255f;
            }
        };
    }
}
