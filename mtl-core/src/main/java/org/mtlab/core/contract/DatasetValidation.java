package org.mtlab.core.contract;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.mtlab.core.data.CsvTaskData;
import org.mtlab.core.data.IdxTaskData;
import org.mtlab.core.data.ImageFolderTaskData;
import org.mtlab.core.data.ImageTaskData;
import org.mtlab.core.data.MultiFashion;
import org.mtlab.core.model.Architecture;
import org.mtlab.core.model.DataShape;
import org.mtlab.core.model.ModelKind;
import org.mtlab.core.model.ModelKinds;
import org.mtlab.core.model.TorchScriptKind;

/**
 * The dataset and model parts of {@link StudySpecValidator}: each dataset kind's parameters, named by their dotted
 * path, and which model fits which data. What only the trainer can see (whether the files exist, a CSV's columns and
 * values) is checked when the run starts and fails the run with the reason: the gateway does not share the
 * trainers' file system.
 */
final class DatasetValidation {
    static final String SYNTHETIC = "synthetic";
    static final String MULTI_FASHION = MultiFashion.KIND;
    static final String CSV = CsvTaskData.KIND;
    static final String IDX = IdxTaskData.KIND;
    static final String IMAGE_FOLDER = ImageFolderTaskData.KIND;
    /** The kinds whose samples are images, which the image models take. */
    static final Set<String> IMAGE_KINDS = Set.of(MULTI_FASHION, IDX, IMAGE_FOLDER);
    /** MultiFashion's canvas: 28×28 Fashion-MNIST items with 4 pixels of shift on each side. */
    static final int FASHION_SIDE = MultiFashion.CANVAS;
    static final int MAX_FASHION_SAMPLES = 1_000_000;

    private DatasetValidation() {
    }

    static String kind(StudySpec.DatasetSpec dataset) {
        return dataset == null || dataset.kind() == null ? null : dataset.kind().toLowerCase(Locale.ROOT);
    }

    static void validate(StudySpec spec, List<Violation> out) {
        StudySpec.DatasetSpec dataset = spec.dataset();
        Map<String, Object> params = dataset.params() == null ? Map.of() : dataset.params();
        switch (kind(dataset)) {
            case SYNTHETIC -> synthetic(spec, dataset, params, out);
            case MULTI_FASHION -> multiFashion(spec, params, out);
            case CSV -> csv(spec, params, out);
            case IDX -> idx(spec, params, out);
            case IMAGE_FOLDER -> imageFolder(spec, params, out);
            default -> throw new IllegalStateException("unreachable: kind checked by the caller");
        }
    }

