package org.mtlab.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

import org.mtlab.core.contract.Violation;

/**
 * A team's own single-channel images with one label source per task: what {@link IdxKind} ({@code idx}) and
 * {@link ImageFolderKind} ({@code image-folder}) read, behind one {@link TaskData}.
 *
 * <p><b>Pixels</b> are scaled to [0, 1] (an 8-bit value v becomes v / 255), as MultiFashion's are, so a model tuned on
 * the benchmark sees the same range. With {@code standardise: true} they are further shifted and scaled by one mean
 * and one standard deviation over every pixel of the <em>training</em> split (one pair, not one per pixel: a
 * per-pixel statistic would blow up the always-dark border pixels and break what a convolution sees). Samples keep
 * their {@code rows × cols} shape ({@link #imageShape()}), so MultiLeNet can be trained on them.
 *
 * <p><b>Labels.</b> Per task: {@code kind} {@value #CLASSIFICATION} or {@value #REGRESSION}. A classification label is
 * a class index, an integer in 0..classes−1; {@code classes} is declared, or inferred as the largest label + 1 (at
 * least 2). Regression labels are kept as they are.
 *
 * <p><b>Splits.</b> Samples are shuffled by {@code seed} and split into test ({@code testFraction}, default 0.2),
 * validation ({@code validationFraction}, default 0.1) and training (the rest), as for CSV. With separate test files
 * (IDX only) the test split is those files, in file order, and the training file is split into training and
 * validation. The shuffle is {@link Shuffle}'s.
 */
public final class ImageTaskData implements TaskData {
    public static final String CLASSIFICATION = "classification";
    public static final String REGRESSION = "regression";
    public static final double DEFAULT_VALIDATION_FRACTION = CsvTaskData.DEFAULT_VALIDATION_FRACTION;
    public static final double DEFAULT_TEST_FRACTION = CsvTaskData.DEFAULT_TEST_FRACTION;
    private static final long SPLIT_STREAM = 0x696d67_73706cL;

    /** Pixels of a pool of images, in [0, 1], written row-major into a caller's buffer. */
    interface Pixels {
        void read(int image, float[] out, int offset);
    }

    /**
     * Where one task's labels come from.
     *
     * @param testPath the test file's labels (IDX with test images only), else null
     * @param classes  declared class count, or null to infer it (classification only)
     * @param missing  the label value that marks a missing label (IDX), or null: every label is present
     */
    public record LabelSource(String task, Path path, Path testPath, TaskData.Kind kind, Integer classes,
                              Double missing) {
        /** A source in which every sample has its label. */
        public LabelSource(String task, Path path, Path testPath, TaskData.Kind kind, Integer classes) {
            this(task, path, testPath, kind, classes, null);
        }

        /** The labels with each declared missing value as NaN (a missing label); the array itself when none is declared. */
        public double[] markMissing(double[] labels) {
            if (missing == null) {
                return labels;
            }
            double[] out = labels.clone();
            for (int i = 0; i < out.length; i++) {
                if (out[i] == missing) {
                    out[i] = Double.NaN;
                }
            }
            return out;
        }

        /** The spec field this task's label file was given in, for error messages. */
        public String field() {
            return "dataset.params.labels." + task + ".path";
        }
    }

    /** What both image kinds read from {@code params} besides their image files. */
    public record Common(List<LabelSource> labels, double validationFraction, double testFraction, long seed,
                         boolean standardise) {
    }

    private final List<Task> tasks;
    private final int rows;
    private final int cols;
    private final double pixelMean;
    private final double pixelScale;
    private final Part train;
    private final Part validation;
    private final Part test;

