package org.mtlab.core.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.model.DataShape;

/**
 * {@code multi-fashion}: the {@link MultiFashion} benchmark, classification tasks {@code left} and {@code right} of 10
 * classes on 36×36 images; {@code params.path} is the Fashion-MNIST directory (default {@link MultiFashion#directory()}).
 */
public final class MultiFashionKind implements DatasetKind<MultiFashionKind.Params> {
    public static final String NAME = MultiFashion.KIND;
    public static final int MAX_SAMPLES = 1_000_000;

    /** The Fashion-MNIST directory and the composites to build. */
    public record Params(Path directory, MultiFashion.Params data) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "MultiFashion (Lin et al., NeurIPS 2019): two Fashion-MNIST items per 36×36 image, tasks left and right";
    }

    @Override
    public Map<String, String> parameters() {
        MultiFashion.Params d = MultiFashion.Params.DEFAULT;
        Map<String, String> p = new LinkedHashMap<>();
        p.put("path", "the directory holding the Fashion-MNIST IDX files (default " + MultiFashion.DEFAULT_DIRECTORY
                + ", Debian package " + MultiFashion.DEBIAN_PACKAGE + ")");
        p.put("trainSamples", "training composites, 1 to " + MAX_SAMPLES + " (default " + d.trainSamples() + ")");
        p.put("validationSamples", "validation composites, 0 to " + MAX_SAMPLES + " (default " + d.validationSamples()
                + ")");
        p.put("testSamples", "test composites, 1 to " + MAX_SAMPLES + " (default " + d.testSamples() + ")");
        p.put("seed", "data seed (default " + d.seed() + ")");
        return p;
    }

    @Override
    public Params parse(StudySpec.DatasetSpec spec, List<String> tasks, List<Violation> out) {
        Map<String, Object> params = DatasetParams.of(spec);
        int before = out.size();
        DatasetParams.unknown(params, parameters().keySet(), out);
        Path directory = MultiFashion.directory();
        Object path = params.get("path");
        if (path != null) {
            if (!(path instanceof String s) || s.isBlank()) {
                out.add(new Violation(DatasetParams.PREFIX + "path", "must be " + parameters().get("path")));
            } else {
                directory = DatasetParams.path(s, DatasetParams.PREFIX + "path", out);
            }
        }
        MultiFashion.Params d = MultiFashion.Params.DEFAULT;
        long train = DatasetParams.integral(out, params, "trainSamples", d.trainSamples(), 1, MAX_SAMPLES);
        long validation = DatasetParams.integral(out, params, "validationSamples", d.validationSamples(), 0,
                MAX_SAMPLES);
        long test = DatasetParams.integral(out, params, "testSamples", d.testSamples(), 1, MAX_SAMPLES);
        long seed = DatasetParams.seed(out, params);
        for (int i = 0; i < tasks.size(); i++) {
            String task = tasks.get(i);
            if (task != null && !MultiFashion.TASKS.contains(task)) {
                out.add(new Violation("tasks[" + i + "].name", NAME + " has the tasks " + MultiFashion.TASKS + ", got '"
                        + task + "'"));
            }
        }
        return out.size() > before ? null : new Params(directory, new MultiFashion.Params((int) train, (int) validation,
                (int) test, seed));
    }

    @Override
    public boolean images() {
        return true;
    }

    /** The canvas of Fashion-MNIST's 28×28 items (a directory of other item sizes gives another, told by the files). */
    @Override
    public DataShape shape(Params params) {
        return new DataShape(MultiFashion.CANVAS * MultiFashion.CANVAS,
                new int[] {MultiFashion.CANVAS, MultiFashion.CANVAS});
    }

    @Override
    public Map<String, TaskData.Kind> taskKinds(Params params, List<String> tasks) {
        Map<String, TaskData.Kind> kinds = new LinkedHashMap<>();
        tasks.forEach(t -> kinds.put(t, TaskData.Kind.CLASSIFICATION));
        return kinds;
    }

    @Override
    public TaskData load(Params params, List<String> tasks) {
        return taskData(MultiFashion.build(params.directory(), params.data()));
    }

    /** MultiFashion as two 10-class classification tasks on its canvas. */
    public static TaskData taskData(MultiFashion dataset) {
        List<TaskData.Task> tasks = MultiFashion.TASKS.stream()
                .map(t -> TaskData.Task.classification(t, MultiFashion.CLASSES)).toList();
        MultiFashion.Split any = dataset.train();
        return new SplitData(tasks, any.dimension(), new int[] {any.rows(), any.cols()}, split(dataset.train()),
                split(dataset.validation()), split(dataset.test()));
    }

    private static TaskData.Split split(MultiFashion.Split s) {
        return new TaskData.Split() {
            @Override
            public int size() {
                return s.size();
            }

            @Override
            public void features(int sample, float[] out, int offset) {
                s.image(sample, out, offset);
            }

            @Override
            public float target(int task, int sample) {
                return s.label(task, sample);
            }
        };
    }
}