    private static void synthetic(StudySpec spec, StudySpec.DatasetSpec dataset, Map<String, Object> params,
                                  List<Violation> out) {
        int before = out.size();
        Set<String> allowed = Set.of("rho", "dimension", "samples", "seed", "scale");
        for (var entry : params.entrySet()) {
            String field = "dataset.params." + entry.getKey();
            if (!allowed.contains(entry.getKey())) {
                out.add(new Violation(field, "unknown parameter; known: " + sorted(allowed)));
            } else if (!(entry.getValue() instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                out.add(new Violation(field, "must be a finite number"));
            }
        }
        if (out.size() > before) {
            return;
        }
        double rho = dataset.number("rho", 0.5);
        if (rho < -1 || rho > 1) {
            out.add(new Violation("dataset.params.rho", "task correlation must lie in [-1, 1]"));
        }
        integral(out, "dataset.params.dimension", dataset.number("dimension", 100), 2, StudySpecValidator.MAX_DIMENSION);
        integral(out, "dataset.params.samples", dataset.number("samples", 4000), 20, StudySpecValidator.MAX_SAMPLES);
        if (dataset.number("scale", 1) <= 0) {
            out.add(new Violation("dataset.params.scale", "must be positive"));
        }
        if (spec.tasks() != null && dataset.number("dimension", 100) < spec.tasks().size()) {
            out.add(new Violation("dataset.params.dimension", "must be at least the number of tasks"));
        }
    }

    private static void multiFashion(StudySpec spec, Map<String, Object> params, List<Violation> out) {
        Set<String> allowed = Set.of("path", "trainSamples", "validationSamples", "testSamples", "seed");
        for (var entry : params.entrySet()) {
            String field = "dataset.params." + entry.getKey();
            Object value = entry.getValue();
            switch (entry.getKey()) {
                case "path" -> {
                    if (!(value instanceof String s) || s.isBlank()) {
                        out.add(new Violation(field, "must be the directory holding the Fashion-MNIST IDX files "
                                + "(default " + MultiFashion.DEFAULT_DIRECTORY + ", Debian package "
                                + MultiFashion.DEBIAN_PACKAGE + ")"));
                    }
                }
                case "trainSamples", "testSamples" -> integral(out, field, value, 1, MAX_FASHION_SAMPLES);
                case "validationSamples" -> integral(out, field, value, 0, MAX_FASHION_SAMPLES);
                case "seed" -> integral(out, field, value, Long.MIN_VALUE, Long.MAX_VALUE);
                default -> out.add(new Violation(field, "unknown parameter; known: " + sorted(allowed)));
            }
        }
        if (spec.tasks() != null) {
            for (int i = 0; i < spec.tasks().size(); i++) {
                StudySpec.TaskSpec task = spec.tasks().get(i);
                if (task != null && task.name() != null && !MultiFashion.TASKS.contains(task.name())) {
                    out.add(new Violation("tasks[" + i + "].name", "multi-fashion has the tasks " + MultiFashion.TASKS
                            + ", got '" + task.name() + "'"));
                }
            }
        }
    }

    private static void csv(StudySpec spec, Map<String, Object> params, List<Violation> out) {
        Set<String> allowed = Set.of("path", "features", "targets", "validationFraction", "testFraction", "seed");
        for (String key : params.keySet()) {
            if (!allowed.contains(key)) {
                out.add(new Violation("dataset.params." + key, "unknown parameter; known: " + sorted(allowed)));
            }
        }
        if (!(params.get("path") instanceof String path) || path.isBlank()) {
            out.add(new Violation("dataset.params.path", "is required: the CSV file, as the trainers see it"));
        }
        Set<String> targetNames = new HashSet<>();
        if (!(params.get("targets") instanceof Map<?, ?> targets)) {
            out.add(new Violation("dataset.params.targets", "is required: per task (its target column has the task's "
                    + "name), \"" + CsvTaskData.CLASSIFICATION + "\" or \"" + CsvTaskData.REGRESSION + "\""));
        } else {
            List<String> tasks = spec.tasks() == null ? List.of() : spec.tasks().stream()
                    .map(t -> t == null ? null : t.name()).toList();
            for (var entry : targets.entrySet()) {
                String name = String.valueOf(entry.getKey());
                targetNames.add(name);
                String field = "dataset.params.targets." + name;
                if (!tasks.contains(name)) {
                    out.add(new Violation(field, "is not one of the tasks " + tasks));
                } else if (!(entry.getValue() instanceof String kind)
                        || !Set.of(CsvTaskData.CLASSIFICATION, CsvTaskData.REGRESSION).contains(kind.toLowerCase(Locale.ROOT))) {
                    out.add(new Violation(field, "must be \"" + CsvTaskData.CLASSIFICATION + "\" or \""
                            + CsvTaskData.REGRESSION + "\""));
                }
            }
            for (String task : tasks) {
                if (task != null && !targets.containsKey(task)) {
                    out.add(new Violation("dataset.params.targets." + task, "is required: \"" + CsvTaskData.CLASSIFICATION
                            + "\" or \"" + CsvTaskData.REGRESSION + "\" for task '" + task + "'"));
                }
            }
        }
        Object features = params.get("features");
        if (features != null) {
            if (!(features instanceof List<?> list) || list.isEmpty()) {
                out.add(new Violation("dataset.params.features", "must list the feature columns (omit it for every "
                        + "column that is not a target)"));
            } else {
                Set<Object> seen = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    String field = "dataset.params.features[" + i + "]";
                    if (!(list.get(i) instanceof String name) || name.isBlank()) {
                        out.add(new Violation(field, "must be a column name"));
                    } else if (!seen.add(name)) {
                        out.add(new Violation(field, "duplicate column '" + name + "'"));
                    } else if (targetNames.contains(name)) {
                        out.add(new Violation(field, "'" + name + "' is a target column"));
                    }
                }
            }
        }
        double validation = fraction(out, params, "validationFraction", CsvTaskData.DEFAULT_VALIDATION_FRACTION, true);
        double test = fraction(out, params, "testFraction", CsvTaskData.DEFAULT_TEST_FRACTION, false);
        if (validation + test >= 1) {
            out.add(new Violation("dataset.params.testFraction", "validationFraction + testFraction must be below 1"));
        }
        if (params.containsKey("seed")) {
            integral(out, "dataset.params.seed", params.get("seed"), Long.MIN_VALUE, Long.MAX_VALUE);
        }
    }

