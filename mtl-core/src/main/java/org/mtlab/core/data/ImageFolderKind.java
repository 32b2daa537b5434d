package org.mtlab.core.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.model.DataShape;

/**
 * Kind {@value #NAME}: a folder of PNG or JPEG images with one label file per task.
 * <pre>
 * {"kind": "image-folder", "params": {
 *    "path": "/data/parts",                                   // the images: *.png, *.jpg, *.jpeg (not sub-folders)
 *    "labels": {"defect": {"path": "/data/defect.csv", "kind": "classification"},
 *               "wear":   {"path": "/data/wear.csv", "kind": "regression"}},
 *    "width": 36, "height": 36,                               // optional: the size every image must have
 *    "validationFraction": 0.1, "testFraction": 0.2, "seed": 0, "standardise": false}}
 * </pre>
 * The images are the folder's files ending in {@code .png}, {@code .jpg} or {@code .jpeg} (any case), in name order;
 * other files are ignored, so the label files may sit beside the images. All images must have one size, the declared
 * {@code width × height} when given, else the first image's: images are never resized.
 *
 * <p><b>Label file</b> (one per task, UTF-8): a header line {@code file,label}, then one line per image: the image's file
 * name in the folder, a comma, the label (a class index 0..classes−1 for classification, a number for regression).
 * The label is what follows the <em>last</em> comma, so file names may contain commas; surrounding double quotes around
 * the name are removed; blank lines are skipped. An image has at most one line in a label file; an image without one
 * has no label for that task (partial labels: NaN, left out of that task's loss and metrics).
 *
 * <p><b>Grayscale</b>: a gray image's sample is used as it is (8 or 16 bits, scaled to [0, 1]); a colour or palette image
 * becomes luma 0.299 R + 0.587 G + 0.114 B of its sRGB values (ITU-R BT.601, what Pillow's {@code convert("L")} does),
 * divided by 255. Alpha is ignored. Pixels, labels and splits otherwise as {@link ImageTaskData} describes.
 *
 * <p>Errors name the spec field, the file and, for label files, the line: a missing folder or label file
 * ({@link IllegalStateException}), an empty folder, an image that cannot be decoded, an image of another size, a wrong
 * header, a line naming no image of the folder or an image twice, a non-numeric label, a
 * label that is not a class index in range.
 */
public final class ImageFolderKind implements DatasetKind<ImageFolderKind.Params> {
    public static final String NAME = "image-folder";
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");
    public static final int MAX_SIDE = 4096;
    private static final String LABEL_FILE = "a CSV file with the header 'file,label' and a line per image";

