package org.mtlab.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A team's own data: a CSV file (comma-separated, first line the column names, RFC 4180 double quotes) with numeric
 * feature columns and one target column per task, each task a classification (any values; the distinct values are
 * the classes, numerically ordered when all are numbers, else alphabetically) or a regression (numbers).
 *
 * <p>Rows are shuffled by {@code seed} and split into test ({@code testFraction}, default 0.2), validation
 * ({@code validationFraction}, default 0.1) and training (the rest). Features are standardised with the mean and
 * standard deviation of the <em>training</em> split only (a constant column is only centred), so nothing of the
 * validation or test rows leaks into training. Regression targets are kept as they are, so errors are in the
 * target's own units.
 *
 * <p>Partial labels: an empty target cell is a missing label — the sample trains and is evaluated for the tasks whose
 * labels it has (the trainer averages a task's loss over the rows carrying its label); {@link #labelledCounts()} says
 * how many rows of each split carry each task's label, and every task needs at least one in the training split.
 *
 * <p>Problems in the file are {@link IllegalArgumentException}s that say where: a missing column (with the columns
 * the file has), a non-numeric or empty feature value (line and column), a row of the wrong length, an empty file, a
 * classification target with one class, too few rows for the splits. A missing file is an
 * {@link IllegalStateException}.
 */
public final class CsvTaskData implements TaskData {
    public static final String KIND = "csv";
    public static final String CLASSIFICATION = "classification";
    public static final String REGRESSION = "regression";
    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    private static final long SPLIT_STREAM = 0x637376_73706cL;

    /**
     * @param path               the CSV file
     * @param features           feature columns; empty for every column that is not a target
     * @param targets            per task (its target column has the task's name), {@link #CLASSIFICATION} or
     *                           {@link #REGRESSION}, in task order
     * @param validationFraction share of rows for validation, in [0, 1)
     * @param testFraction       share of rows for test, in (0, 1)
     * @param seed               split seed
     */
    public record Params(Path path, List<String> features, Map<String, String> targets, double validationFraction,
                         double testFraction, long seed) {
        public Params {
            features = List.copyOf(features);
            targets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targets));
            if (!(validationFraction >= 0 && testFraction > 0 && validationFraction + testFraction < 1)) {
                throw new IllegalArgumentException("validationFraction must lie in [0, 1) and testFraction in (0, 1), "
                        + "with a sum below 1; got " + validationFraction + " and " + testFraction);
            }
            for (var e : targets.entrySet()) {
                if (!CLASSIFICATION.equals(e.getValue()) && !REGRESSION.equals(e.getValue())) {
                    throw new IllegalArgumentException("dataset.params.targets." + e.getKey() + " must be '"
                            + CLASSIFICATION + "' or '" + REGRESSION + "', got '" + e.getValue() + "'");
                }
            }
        }
    }

    private final List<Task> tasks;
    private final List<String> featureColumns;
    private final List<List<String>> classNames;
    private final double[] featureMean;
    private final double[] featureScale;
    private final Part train;
    private final Part validation;
    private final Part test;

    private CsvTaskData(List<Task> tasks, List<String> featureColumns, List<List<String>> classNames,
                        double[] featureMean, double[] featureScale, Part train, Part validation, Part test) {
        this.tasks = tasks;
        this.featureColumns = featureColumns;
        this.classNames = classNames;
        this.featureMean = featureMean;
        this.featureScale = featureScale;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /** Reads and splits the file. */
    public static CsvTaskData read(Params p) {
        if (!Files.isRegularFile(p.path())) {
            throw new IllegalStateException("CSV file not found: " + p.path());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(p.path(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p.path() + ": " + e.getMessage(), e);
        }
        return parse(p, lines);
    }

    /** Parses the lines of a CSV file (what {@link #read} does after reading it). */
    static CsvTaskData parse(Params p, List<String> lines) {
        String file = p.path().toString();
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new IllegalArgumentException(file + " is empty: it needs a header line and data rows");
        }
        List<String> header = fields(stripBom(lines.get(first)), file, first + 1);
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            header.set(i, name);
            if (column.put(name, i) != null) {
                throw new IllegalArgumentException(file + ": column '" + name + "' appears twice in the header");
            }
        }
        List<String> featureColumns = new ArrayList<>(p.features());
        if (featureColumns.isEmpty()) {
            header.stream().filter(h -> !p.targets().containsKey(h)).forEach(featureColumns::add);
        }
        if (featureColumns.isEmpty()) {
            throw new IllegalArgumentException(file + " has no feature column besides the targets " + p.targets().keySet());
        }
        List<String> needed = new ArrayList<>(featureColumns);
        needed.addAll(p.targets().keySet());
        for (String name : needed) {
            if (!column.containsKey(name)) {
                throw new IllegalArgumentException(file + " has no column '" + name + "'; its columns are " + header);
            }
        }
        for (String name : featureColumns) {
            if (p.targets().containsKey(name)) {
                throw new IllegalArgumentException("column '" + name + "' cannot be both a feature and a target");
            }
        }

        List<List<String>> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int i = first + 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> row = fields(lines.get(i), file, i + 1);
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " has " + row.size()
                        + " fields, the header " + header.size());
            }
            rows.add(row);
            lineNumbers.add(i + 1);
        }
        int n = rows.size();
        if (n == 0) {
            throw new IllegalArgumentException(file + " has a header but no data rows");
        }
        int d = featureColumns.size();
        float[] x = new float[n * d];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < d; k++) {
                x[s * d + k] = (float) number(rows.get(s).get(column.get(featureColumns.get(k))), file,
                        lineNumbers.get(s), featureColumns.get(k));
            }
        }
        List<Task> tasks = new ArrayList<>();
        List<List<String>> classNames = new ArrayList<>();
        float[][] y = new float[p.targets().size()][n];
        int t = 0;
        for (var target : p.targets().entrySet()) {
            String name = target.getKey();
            int col = column.get(name);
            if (REGRESSION.equals(target.getValue())) {
                for (int s = 0; s < n; s++) {
                    String cell = rows.get(s).get(col);
                    y[t][s] = cell.isBlank() ? Float.NaN : (float) number(cell, file, lineNumbers.get(s), name);
                }
                tasks.add(Task.regression(name));
                classNames.add(List.of());
            } else {
                List<String> classes = classes(rows, col, file, lineNumbers, name);
                Map<String, Integer> index = new HashMap<>();
                for (int c = 0; c < classes.size(); c++) {
                    index.put(classes.get(c), c);
                }
                for (int s = 0; s < n; s++) {
                    String cell = rows.get(s).get(col).trim();
                    y[t][s] = cell.isEmpty() ? Float.NaN : index.get(cell);
                }
                tasks.add(Task.classification(name, classes.size()));
                classNames.add(classes);
            }
            t++;
        }

        int nTest = (int) Math.round(n * p.testFraction());
        int nValidation = (int) Math.round(n * p.validationFraction());
        int nTrain = n - nTest - nValidation;
        if (nTest < 1 || nTrain < 1 || p.validationFraction() > 0 && nValidation < 1) {
            throw new IllegalArgumentException(file + " has " + n + " data rows: too few for a training, validation "
                    + "and test split with fractions " + p.validationFraction() + " and " + p.testFraction());
        }
        int[] order = Shuffle.permutation(n, p.seed() ^ SPLIT_STREAM);
        int[] trainRows = java.util.Arrays.copyOfRange(order, 0, nTrain);
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int k = 0; k < d; k++) {
            double sum = 0;
            for (int s : trainRows) {
                sum += x[s * d + k];
            }
            mean[k] = sum / nTrain;
            double squares = 0;
            for (int s : trainRows) {
                double e = x[s * d + k] - mean[k];
                squares += e * e;
            }
            double std = Math.sqrt(squares / nTrain);
            scale[k] = std > 0 ? std : 1;
        }
        Part train = part(x, y, d, trainRows, mean, scale);
        Part validation = part(x, y, d, java.util.Arrays.copyOfRange(order, nTrain, nTrain + nValidation), mean, scale);
        Part test = part(x, y, d, java.util.Arrays.copyOfRange(order, nTrain + nValidation, n), mean, scale);
        for (int task = 0; task < tasks.size(); task++) {
            if (train.labelled(task) == 0) {
                throw new IllegalArgumentException(file + ": target '" + tasks.get(task).name() + "' has no label in "
                        + "the training split (" + nTrain + " rows); give it labels or leave the task out");
            }
        }
        return new CsvTaskData(List.copyOf(tasks), List.copyOf(featureColumns), List.copyOf(classNames), mean, scale,
                train, validation, test);
    }

    @Override
    public List<Task> tasks() {
        return tasks;
    }

    @Override
    public int dimension() {
        return featureColumns.size();
    }

    @Override
    public int[] imageShape() {
        return null;
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

    /** Per split ({@code train}, {@code validation}, {@code test}) and task name, the rows carrying its label. */
    public Map<String, Map<String, Integer>> labelledCounts() {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        Map<String, Part> splits = new LinkedHashMap<>();
        splits.put("train", train);
        splits.put("validation", validation);
        splits.put("test", test);
        splits.forEach((split, part) -> {
            Map<String, Integer> perTask = new LinkedHashMap<>();
            for (int task = 0; task < tasks.size(); task++) {
                perTask.put(tasks.get(task).name(), part.labelled(task));
            }
            counts.put(split, perTask);
        });
        return counts;
    }

    public List<String> featureColumns() {
        return featureColumns;
    }

    /** The class values of a classification task in index order (empty for regression). */
    public List<String> classNames(int task) {
        return classNames.get(task);
    }

    /** Per feature, the training mean that standardisation subtracts. */
    public double[] featureMean() {
        return featureMean.clone();
    }

    /** Per feature, the training standard deviation that standardisation divides by (1 for a constant column). */
    public double[] featureScale() {
        return featureScale.clone();
    }

    /** One split: standardised features, targets, and the 0-based data-row index each sample came from. */
    public record Part(int size, int dimension, float[] x, float[][] y, int[] rows) implements Split {
        @Override
        public void features(int sample, float[] out, int offset) {
            System.arraycopy(x, sample * dimension, out, offset, dimension);
        }

        @Override
        public float target(int task, int sample) {
            return y[task][sample];
        }
    }

    private static Part part(float[] x, float[][] y, int d, int[] rows, double[] mean, double[] scale) {
        float[] features = new float[rows.length * d];
        float[][] targets = new float[y.length][rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < d; k++) {
                features[i * d + k] = (float) ((x[rows[i] * d + k] - mean[k]) / scale[k]);
            }
            for (int t = 0; t < y.length; t++) {
                targets[t][i] = y[t][rows[i]];
            }
        }
        return new Part(rows.length, d, features, targets, rows);
    }

    private static List<String> classes(List<List<String>> rows, int col, String file, List<Integer> lines, String name) {
        TreeSet<String> distinct = new TreeSet<>();
        boolean numeric = true;
        for (int s = 0; s < rows.size(); s++) {
            String v = rows.get(s).get(col).trim();
            if (v.isEmpty()) {
                continue; // a missing label
            }
            distinct.add(v);
            numeric &= parses(v);
        }
        if (distinct.size() < 2) {
            throw new IllegalArgumentException(file + ": classification target '" + name + "' has only one class "
                    + distinct + "; it needs at least two");
        }
        List<String> classes = new ArrayList<>(distinct);
        if (numeric) {
            classes.sort(Comparator.comparingDouble(Double::parseDouble));
        }
        return classes;
    }

    private static boolean parses(String v) {
        try {
            Double.parseDouble(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double number(String raw, String file, int line, String name) {
        String v = raw.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException(file + " line " + line + ", column '" + name
                    + "': the value is empty (missing values are not supported)");
        }
        double value;
        try {
            value = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line + ", column '" + name + "': '" + v
                    + "' is not a number");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(file + " line " + line + ", column '" + name + "': '" + v
                    + "' is not a finite number");
        }
        return value;
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /** Splits one line at commas outside double quotes; "" inside quotes is a quote. */
    private static List<String> fields(String line, String file, int lineNumber) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(file + " line " + lineNumber + " has an unclosed double quote");
        }
        out.add(field.toString());
        return out;
    }
}