    private static void idx(StudySpec spec, Map<String, Object> params, List<Violation> out) {
        Set<String> allowed = Set.of("images", "testImages", "labels", "validationFraction", "testFraction", "seed",
                "standardise");
        unknown(params, allowed, out);
        file(params, "images", true, "the IDX image file (unsigned bytes, n × rows × cols)", out);
        boolean testFiles = file(params, "testImages", false, "the IDX test image file", out);
        if (testFiles && params.containsKey("testFraction")) {
            out.add(new Violation("dataset.params.testFraction", "does not apply with testImages (the test split is the "
                    + "test files)"));
        }
        labels(spec, params, testFiles ? Boolean.TRUE : Boolean.FALSE, "an IDX label file (1 dimension, n entries)", out);
        splitAndScaling(params, out);
    }

    private static void imageFolder(StudySpec spec, Map<String, Object> params, List<Violation> out) {
        Set<String> allowed = Set.of("path", "labels", "width", "height", "validationFraction", "testFraction", "seed",
                "standardise");
        unknown(params, allowed, out);
        file(params, "path", true, "the folder of PNG or JPEG images", out);
        for (String key : List.of("width", "height")) {
            if (params.containsKey(key)) {
                integral(out, "dataset.params." + key, params.get(key), 1, 4096);
            }
        }
        if (params.containsKey("width") != params.containsKey("height")) {
            String missing = params.containsKey("width") ? "height" : "width";
            out.add(new Violation("dataset.params." + missing, "is required with dataset.params."
                    + (missing.equals("width") ? "height" : "width")));
        }
        labels(spec, params, null, "a CSV file with the header 'file,label' and a line per image", out);
        splitAndScaling(params, out);
    }

    private static void unknown(Map<String, Object> params, Set<String> allowed, List<Violation> out) {
        for (String key : params.keySet()) {
            if (!allowed.contains(key)) {
                out.add(new Violation("dataset.params." + key, "unknown parameter; known: " + sorted(allowed)));
            }
        }
    }

    /** Whether {@code key} is given; a violation when it is required and missing, or not a file name. */
    private static boolean file(Map<String, Object> params, String key, boolean required, String what,
                                List<Violation> out) {
        Object value = params.get(key);
        if (value == null) {
            if (required) {
                out.add(new Violation("dataset.params." + key, "is required: " + what + ", as the trainers see it"));
            }
            return false;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            out.add(new Violation("dataset.params." + key, "must be a file name: " + what));
        }
        return true;
    }

