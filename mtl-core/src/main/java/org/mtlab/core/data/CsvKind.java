package org.mtlab.core.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.model.DataShape;

/** {@code csv}: a team's own table, {@link CsvTaskData}: numeric feature columns and a target column per task. */
public final class CsvKind implements DatasetKind<CsvTaskData.Params> {
    public static final String NAME = CsvTaskData.KIND;
    private static final String KINDS = "\"" + CsvTaskData.CLASSIFICATION + "\" or \"" + CsvTaskData.REGRESSION + "\"";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a CSV file with a header line, numeric feature columns and one target column per task";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("path", "the CSV file, as the trainers see it");
        p.put("features", "the feature columns (default: every column that is not a target)");
        p.put("targets", "per task (its target column has the task's name), " + KINDS);
        DatasetParams.describeSplit(p, "rows", "");
        return p;
    }

    @Override
    public CsvTaskData.Params parse(StudySpec.DatasetSpec spec, List<String> tasks, List<Violation> out) {
        Map<String, Object> params = DatasetParams.of(spec);
        int before = out.size();
        DatasetParams.unknown(params, parameters().keySet(), out);
        Path path = null;
        if (!(params.get("path") instanceof String name) || name.isBlank()) {
            out.add(new Violation("dataset.params.path", "is required: " + parameters().get("path")));
        } else {
            path = DatasetParams.path(name, "dataset.params.path", out);
        }
        Map<String, String> targets = new LinkedHashMap<>();
        if (!(params.get("targets") instanceof Map<?, ?> given)) {
            out.add(new Violation("dataset.params.targets", "is required: " + parameters().get("targets")));
        } else {
            for (var entry : given.entrySet()) {
                String name = String.valueOf(entry.getKey());
                String field = "dataset.params.targets." + name;
                if (!tasks.contains(name)) {
                    out.add(new Violation(field, "is not one of the tasks " + tasks));
                } else if (!(entry.getValue() instanceof String kind)
                        || !Set.of(CsvTaskData.CLASSIFICATION, CsvTaskData.REGRESSION).contains(kind.toLowerCase(Locale.ROOT))) {
                    out.add(new Violation(field, "must be " + KINDS));
                }
            }
            for (String task : tasks) {
                if (task == null) {
                    continue;
                }
                if (!given.containsKey(task)) {
                    out.add(new Violation("dataset.params.targets." + task, "is required: " + KINDS + " for task '"
                            + task + "'"));
                } else if (given.get(task) instanceof String kind) {
                    targets.put(task, kind.toLowerCase(Locale.ROOT));
                }
            }
        }
        List<String> features = new ArrayList<>();
        Object listed = params.get("features");
        if (listed != null) {
            if (!(listed instanceof List<?> list) || list.isEmpty()) {
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
                    } else if (params.get("targets") instanceof Map<?, ?> given && given.containsKey(name)) {
                        out.add(new Violation(field, "'" + name + "' is a target column"));
                    } else {
                        features.add(name);
                    }
                }
            }
        }
        double[] fractions = DatasetParams.splitFractions(out, params);
        long seed = DatasetParams.seed(out, params);
        return out.size() > before ? null
                : new CsvTaskData.Params(path, features, targets, fractions[0], fractions[1], seed);
    }

    /** The feature count when {@code features} lists the columns, else null (every non-target column of the file). */
    @Override
    public DataShape shape(CsvTaskData.Params params) {
        return params.features().isEmpty() ? null : new DataShape(params.features().size(), null);
    }

    @Override
    public Map<String, TaskData.Kind> taskKinds(CsvTaskData.Params params, List<String> tasks) {
        Map<String, TaskData.Kind> kinds = new LinkedHashMap<>();
        params.targets().forEach((task, kind) -> kinds.put(task, CsvTaskData.CLASSIFICATION.equals(kind)
                ? TaskData.Kind.CLASSIFICATION : TaskData.Kind.REGRESSION));
        return kinds;
    }

    @Override
    public TaskData load(CsvTaskData.Params params, List<String> tasks) {
        return CsvTaskData.read(params);
    }
}
