package org.mtlab.core.data;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Common image corruptions in the spirit of Hendrycks &amp; Dietterich ("Benchmarking Neural Network Robustness to
 * Common Corruptions and Perturbations", ICLR 2019), applied on the fly to single-channel images with pixels in [0, 1],
 * at severities 1..5 with the constants of their CIFAR-10-C generator ({@code make_cifar_c.py}; CIFAR's 32×32 images
 * are the size of MultiFashion's 36×36 canvas):
 * <ul>
 *   <li>{@code gaussian_noise}: x + N(0, σ²) per pixel, clipped to [0, 1]; σ = 0.04, 0.06, 0.08, 0.09, 0.10.</li>
 *   <li>{@code gaussian_blur}: a Gaussian filter of standard deviation σ = 0.4, 0.6, 0.7, 0.8, 1.0 pixels (kernel
 *       truncated at 4σ, edges extended with the nearest pixel, as scikit-image's {@code gaussian} does).</li>
 *   <li>{@code contrast}: (x − mean) · c + mean with the image's mean, c = 0.75, 0.5, 0.4, 0.3, 0.15, clipped.</li>
 *   <li>{@code pixelate}: scaled down to ⌊size · c⌋ pixels per side (bilinear) and back up (nearest neighbour), c =
 *       0.95, 0.9, 0.85, 0.75, 0.65 — with the JDK's {@link AffineTransformOp} on an 8-bit grey image.</li>
 * </ul>
 * The blur is written here because the JDK's {@link java.awt.image.ConvolveOp} has only zero-fill or untouched borders,
 * which would darken (or leave sharp) the edge rows where MultiFashion's items sit; scaling uses the JDK's own code.
 * The noise of sample i is drawn from a stream seeded by (seed, type, severity, i): every run, and every evaluation of a
 * run, sees the same corrupted images, whatever order it reads them in.
 */
public final class Corruptions {
    public static final List<String> TYPES = List.of("gaussian_noise", "gaussian_blur", "contrast", "pixelate");
    public static final int MAX_SEVERITY = 5;
    /** Prefix of the split name that evaluation metrics on a corrupted test split carry. */
    public static final String SPLIT_PREFIX = "corrupted:";

    private static final double[] NOISE = {0.04, 0.06, 0.08, 0.09, 0.10};
    private static final double[] BLUR = {0.4, 0.6, 0.7, 0.8, 1.0};
    private static final double[] CONTRAST = {0.75, 0.5, 0.4, 0.3, 0.15};
    private static final double[] PIXELATE = {0.95, 0.9, 0.85, 0.75, 0.65};

    private Corruptions() {
    }

    /** The constant of a corruption at a severity (σ, contrast factor or scale), from the table above. */
    public static double parameter(String type, int severity) {
        if (severity < 1 || severity > MAX_SEVERITY) {
            throw new IllegalArgumentException("severity must be 1.." + MAX_SEVERITY + ", got " + severity);
        }
        return switch (type) {
            case "gaussian_noise" -> NOISE[severity - 1];
            case "gaussian_blur" -> BLUR[severity - 1];
            case "contrast" -> CONTRAST[severity - 1];
            case "pixelate" -> PIXELATE[severity - 1];
            default -> throw new IllegalArgumentException("unknown corruption '" + type + "'; known: " + TYPES);
        };
    }

    /** The split name metrics on a corrupted test split carry, e.g. {@code corrupted:contrast:3}. */
    public static String splitName(String type, int severity) {
        return SPLIT_PREFIX + type + ":" + severity;
    }

    /** A corrupted split's type and severity. */
    public record Corrupted(String type, int severity) {
    }

    /** The corruption a split name stands for, or null for any other split. */
    public static Corrupted parseSplit(String split) {
        if (split == null || !split.startsWith(SPLIT_PREFIX)) {
            return null;
        }
        String rest = split.substring(SPLIT_PREFIX.length());
        int colon = rest.lastIndexOf(':');
        if (colon < 1) {
            return null;
        }
        try {
            return new Corrupted(rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Corrupts one image in place.
     *
     * @param image  pixels in [0, 1], row-major, from {@code offset}
     * @param sample the sample's index in its split: with {@code seed}, what its noise is drawn from
     */
    public static void apply(String type, int severity, float[] image, int offset, int rows, int cols, long seed,
                             int sample) {
        double c = parameter(type, severity);
        switch (type) {
            case "gaussian_noise" -> noise(image, offset, rows * cols, c, streamSeed(seed, type, severity, sample));
            case "gaussian_blur" -> blur(image, offset, rows, cols, c);
            case "contrast" -> contrast(image, offset, rows * cols, c);
            case "pixelate" -> pixelate(image, offset, rows, cols, c);
            default -> throw new IllegalArgumentException("unknown corruption '" + type + "'");
        }
    }

    /** The test split seen through a corruption: features are corrupted copies, targets unchanged. */
    public static TaskData.Split corrupt(TaskData.Split split, int[] imageShape, String type, int severity, long seed) {
        parameter(type, severity);
        int rows = imageShape[0];
        int cols = imageShape[1];
        return new TaskData.Split() {
            @Override
            public int size() {
                return split.size();
            }

            @Override
            public void features(int sample, float[] out, int offset) {
                split.features(sample, out, offset);
                apply(type, severity, out, offset, rows, cols, seed, sample);
            }

            @Override
            public float target(int task, int sample) {
                return split.target(task, sample);
            }
        };
    }

    static long streamSeed(long seed, String type, int severity, int sample) {
        long h = seed * 0x9E3779B97F4A7C15L + type.hashCode();
        h = h * 0xBF58476D1CE4E5B9L + severity;
        h = h * 0x94D049BB133111EBL + sample;
        return h ^ (h >>> 31);
    }

    private static void noise(float[] x, int offset, int n, double sigma, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = offset; i < offset + n; i++) {
            x[i] = clip(x[i] + sigma * gaussian(random));
        }
    }

    /** A standard normal draw (Box–Muller; SplittableRandom has no nextGaussian before Java 17's RandomGenerator). */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static void contrast(float[] x, int offset, int n, double c) {
        double mean = 0;
        for (int i = offset; i < offset + n; i++) {
            mean += x[i];
        }
        mean /= n;
        for (int i = offset; i < offset + n; i++) {
            x[i] = clip((x[i] - mean) * c + mean);
        }
    }

    /** The normalised 1-D Gaussian kernel of standard deviation sigma, truncated at 4σ (radius ⌈4σ⌉ … as scikit-image). */
    static double[] gaussianKernel(double sigma) {
        int radius = (int) (4 * sigma + 0.5);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Separable Gaussian filter, edges extended with the nearest pixel. */
    private static void blur(float[] x, int offset, int rows, int cols, double sigma) {
        double[] k = gaussianKernel(sigma);
        int radius = k.length / 2;
        double[] tmp = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int j = -radius; j <= radius; j++) {
                    int cc = Math.min(cols - 1, Math.max(0, c + j));
                    s += k[j + radius] * x[offset + r * cols + cc];
                }
                tmp[r * cols + c] = s;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int j = -radius; j <= radius; j++) {
                    int rr = Math.min(rows - 1, Math.max(0, r + j));
                    s += k[j + radius] * tmp[rr * cols + c];
                }
                x[offset + r * cols + c] = (float) s;
            }
        }
    }

    private static void pixelate(float[] x, int offset, int rows, int cols, double scale) {
        int smallRows = Math.max(1, (int) (rows * scale));
        int smallCols = Math.max(1, (int) (cols * scale));
        BufferedImage full = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = full.getRaster();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                raster.setSample(c, r, 0, Math.round(clip(x[offset + r * cols + c]) * 255));
            }
        }
        BufferedImage small = new BufferedImage(smallCols, smallRows, BufferedImage.TYPE_BYTE_GRAY);
        new AffineTransformOp(AffineTransform.getScaleInstance((double) smallCols / cols, (double) smallRows / rows),
                AffineTransformOp.TYPE_BILINEAR).filter(full, small);
        BufferedImage back = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        new AffineTransformOp(AffineTransform.getScaleInstance((double) cols / smallCols, (double) rows / smallRows),
                AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(small, back);
        WritableRaster out = back.getRaster();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[offset + r * cols + c] = out.getSample(c, r, 0) / 255f;
            }
        }
    }

    private static float clip(double v) {
        return (float) Math.min(1, Math.max(0, v));
    }
}