    /**
     * {@code labels}: per task {@code path}, {@code kind}, optional {@code classes}; {@code testPath} required when
     * {@code testFiles} is true, refused when false, unknown when null (a kind without test files).
     */
    private static void labels(StudySpec spec, Map<String, Object> params, Boolean testFiles, String what,
                               List<Violation> out) {
        String kinds = "\"" + ImageTaskData.CLASSIFICATION + "\" or \"" + ImageTaskData.REGRESSION + "\"";
        if (!(params.get("labels") instanceof Map<?, ?> labels)) {
            out.add(new Violation("dataset.params.labels", "is required: per task, {\"path\": " + what + ", \"kind\": "
                    + kinds + "}"));
            return;
        }
        List<String> tasks = spec.tasks() == null ? List.of() : spec.tasks().stream()
                .map(t -> t == null ? null : t.name()).toList();
        Set<String> keys = testFiles == null ? Set.of("path", "kind", "classes")
                : Set.of("path", "kind", "classes", "testPath");
        for (var entry : labels.entrySet()) {
            String name = String.valueOf(entry.getKey());
            String field = "dataset.params.labels." + name;
            if (!tasks.contains(name)) {
                out.add(new Violation(field, "is not one of the tasks " + tasks));
                continue;
            }
            if (!(entry.getValue() instanceof Map<?, ?> label)) {
                out.add(new Violation(field, "must be {\"path\": " + what + ", \"kind\": " + kinds + "}"));
                continue;
            }
            for (Object key : label.keySet()) {
                if (!keys.contains(String.valueOf(key))) {
                    out.add(new Violation(field + "." + key, "unknown; known: " + sorted(keys)));
                }
            }
            if (!(label.get("path") instanceof String path) || path.isBlank()) {
                out.add(new Violation(field + ".path", "is required: " + what));
            }
            String kind = label.get("kind") instanceof String k ? k.toLowerCase(Locale.ROOT) : null;
            if (!ImageTaskData.CLASSIFICATION.equals(kind) && !ImageTaskData.REGRESSION.equals(kind)) {
                out.add(new Violation(field + ".kind", "must be " + kinds));
            } else if (label.get("classes") != null) {
                if (ImageTaskData.REGRESSION.equals(kind)) {
                    out.add(new Violation(field + ".classes", "applies to classification only"));
                } else {
                    integral(out, field + ".classes", label.get("classes"), 2, 1_000_000);
                }
            }
            if (Boolean.TRUE.equals(testFiles) && !(label.get("testPath") instanceof String test && !test.isBlank())) {
                out.add(new Violation(field + ".testPath", "is required with testImages: the task's labels of the "
                        + "test images"));
            } else if (Boolean.FALSE.equals(testFiles) && label.get("testPath") != null) {
                out.add(new Violation(field + ".testPath", "needs dataset.params.testImages"));
            }
        }
        for (String task : tasks) {
            if (task != null && !labels.containsKey(task)) {
                out.add(new Violation("dataset.params.labels." + task, "is required: {\"path\": " + what
                        + ", \"kind\": " + kinds + "} for task '" + task + "'"));
            }
        }
    }

