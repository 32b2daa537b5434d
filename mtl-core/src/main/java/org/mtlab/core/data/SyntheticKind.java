package org.mtlab.core.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.model.DataShape;

/** {@code synthetic}: the MMoE paper's generated regression data ({@link SyntheticMmoeDataset}), one task per study task. */
public final class SyntheticKind implements DatasetKind<SyntheticMmoeDataset.Params> {
    public static final String NAME = "synthetic";
    public static final int MIN_SAMPLES = 20;
    public static final int MAX_SAMPLES = 1_000_000;
    public static final int MAX_DIMENSION = 10_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "generated regression tasks of a set correlation (Ma et al., KDD 2018, generalised to T tasks)";
    }

    @Override
    public Map<String, String> parameters() {
        SyntheticMmoeDataset.Params d = SyntheticMmoeDataset.Params.DEFAULT;
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rho", "task correlation in [-1, 1] (default " + d.rho() + ")");
        p.put("dimension", "features per sample, 2 to " + MAX_DIMENSION + ", at least the number of tasks (default "
                + d.dimension() + ")");
        p.put("samples", "samples before the 80/10/10 split, " + MIN_SAMPLES + " to " + MAX_SAMPLES + " (default "
                + d.samples() + ")");
        p.put("seed", "data seed (default " + d.seed() + ")");
        p.put("scale", "norm of every task's weight vector, positive (default " + d.scale() + ")");
        return p;
    }

    @Override
    public SyntheticMmoeDataset.Params parse(StudySpec.DatasetSpec spec, List<String> tasks, List<Violation> out) {
        Map<String, Object> params = DatasetParams.of(spec);
        int before = out.size();
        Set<String> allowed = parameters().keySet();
        for (var entry : params.entrySet()) {
            String field = DatasetParams.PREFIX + entry.getKey();
            if (!allowed.contains(entry.getKey())) {
                out.add(new Violation(field, "unknown parameter; known: " + DatasetParams.sorted(allowed)));
            } else if (!(entry.getValue() instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                out.add(new Violation(field, "must be a finite number"));
            }
        }
        if (out.size() > before) {
            return null;
        }
        SyntheticMmoeDataset.Params d = SyntheticMmoeDataset.Params.DEFAULT;
        double rho = spec.number("rho", d.rho());
        if (rho < -1 || rho > 1) {
            out.add(new Violation(DatasetParams.PREFIX + "rho", "task correlation must lie in [-1, 1]"));
        }
        long dimension = DatasetParams.integral(out, params, "dimension", d.dimension(), 2, MAX_DIMENSION);
        long samples = DatasetParams.integral(out, params, "samples", d.samples(), MIN_SAMPLES, MAX_SAMPLES);
        double scale = spec.number("scale", d.scale());
        if (scale <= 0) {
            out.add(new Violation(DatasetParams.PREFIX + "scale", "must be positive"));
        }
        if (dimension < tasks.size()) {
            out.add(new Violation(DatasetParams.PREFIX + "dimension", "must be at least the number of tasks"));
        }
        return out.size() > before ? null : new SyntheticMmoeDataset.Params(rho, (int) dimension, (int) samples,
                (long) spec.number("seed", d.seed()), scale);
    }

    @Override
    public DataShape shape(SyntheticMmoeDataset.Params params) {
        return new DataShape(params.dimension(), null);
    }

    @Override
    public Map<String, TaskData.Kind> taskKinds(SyntheticMmoeDataset.Params params, List<String> tasks) {
        Map<String, TaskData.Kind> kinds = new LinkedHashMap<>();
        tasks.forEach(t -> kinds.put(t, TaskData.Kind.REGRESSION));
        return kinds;
    }

    @Override
    public TaskData load(SyntheticMmoeDataset.Params params, List<String> tasks) {
        return taskData(SyntheticMmoeDataset.generate(tasks, params));
    }

    /** The synthetic MMoE data as regression tasks. */
    public static TaskData taskData(SyntheticMmoeDataset dataset) {
        List<TaskData.Task> tasks = dataset.tasks().stream().map(TaskData.Task::regression).toList();
        return new SplitData(tasks, dataset.dimension(), null, split(dataset.train()), split(dataset.validation()),
                split(dataset.test()));
    }

    private static TaskData.Split split(SyntheticMmoeDataset.Split s) {
        int d = s.dimension();
        return new TaskData.Split() {
            @Override
            public int size() {
                return s.size();
            }

            @Override
            public void features(int sample, float[] out, int offset) {
                System.arraycopy(s.features(), sample * d, out, offset, d);
            }

            @Override
            public float target(int task, int sample) {
                return s.targets()[task][sample];
            }
        };
    }
}
