package org.mtlab.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * MultiFashion, the two-task image benchmark of Pareto MTL (Lin, Zhen, Li, Zhang, Kwong: "Pareto Multi-Task
 * Learning", NeurIPS 2019; reused by EPO and Pareto HyperNetworks), built from Fashion-MNIST (Xiao, Rasul, Vollgraf
 * 2017): two different clothing items on one 36×36 canvas, one at the top left and one at the bottom right, each
 * shifted by up to 4 pixels towards the centre; task {@code left} classifies the top-left item, task {@code right}
 * the bottom-right one, 10 classes each ({@link #CLASS_NAMES}). The paper uses 120,000 training and 20,000 test
 * images ({@link Params#DEFAULT}).
 *
 * <p><b>Construction</b> (mtlab's, deterministic from {@link Params#seed()}; the paper publishes no generator):
 * <ul>
 *   <li>Sources: the test split is composed from Fashion-MNIST's 10,000 test images only. The 60,000 training images
 *       are split by a seeded permutation: the first 10% are the validation split's sources, the rest the training
 *       split's, so no image appears in two splits.</li>
 *   <li>Per split, sample i takes as its top-left item the source at position {@code i mod m} of a seeded
 *       permutation of the split's m sources, drawn afresh every m samples (each source is the top-left item equally
 *       often), and as its bottom-right item a source drawn uniformly among the other m − 1.</li>
 *   <li>A 28×28 item on a 36×36 canvas can sit at offsets 0..8 on each axis: the top-left item is placed at row and
 *       column offsets drawn uniformly from 0..4, the bottom-right item at 8 − (0..4), i.e. 4..8, independently per
 *       axis. Where the two items overlap a pixel takes the larger of the two intensities (as MultiMNIST's overlays
 *       do); pixels are scaled to [0, 1].</li>
 * </ul>
 * Composites are not stored: a split keeps per sample the two source indices and four offsets and draws the image on
 * request ({@link Split#image}), so the paper's 120,000 training images cost a few megabytes instead of 600.
 *
 * <p><b>Data files.</b> The four Fashion-MNIST IDX files ({@code train-images-idx3-ubyte}, {@code
 * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}; gzip-compressed with
 * {@code .gz} or plain; {@code .idx3-ubyte} spellings accepted too) are read from {@link #directory()}: the system
 * property {@value #DIRECTORY_PROPERTY}, else the environment variable {@value #DIRECTORY_ENV}, else
 * {@code /usr/share/datasets/fashion-mnist}, where the Debian package {@value #DEBIAN_PACKAGE} installs them. Missing
 * files are an {@link IllegalStateException} that says so, a malformed file an {@link IllegalArgumentException} naming
 * it ({@link IdxReader} reads them). Items of another size than 28×28 give a canvas of the item size plus 8 on each
 * axis.
 */
public final class MultiFashion {
    public static final String KIND = "multi-fashion";
    public static final List<String> TASKS = List.of("left", "right");
    public static final int CLASSES = 10;
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** The largest shift of an item from its corner towards the centre, in pixels. */
    public static final int MAX_SHIFT = 4;
    /** Canvas side for Fashion-MNIST's 28×28 items. */
    public static final int CANVAS = 28 + 2 * MAX_SHIFT;
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String DIRECTORY_PROPERTY = "mtlab.datasets.fashion-mnist";
    public static final String DIRECTORY_ENV = "MTLAB_FASHION_MNIST_DIR";
    /** Share of the Fashion-MNIST training images that are the validation split's sources. */
    public static final double VALIDATION_SOURCE_FRACTION = 0.1;

    private static final long HOLDOUT_STREAM = 0x6d66686f6cL;
    private static final long[] SPLIT_STREAMS = {0x6d66747261L, 0x6d6676616cL, 0x6d66746573L};

    /**
     * Dataset parameters, named as in {@code StudySpec.DatasetSpec.params}.
     *
     * @param trainSamples      composites in the training split
     * @param validationSamples composites in the validation split (0 for none)
     * @param testSamples       composites in the test split
     * @param seed              data seed (independent of a run's training seed)
     */
    public record Params(int trainSamples, int validationSamples, int testSamples, long seed) {
        public static final Params DEFAULT = new Params(120_000, 10_000, 20_000, 0);

        public Params {
            if (trainSamples < 1 || testSamples < 1 || validationSamples < 0) {
                throw new IllegalArgumentException("trainSamples and testSamples must be positive and "
                        + "validationSamples not negative, got " + trainSamples + ", " + validationSamples + ", "
                        + testSamples);
            }
        }
    }

    /**
     * The images and labels of one IDX file pair: {@code pixels} row-major, {@code count × rows × cols} unsigned bytes;
     * {@code labels} one class 0..9 per image. Arrays are shared: treat them as read-only.
     */
    public record Images(int count, int rows, int cols, byte[] pixels, byte[] labels) {
        public int label(int image) {
            return labels[image];
        }
    }

    /**
     * One split. Sample s shows source image {@code left[s]} at offset ({@code leftRow[s]}, {@code leftCol[s]}) and
     * {@code right[s]} at ({@code rightRow[s]}, {@code rightCol[s]}); its labels are those two images' classes.
     */
    public static final class Split {
        private final Images source;
        private final int size;
        private final int rows;
        private final int cols;
        private final int[] left;
        private final int[] right;
        private final byte[] offsets; // per sample: leftRow, leftCol, rightRow, rightCol
        private final int[][] labels;

        Split(Images source, int size, int[] left, int[] right, byte[] offsets) {
            this.source = source;
            this.size = size;
            this.rows = source.rows() + 2 * MAX_SHIFT;
            this.cols = source.cols() + 2 * MAX_SHIFT;
            this.left = left;
            this.right = right;
            this.offsets = offsets;
            this.labels = new int[2][size];
            for (int s = 0; s < size; s++) {
                labels[0][s] = source.label(left[s]);
                labels[1][s] = source.label(right[s]);
            }
        }

        public int size() {
            return size;
        }

        /** Canvas height (36 for Fashion-MNIST). */
        public int rows() {
            return rows;
        }

        /** Canvas width (36 for Fashion-MNIST). */
        public int cols() {
            return cols;
        }

        /** Pixels per image: rows × cols. */
        public int dimension() {
            return rows * cols;
        }

        /** The class of task t's item in a sample (task 0 {@code left}, 1 {@code right}). */
        public int label(int task, int sample) {
            return labels[task][sample];
        }

        /** Per task, the classes of all samples (shared: read-only). */
        public int[][] labels() {
            return labels;
        }

        /** Index, in the split's Fashion-MNIST source file, of the top-left item of a sample. */
        public int leftImage(int sample) {
            return left[sample];
        }

        /** Index, in the split's Fashion-MNIST source file, of the bottom-right item of a sample. */
        public int rightImage(int sample) {
            return right[sample];
        }

        /** Offsets of a sample's items on the canvas: leftRow, leftCol, rightRow, rightCol. */
        public int[] offsets(int sample) {
            return new int[] {offsets[4 * sample], offsets[4 * sample + 1], offsets[4 * sample + 2],
                    offsets[4 * sample + 3]};
        }

        /** Draws a sample, row-major, pixels in [0, 1], into {@code out} from {@code offset} ({@link #dimension()} values). */
        public void image(int sample, float[] out, int offset) {
            java.util.Arrays.fill(out, offset, offset + rows * cols, 0f);
            draw(left[sample], offsets[4 * sample], offsets[4 * sample + 1], out, offset);
            draw(right[sample], offsets[4 * sample + 2], offsets[4 * sample + 3], out, offset);
        }

        /** All samples drawn, row-major n × {@link #dimension()} (for small splits: 5 KB per sample). */
        public float[] features() {
            float[] all = new float[Math.multiplyExact(size, dimension())];
            for (int s = 0; s < size; s++) {
                image(s, all, s * dimension());
            }
            return all;
        }

        private void draw(int image, int top, int leftEdge, float[] out, int offset) {
            int h = source.rows();
            int w = source.cols();
            byte[] pixels = source.pixels();
            int base = image * h * w;
            for (int r = 0; r < h; r++) {
                int row = offset + (top + r) * cols + leftEdge;
                for (int c = 0; c < w; c++) {
                    float v = (pixels[base + r * w + c] & 0xff) / 255f;
                    if (v > out[row + c]) {
                        out[row + c] = v;
                    }
                }
            }
        }
    }

    private final Params params;
    private final Split train;
    private final Split validation;
    private final Split test;

    private MultiFashion(Params params, Split train, Split validation, Split test) {
        this.params = params;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /** The Fashion-MNIST directory: {@value #DIRECTORY_PROPERTY}, {@value #DIRECTORY_ENV}, or the Debian path. */
    public static Path directory() {
        String property = System.getProperty(DIRECTORY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv(DIRECTORY_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return DEFAULT_DIRECTORY;
    }

    /** Reads Fashion-MNIST from {@code directory} and builds the dataset. */
    public static MultiFashion build(Path directory, Params params) {
        return build(read(directory, true), read(directory, false), params);
    }

    /** Builds the dataset from Fashion-MNIST's training and test images. */
    public static MultiFashion build(Images trainImages, Images testImages, Params p) {
        Objects.requireNonNull(p, "params");
        if (trainImages.rows() != testImages.rows() || trainImages.cols() != testImages.cols()) {
            throw new IllegalArgumentException("training images are " + trainImages.rows() + "×" + trainImages.cols()
                    + ", test images " + testImages.rows() + "×" + testImages.cols());
        }
        int[] order = Shuffle.permutation(trainImages.count(), mix(p.seed(), HOLDOUT_STREAM));
        int holdout = p.validationSamples() == 0 ? 0
                : Math.max(2, (int) Math.round(trainImages.count() * VALIDATION_SOURCE_FRACTION));
        int[] validationSources = java.util.Arrays.copyOfRange(order, 0, holdout);
        int[] trainSources = java.util.Arrays.copyOfRange(order, holdout, order.length);
        java.util.Arrays.sort(validationSources);
        java.util.Arrays.sort(trainSources);
        int[] testSources = new int[testImages.count()];
        for (int i = 0; i < testSources.length; i++) {
            testSources[i] = i;
        }
        Split train = compose(trainImages, trainSources, p.trainSamples(), mix(p.seed(), SPLIT_STREAMS[0]), "training");
        Split validation = compose(trainImages, validationSources, p.validationSamples(), mix(p.seed(), SPLIT_STREAMS[1]),
                "validation");
        Split test = compose(testImages, testSources, p.testSamples(), mix(p.seed(), SPLIT_STREAMS[2]), "test");
        return new MultiFashion(p, train, validation, test);
    }

    private static Split compose(Images images, int[] sources, int n, long seed, String split) {
        int m = sources.length;
        if (n > 0 && m < 2) {
            throw new IllegalArgumentException("the " + split + " split needs at least 2 source images, has " + m);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] left = new int[n];
        int[] right = new int[n];
        byte[] offsets = new byte[4 * n];
        int[] order = null;
        int vertical = 2 * MAX_SHIFT;
        for (int s = 0; s < n; s++) {
            if (s % m == 0) {
                order = Shuffle.permutation(m, random);
            }
            int position = order[s % m];
            int other = random.nextInt(m - 1);
            if (other >= position) {
                other++;
            }
            left[s] = sources[position];
            right[s] = sources[other];
            offsets[4 * s] = (byte) random.nextInt(MAX_SHIFT + 1);
            offsets[4 * s + 1] = (byte) random.nextInt(MAX_SHIFT + 1);
            offsets[4 * s + 2] = (byte) (vertical - random.nextInt(MAX_SHIFT + 1));
            offsets[4 * s + 3] = (byte) (vertical - random.nextInt(MAX_SHIFT + 1));
        }
        return new Split(images, n, left, right, offsets);
    }

    /**
     * Reads Fashion-MNIST's training ({@code train-*}) or test ({@code t10k-*}) images and labels from a directory.
     *
     * @throws IllegalStateException when a file is missing, naming it and the Debian package that provides it
     */
    public static Images read(Path directory, boolean training) {
        String prefix = training ? "train" : "t10k";
        return readIdx(find(directory, prefix + "-images", "idx3-ubyte"),
                find(directory, prefix + "-labels", "idx1-ubyte"));
    }

    private static Path find(Path directory, String stem, String type) {
        List<String> tried = new ArrayList<>();
        for (String name : List.of(stem + "-" + type, stem + "." + type)) {
            for (String suffix : List.of(".gz", "")) {
                Path candidate = directory.resolve(name + suffix);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
                tried.add(name + suffix);
            }
        }
        throw new IllegalStateException("Fashion-MNIST not found: " + directory + " has none of " + tried
                + ". Install the Debian package " + DEBIAN_PACKAGE + " (apt-get install " + DEBIAN_PACKAGE
                + ", which puts the IDX files under " + DEFAULT_DIRECTORY + ") or point the system property "
                + DIRECTORY_PROPERTY + " or the environment variable " + DIRECTORY_ENV
                + " at a directory holding the four Fashion-MNIST IDX files (gzip or plain)");
    }

    /**
     * Reads an IDX image file (unsigned bytes, 3 dimensions) and its label file (one class 0..9 per image), gzip or
     * plain by content, with {@link IdxReader}: a malformed file is an {@link IllegalArgumentException} naming it.
     */
    public static Images readIdx(Path imageFile, Path labelFile) {
        IdxReader.IdxFile images = IdxReader.images(imageFile, "Fashion-MNIST images");
        double[] values = IdxReader.labels(labelFile, "Fashion-MNIST labels", images.count(), imageFile,
                "Fashion-MNIST images");
        byte[] labels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || values[i] < 0 || values[i] >= CLASSES) {
                throw new IllegalArgumentException(labelFile + ": label " + ImageTaskData.format(values[i]) + " of image " + i
                        + " is not a class 0.." + (CLASSES - 1));
            }
            labels[i] = (byte) values[i];
        }
        return new Images(images.count(), images.dims()[1], images.dims()[2], images.bytes(), labels);
    }

    private static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public List<String> tasks() {
        return TASKS;
    }

    /** Index of a task ({@code left} 0, {@code right} 1). */
    public int taskIndex(String task) {
        int i = TASKS.indexOf(task);
        if (i < 0) {
            throw new IllegalArgumentException("unknown task '" + task + "'; MultiFashion has " + TASKS);
        }
        return i;
    }

    public Params params() {
        return params;
    }

    public Split train() {
        return train;
    }

    public Split validation() {
        return validation;
    }

    public Split test() {
        return test;
    }
}