    private ImageTaskData(List<Task> tasks, int rows, int cols, double pixelMean, double pixelScale, Part train,
                          Part validation, Part test) {
        this.tasks = tasks;
        this.rows = rows;
        this.cols = cols;
        this.pixelMean = pixelMean;
        this.pixelScale = pixelScale;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /**
     * Parses what both image kinds read from {@code params} besides their image files, adding a violation per problem:
     * {@code labels} (per task: {@code path}, {@code kind}, optional {@code classes} and {@code testPath}),
     * {@code validationFraction}, {@code testFraction}, {@code seed} and {@code standardise}.
     *
     * @param tasks     the study's tasks (null entries skipped); {@link Common#labels()} follows their order
     * @param testFiles true when the kind has separate test files (every label then needs {@code testPath}), false
     *                  when it could but has none ({@code testPath} refused), null when the kind has no test files
     * @param what      what a label file is, for the messages
     */
    static Common common(Map<String, Object> params, List<String> tasks, Boolean testFiles, String what,
                         List<Violation> out) {
        List<LabelSource> sources = new ArrayList<>();
        String kinds = "\"" + CLASSIFICATION + "\" or \"" + REGRESSION + "\"";
        if (!(params.get("labels") instanceof Map<?, ?> labels)) {
            out.add(new Violation("dataset.params.labels", "is required: per task, {\"path\": " + what + ", \"kind\": "
                    + kinds + "}"));
        } else {
            Set<String> keys = testFiles == null ? Set.of("path", "kind", "classes")
                    : Set.of("path", "kind", "classes", "testPath", "missing");
            for (var entry : labels.entrySet()) {
                String name = String.valueOf(entry.getKey());
                String field = "dataset.params.labels." + name;
                if (!tasks.contains(name)) {
                    out.add(new Violation(field, "is not one of the tasks " + tasks));
                } else if (!(entry.getValue() instanceof Map<?, ?>)) {
                    out.add(new Violation(field, "must be {\"path\": " + what + ", \"kind\": " + kinds + "}"));
                }
            }
            for (String task : tasks) {
                if (task == null) {
                    continue;
                }
                String field = "dataset.params.labels." + task;
                if (!labels.containsKey(task)) {
                    out.add(new Violation(field, "is required: {\"path\": " + what + ", \"kind\": " + kinds
                            + "} for task '" + task + "'"));
                } else if (labels.get(task) instanceof Map<?, ?> label) {
                    LabelSource source = label(task, label, keys, testFiles, what, kinds, out);
                    if (source != null) {
                        sources.add(source);
                    }
                }
            }
        }
        double[] fractions = DatasetParams.splitFractions(out, params);
        long seed = DatasetParams.seed(out, params);
        Object standardise = params.getOrDefault("standardise", Boolean.FALSE);
        if (!(standardise instanceof Boolean)) {
            out.add(new Violation("dataset.params.standardise", "must be true or false"));
        }
        return new Common(List.copyOf(sources), fractions[0], fractions[1], seed, Boolean.TRUE.equals(standardise));
    }

    /** One task's label source, or null after a violation. */
    private static LabelSource label(String task, Map<?, ?> label, Set<String> keys, Boolean testFiles, String what,
                                     String kinds, List<Violation> out) {
        int before = out.size();
        String field = "dataset.params.labels." + task;
        for (Object key : label.keySet()) {
            if (!keys.contains(String.valueOf(key))) {
                out.add(new Violation(field + "." + key, "unknown; known: " + DatasetParams.sorted(keys)));
            }
        }
        Path path = null;
        if (!(label.get("path") instanceof String name) || name.isBlank()) {
            out.add(new Violation(field + ".path", "is required: " + what));
        } else {
            path = DatasetParams.path(name, field + ".path", out);
        }
        String kindName = label.get("kind") instanceof String k ? k.toLowerCase(Locale.ROOT) : null;
        TaskData.Kind kind = CLASSIFICATION.equals(kindName) ? TaskData.Kind.CLASSIFICATION
                : REGRESSION.equals(kindName) ? TaskData.Kind.REGRESSION : null;
        Integer classes = null;
        if (kind == null) {
            out.add(new Violation(field + ".kind", "must be " + kinds));
        } else if (label.get("classes") != null) {
            if (kind == TaskData.Kind.REGRESSION) {
                out.add(new Violation(field + ".classes", "applies to classification only"));
            } else if (DatasetParams.integral(out, field + ".classes", label.get("classes"), 2, 1_000_000)) {
                classes = ((Number) label.get("classes")).intValue();
            }
        }
        Path testPath = null;
        if (Boolean.TRUE.equals(testFiles)) {
            if (!(label.get("testPath") instanceof String test) || test.isBlank()) {
                out.add(new Violation(field + ".testPath", "is required with testImages: the task's labels of the "
                        + "test images"));
            } else {
                testPath = DatasetParams.path(test, field + ".testPath", out);
            }
        } else if (Boolean.FALSE.equals(testFiles) && label.get("testPath") != null) {
            out.add(new Violation(field + ".testPath", "needs dataset.params.testImages"));
        }
        Double missing = null;
        if (label.get("missing") != null) {
            if (label.get("missing") instanceof Number n && Double.isFinite(n.doubleValue())) {
                missing = n.doubleValue();
            } else {
                out.add(new Violation(field + ".missing", "must be a number: the label value that marks a missing "
                        + "label, got " + label.get("missing")));
            }
        }
        return out.size() > before ? null : new LabelSource(task, path, testPath, kind, classes, missing);
    }

    /** Describes the split and scaling parameters both image kinds take. */
    static void describe(Map<String, String> parameters, String testNote) {
        DatasetParams.describeSplit(parameters, "images", testNote);
        parameters.put("standardise", "shift and scale pixels by the training split's mean and deviation (default "
                + "false)");
    }

    /** Each label source's task kind. */
    static Map<String, TaskData.Kind> taskKinds(Common common) {
        Map<String, TaskData.Kind> kinds = new LinkedHashMap<>();
        common.labels().forEach(source -> kinds.put(source.task(), source.kind()));
        return kinds;
    }

    /** A missing file is an {@link IllegalStateException} naming the spec field it was given in. */
    static void requireFile(Path file, String field) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(field + ": file not found: " + file);
        }
    }

    /**
     * The task a source's labels describe: checks every classification label ({@code where.apply(i)} names label i's
     * place in its file) and infers the class count when none is declared.
     */
    static Task task(LabelSource source, List<double[]> labelArrays, List<IntFunction<String>> where) {
        if (source.kind() == TaskData.Kind.REGRESSION) {
            for (int a = 0; a < labelArrays.size(); a++) {
                double[] values = labelArrays.get(a);
                for (int i = 0; i < values.length; i++) {
                    if (!Double.isNaN(values[i]) && !Double.isFinite(values[i])) {
                        throw new IllegalArgumentException(where.get(a).apply(i) + ": regression label " + values[i]
                                + " is not a finite number");
                    }
                }
            }
            return Task.regression(source.task());
        }
        long limit = source.classes() == null ? Integer.MAX_VALUE : source.classes();
        int largest = -1;
        boolean distinct = false;
        for (int a = 0; a < labelArrays.size(); a++) {
            double[] values = labelArrays.get(a);
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                if (Double.isNaN(v)) {
                    continue; // a missing label
                }
                if (v != Math.rint(v) || v < 0 || v >= limit) {
                    throw new IllegalArgumentException(where.get(a).apply(i) + ": label " + format(v)
                            + " is not a class index " + (source.classes() == null ? "(an integer ≥ 0)"
                            : "0.." + (source.classes() - 1)) + " of task '" + source.task() + "'");
                }
                distinct |= largest >= 0 && (int) v != largest;
                largest = Math.max(largest, (int) v);
            }
        }
        if (largest < 0) {
            throw new IllegalArgumentException(source.field() + " (" + source.path() + "): task '" + source.task()
                    + "' has no label at all");
        }
        if (!distinct) {
            throw new IllegalArgumentException(source.field() + " (" + source.path() + "): every label of task '"
                    + source.task() + "' is " + largest + "; classification needs at least two different classes");
        }
        int classes = source.classes() != null ? source.classes() : largest + 1;
        return Task.classification(source.task(), classes);
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Splits and wraps images and labels.
     *
     * @param pool      the images that are split into training, validation and (without {@code testPool}) test
     * @param labels    per task, {@code poolSize} labels
     * @param testPool  separate test images, or null
     * @param testLabels per task, the test images' labels (when {@code testPool} is given)
     * @param source    names the data in errors
     */
    static ImageTaskData build(List<Task> tasks, int rows, int cols, Pixels pool, int poolSize, double[][] labels,
                               Pixels testPool, int testSize, double[][] testLabels, Common p, String source) {
        int nTest = testPool != null ? 0 : (int) Math.round(poolSize * p.testFraction());
        int nValidation = (int) Math.round(poolSize * p.validationFraction());
        int nTrain = poolSize - nTest - nValidation;
        if (testPool == null && nTest < 1 || nTrain < 1 || p.validationFraction() > 0 && nValidation < 1
                || testPool != null && testSize < 1) {
            throw new IllegalArgumentException(source + " has " + poolSize + " images" + (testPool == null ? ""
                    : " and " + testSize + " test images") + ": too few for a training, validation and test split with "
                    + "validationFraction " + p.validationFraction()
                    + (testPool == null ? " and testFraction " + p.testFraction() : ""));
        }
        int[] order = Shuffle.permutation(poolSize, p.seed() ^ SPLIT_STREAM);
        int[] trainImages = Arrays.copyOfRange(order, 0, nTrain);
        double mean = 0;
        double scale = 1;
        int d = rows * cols;
        if (p.standardise()) {
            float[] buffer = new float[d];
            double sum = 0;
            for (int image : trainImages) {
                pool.read(image, buffer, 0);
                for (float v : buffer) {
                    sum += v;
                }
            }
            mean = sum / ((double) nTrain * d);
            double squares = 0;
            for (int image : trainImages) {
                pool.read(image, buffer, 0);
                for (float v : buffer) {
                    squares += (v - mean) * (v - mean);
                }
            }
            double std = Math.sqrt(squares / ((double) nTrain * d));
            scale = std > 0 ? std : 1;
        }
        Part train = new Part(pool, d, trainImages, labels, mean, scale);
        for (int t = 0; t < tasks.size(); t++) {
            if (train.labelled(t) == 0) {
                throw new IllegalArgumentException(source + ": task '" + tasks.get(t).name() + "' has no label in the "
                        + "training split (" + nTrain + " images); give it labels or leave the task out");
            }
        }
        Part validation = new Part(pool, d, Arrays.copyOfRange(order, nTrain, nTrain + nValidation), labels, mean, scale);
        Part test;
        if (testPool != null) {
            int[] all = new int[testSize];
            for (int i = 0; i < testSize; i++) {
                all[i] = i;
            }
            test = new Part(testPool, d, all, testLabels, mean, scale);
        } else {
            test = new Part(pool, d, Arrays.copyOfRange(order, nTrain + nValidation, poolSize), labels, mean, scale);
        }
        return new ImageTaskData(List.copyOf(tasks), rows, cols, mean, scale, train, validation, test);
    }

    @Override
    public List<Task> tasks() {
        return tasks;
    }

    @Override
    public int dimension() {
        return rows * cols;
    }

    @Override
    public int[] imageShape() {
        return new int[] {rows, cols};
    }

    @Override
    public Split train() {
        return train;
    }

    @Override
    public Split validation() {
        return validation;
    }

    @Override
    public Split test() {
        return test;
    }

    /** The mean subtracted from every pixel value in [0, 1] (0 without standardisation). */
    public double pixelMean() {
        return pixelMean;
    }

    /** The deviation pixel values are divided by after the mean is subtracted (1 without standardisation). */
    public double pixelScale() {
        return pixelScale;
    }

    /**
     * One split: {@code images[i]} is the index, in its file or folder order, of sample i (the test split of separate
     * test files indexes those).
     */
    public static final class Part implements Split {
        private final Pixels pixels;
        private final int dimension;
        private final int[] images;
        private final float[][] targets;
        private final float mean;
        private final float scale;

        Part(Pixels pixels, int dimension, int[] images, double[][] labels, double mean, double scale) {
            this.pixels = pixels;
            this.dimension = dimension;
            this.images = images;
            this.targets = new float[labels.length][images.length];
            for (int t = 0; t < labels.length; t++) {
                for (int i = 0; i < images.length; i++) {
                    targets[t][i] = (float) labels[t][images[i]];
                }
            }
            this.mean = (float) mean;
            this.scale = (float) scale;
        }

        @Override
        public int size() {
            return images.length;
        }

        @Override
        public void features(int sample, float[] out, int offset) {
            pixels.read(images[sample], out, offset);
            if (mean != 0 || scale != 1) {
                for (int k = offset; k < offset + dimension; k++) {
                    out[k] = (out[k] - mean) / scale;
                }
            }
        }

        @Override
        public float target(int task, int sample) {
            return targets[task][sample];
        }

        /** The file or folder index of each sample (a copy). */
        public int[] images() {
            return images.clone();
        }
    }
}