    /**
     * The folder, the declared image size (both null when not declared) and what {@link ImageTaskData#common} reads.
     */
    public record Params(Path folder, Integer width, Integer height, ImageTaskData.Common common) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a folder of PNG or JPEG images with one label file per task";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("path", "the folder of PNG or JPEG images");
        p.put("labels", "per task, {\"path\": " + LABEL_FILE + ", \"kind\": \"classification\" or \"regression\", "
                + "\"classes\": optional}");
        p.put("width", "the width every image must have, 1 to " + MAX_SIDE + " (with height)");
        p.put("height", "the height every image must have, 1 to " + MAX_SIDE + " (with width)");
        ImageTaskData.describe(p, "");
        return p;
    }

    @Override
    public Params parse(StudySpec.DatasetSpec spec, List<String> tasks, List<Violation> out) {
        Map<String, Object> params = DatasetParams.of(spec);
        int before = out.size();
        DatasetParams.unknown(params, parameters().keySet(), out);
        Path folder = DatasetParams.file(params, "path", true, "the folder of PNG or JPEG images", out);
        long width = DatasetParams.integral(out, params, "width", -1, 1, MAX_SIDE);
        long height = DatasetParams.integral(out, params, "height", -1, 1, MAX_SIDE);
        if (params.containsKey("width") != params.containsKey("height")) {
            String missing = params.containsKey("width") ? "height" : "width";
            out.add(new Violation("dataset.params." + missing, "is required with dataset.params."
                    + (missing.equals("width") ? "height" : "width")));
        }
        ImageTaskData.Common common = ImageTaskData.common(params, tasks, null, LABEL_FILE, out);
        return out.size() > before ? null : new Params(folder, width < 0 ? null : (int) width,
                height < 0 ? null : (int) height, common);
    }

    @Override
    public boolean images() {
        return true;
    }

    /** The declared size, else null (the first image's). */
    @Override
    public DataShape shape(Params params) {
        return params.width() == null ? null
                : new DataShape(params.width() * params.height(), new int[] {params.height(), params.width()});
    }

    @Override
    public Map<String, TaskData.Kind> taskKinds(Params params, List<String> tasks) {
        return ImageTaskData.taskKinds(params.common());
    }

    /** Reads the images and each task's label file. */
    @Override
    public TaskData load(Params p, List<String> tasks) {
        Path folder = p.folder();
        Integer width = p.width();
        Integer height = p.height();
        ImageTaskData.Common common = p.common();
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("dataset.params.path: folder not found: " + folder);
        }
        List<Path> files = images(folder);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            index.put(files.get(i).getFileName().toString(), i);
        }

        List<TaskData.Task> taskList = new ArrayList<>();
        double[][] labels = new double[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            ImageTaskData.LabelSource source = common.labels().get(t);
            int[] lines = new int[files.size()];
            labels[t] = readLabels(source, folder, files, index, lines);
            IntFunction<String> where = i -> source.field() + " (" + source.path() + ") line " + lines[i];
            taskList.add(ImageTaskData.task(source, List.of(labels[t]), List.of(where)));
        }

        int rows = height == null ? -1 : height;
        int cols = width == null ? -1 : width;
        float[] pixels = null;
        String sizeFrom = "the declared dataset.params.width × height";
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            BufferedImage image = decode(file);
            if (rows < 0) {
                rows = image.getHeight();
                cols = image.getWidth();
                sizeFrom = "the first image, '" + file.getFileName() + "'";
            }
            if (image.getHeight() != rows || image.getWidth() != cols) {
                throw new IllegalArgumentException("dataset.params.path: image '" + file.getFileName() + "' in " + folder
                        + " is " + image.getWidth() + "×" + image.getHeight() + " (width × height), " + sizeFrom + " "
                        + cols + "×" + rows + "; all images must have one size (they are not resized)");
            }
            if (pixels == null) {
                pixels = new float[Math.multiplyExact(files.size(), rows * cols)];
            }
            gray(image, pixels, i * rows * cols);
        }
        int d = rows * cols;
        float[] all = pixels;
        ImageTaskData.Pixels pool = (image, out, offset) -> System.arraycopy(all, image * d, out, offset, d);
        return ImageTaskData.build(taskList, rows, cols, pool, files.size(), labels, null, 0, null, common,
                "dataset.params.path (" + folder + ")");
    }

    private static List<Path> images(Path folder) {
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(Files::isRegularFile).filter(f -> {
                String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
                return EXTENSIONS.stream().anyMatch(name::endsWith);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("dataset.params.path (" + folder + "): cannot list: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("dataset.params.path (" + folder + ") holds no image: no file ending in "
                    + String.join(", ", EXTENSIONS));
        }
        return files;
    }

    private static double[] readLabels(ImageTaskData.LabelSource source, Path folder, List<Path> files,
                                       Map<String, Integer> index, int[] lineOf) {
        ImageTaskData.requireFile(source.path(), source.field());
        List<String> lines;
        try {
            lines = Files.readAllLines(source.path(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(source.field() + " (" + source.path() + "): cannot read: " + e.getMessage(), e);
        }
        String where = source.field() + " (" + source.path() + ")";
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new IllegalArgumentException(where + " is empty: it needs the header 'file,label' and a line per image");
        }
        String header = lines.get(first).replace("\uFEFF", "").replace("\"", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!header.equals("file,label")) {
            throw new IllegalArgumentException(where + " line " + (first + 1) + ": the header must be 'file,label', got '"
                    + lines.get(first) + "'");
        }
        double[] labels = new double[files.size()];
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNumber = i + 1;
            int comma = line.lastIndexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException(where + " line " + lineNumber + ": expected 'file,label', got '"
                        + line + "'");
            }
            String name = unquote(line.substring(0, comma).trim());
            String label = line.substring(comma + 1).trim();
            Integer image = index.get(name);
            if (image == null) {
                throw new IllegalArgumentException(where + " line " + lineNumber + ": '" + name + "' is not an image in "
                        + "dataset.params.path (" + folder + ")");
            }
            if (lineOf[image] != 0) {
                throw new IllegalArgumentException(where + " line " + lineNumber + ": '" + name + "' is labelled twice "
                        + "(first on line " + lineOf[image] + ")");
            }
            double value;
            try {
                value = Double.parseDouble(label);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + " line " + lineNumber + ": label '" + label + "' of '" + name
                        + "' is not a number" + (source.kind() == TaskData.Kind.CLASSIFICATION
                        ? " (classification labels are class indices 0, 1, ...)" : ""));
            }
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException(where + " line " + lineNumber + ": label '" + label + "' of '" + name
                        + "' is not a number (leave the image's line out for a missing label)");
            }
            lineOf[image] = lineNumber;
            labels[image] = value;
        }
        for (int i = 0; i < files.size(); i++) {
            if (lineOf[i] == 0) {
                labels[i] = Double.NaN; // no line for this image: a missing label of the task (partial labels)
            }
        }
        return labels;
    }

    private static String unquote(String name) {
        return name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")
                ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name;
    }

    private static BufferedImage decode(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("dataset.params.path: image '" + file.getFileName() + "' ("
                    + file + ") cannot be read: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IllegalArgumentException("dataset.params.path: image '" + file.getFileName() + "' (" + file
                    + ") cannot be read: not a PNG or JPEG image this JVM can decode");
        }
        return image;
    }

    /** Writes an image's gray values in [0, 1], row-major, into {@code out} from {@code offset}. */
    static void gray(BufferedImage image, float[] out, int offset) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        boolean grayBands = !(image.getColorModel() instanceof IndexColorModel) && raster.getNumBands() <= 2;
        if (grayBands) {
            // read the gray sample itself: getRGB would convert the linear gray colour space to sRGB and brighten it
            double max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[offset + y * w + x] = (float) (raster.getSample(x, y, 0) / max);
                }
            }
            return;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                double luma = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
                out[offset + y * w + x] = (float) (luma / 255);
            }
        }
    }
}