    private static void splitAndScaling(Map<String, Object> params, List<Violation> out) {
        double validation = fraction(out, params, "validationFraction", ImageTaskData.DEFAULT_VALIDATION_FRACTION, true);
        double test = fraction(out, params, "testFraction", ImageTaskData.DEFAULT_TEST_FRACTION, false);
        if (validation + test >= 1) {
            out.add(new Violation("dataset.params.testFraction", "validationFraction + testFraction must be below 1"));
        }
        if (params.containsKey("seed")) {
            integral(out, "dataset.params.seed", params.get("seed"), Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (params.containsKey("standardise") && !(params.get("standardise") instanceof Boolean)) {
            out.add(new Violation("dataset.params.standardise", "must be true or false"));
        }
    }

    /**
     * The model against the data (its own fields are checked by {@link ModelKinds#validate}): a kind that reads images
     * needs an image dataset of at least its minimum side; where the spec fixes the data's shape, the kind must build
     * over it (a TorchScript trunk's {@code inputShape} must hold the dataset's features).
     */
    static void model(StudySpec spec, List<Violation> out) {
        ModelKind kind = ModelKinds.of(spec.model().kind());
        int before = out.size();
        if (kind.needsImages()) {
            if (spec.dataset() != null && spec.dataset().kind() != null && !IMAGE_KINDS.contains(kind(spec.dataset()))) {
                out.add(new Violation("model.kind", kind.name() + " needs image data: dataset kind one of "
                        + sorted(IMAGE_KINDS)));
            }
            int minSide = kind.minImageSide();
            int[] size = declaredImageSize(spec);
            if (size != null && (size[0] < minSide || size[1] < minSide)) {
                out.add(new Violation("model.kind", kind.name() + " needs images of at least " + minSide + "×"
                        + minSide + " pixels, the dataset declares " + size[1] + "×" + size[0]));
            }
        }
        DataShape shape = out.size() == before ? declaredShape(spec) : null;
        if (shape != null) {
            try {
                kind.architecture(spec.model(), shape);
            } catch (IllegalArgumentException e) {
                out.add(new Violation(TorchScriptKind.NAME.equals(kind.name()) ? "model.inputShape" : "model.kind",
                        e.getMessage()));
            }
        }
    }

    /** The shape of a sample when the spec fixes it (declared images, a CSV's feature list, the synthetic dimension). */
    static DataShape declaredShape(StudySpec spec) {
        if (spec.dataset() == null) {
            return null;
        }
        int[] image = declaredImageSize(spec);
        switch (String.valueOf(kind(spec.dataset()))) {
            case MULTI_FASHION, IMAGE_FOLDER, IDX -> {
                return image == null ? null : new DataShape(image[0] * image[1], image);
            }
            case CSV -> {
                Object features = spec.dataset().params() == null ? null : spec.dataset().params().get("features");
                return features instanceof List<?> list && !list.isEmpty() ? new DataShape(list.size(), null) : null;
            }
            default -> {
                int dimension = (int) spec.dataset().number("dimension", 100);
                return dimension < 1 ? null : new DataShape(dimension, null);
            }
        }
    }

    /** The model's trunk over the declared data, or null when the spec alone does not fix it. */
    static Architecture architecture(StudySpec spec) {
        if (spec.model() == null) {
            return null;
        }
        ModelKind kind = ModelKinds.find(spec.model().kind()).orElse(null);
        DataShape shape = declaredShape(spec);
        if (kind == null || shape == null) {
            return null;
        }
        try {
            return kind.architecture(spec.model(), shape);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * {@code {rows, cols}} of the images when the spec fixes them (MultiFashion's canvas, an image folder's declared
     * width and height), else null.
     */
    static int[] declaredImageSize(StudySpec spec) {
        String kind = String.valueOf(kind(spec.dataset()));
        if (MULTI_FASHION.equals(kind)) {
            return new int[] {FASHION_SIDE, FASHION_SIDE};
        }
        Map<String, Object> params = spec.dataset().params();
        if (IMAGE_FOLDER.equals(kind) && params != null && params.get("width") instanceof Number w
                && params.get("height") instanceof Number h) {
            return new int[] {h.intValue(), w.intValue()};
        }
        return null;
    }

    /**
     * Parameters of the shared trunk ({@link Architecture#sharedParameters()} of the model's kind over the data); -1
     * when the input size is only known from the files (a CSV without a {@code features} list, IDX images, an image
     * folder without a declared size).
     */
    static long sharedParameterCount(StudySpec spec) {
        Architecture architecture = architecture(spec);
        return architecture == null ? -1 : architecture.sharedParameters();
    }

    private static double fraction(List<Violation> out, Map<String, Object> params, String key, double fallback,
                                   boolean zeroAllowed) {
        Object value = params.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n) || !(zeroAllowed ? n.doubleValue() >= 0 : n.doubleValue() > 0)
                || !(n.doubleValue() < 1)) {
            out.add(new Violation("dataset.params." + key, "must be a fraction in " + (zeroAllowed ? "[0, 1)" : "(0, 1)")));
            return 0;
        }
        return n.doubleValue();
    }

    private static void integral(List<Violation> out, String field, Object value, long min, long max) {
        if (!(value instanceof Number n) || !(n instanceof Integer || n instanceof Long || n instanceof Short
                || n instanceof java.math.BigInteger || n.doubleValue() == Math.rint(n.doubleValue()))
                || !Double.isFinite(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            out.add(new Violation(field, "must be an integer" + (min == Long.MIN_VALUE ? "" : " in [" + min + ", " + max + "]")));
        }
    }

    private static void integral(List<Violation> out, String field, double value, int min, int max) {
        if (value != Math.rint(value) || value < min || value > max) {
            out.add(new Violation(field, "must be an integer in [" + min + ", " + max + "]"));
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
