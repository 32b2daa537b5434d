package org.mtlab.core.data;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.model.DataShape;

/**
 * The registry of dataset kinds: the spec validator, the API description and the trainer read kinds from here
 * ({@link #standard()}). A registry of other kinds can be built for a test or an extension.
 */
public final class DatasetKinds {
    private static final DatasetKinds STANDARD = new DatasetKinds(List.of(new SyntheticKind(), new MultiFashionKind(),
            new CsvKind(), new IdxKind(), new ImageFolderKind()));

    private final List<DatasetKind<?>> kinds;

    /** A registry of these kinds (names unique, case ignored). */
    public DatasetKinds(List<? extends DatasetKind<?>> kinds) {
        Set<String> names = new HashSet<>();
        for (DatasetKind<?> kind : kinds) {
            if (!names.add(kind.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("dataset kind '" + kind.name() + "' registered twice");
            }
        }
        this.kinds = List.copyOf(kinds);
    }

    /** The kinds mtlab ships. */
    public static DatasetKinds standard() {
        return STANDARD;
    }

    public List<DatasetKind<?>> all() {
        return kinds;
    }

    /** The kinds' names, in registry order. */
    public List<String> names() {
        return kinds.stream().map(DatasetKind::name).toList();
    }

    /** The kinds' names, sorted, as error messages list them. */
    public List<String> sortedNames() {
        return names().stream().sorted().toList();
    }

    /** The kind of this name (case ignored), if any. */
    public Optional<DatasetKind<?>> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.toLowerCase(Locale.ROOT);
        return kinds.stream().filter(k -> k.name().equals(key)).findFirst();
    }

    /** The kind of this name, or an error listing the known ones. */
    public DatasetKind<?> of(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unsupported dataset kind '" + name
                + "'; known: " + sortedNames()));
    }

    /** Checks a spec's dataset: a known kind, then its parameters; each violation names its field. */
    public void validate(StudySpec.DatasetSpec dataset, List<String> tasks, List<Violation> out) {
        if (dataset == null) {
            out.add(new Violation("dataset", "is required"));
            return;
        }
        Optional<DatasetKind<?>> kind = find(dataset.kind());
        if (kind.isEmpty()) {
            out.add(new Violation("dataset.kind", "must be one of " + sortedNames()));
            return;
        }
        kind.get().parse(dataset, tasks, out);
    }

    /** The shape of a sample when the spec fixes it, else null (also for a dataset the validator refuses). */
    public DataShape declaredShape(StudySpec.DatasetSpec dataset, List<String> tasks) {
        DatasetKind<?> kind = dataset == null ? null : find(dataset.kind()).orElse(null);
        return kind == null ? null : declaredShape(kind, dataset, tasks);
    }

    private static <P> DataShape declaredShape(DatasetKind<P> kind, StudySpec.DatasetSpec dataset, List<String> tasks) {
        P params = kind.parse(dataset, tasks, new ArrayList<>());
        return params == null ? null : kind.shape(params);
    }

    /**
     * Builds the dataset for a study's tasks: a spec without a kind is {@code synthetic}; the parameters are parsed as
     * the validator parses them, then the kind loads, and every task must be one of the data's, of its declared kind.
     *
     * @throws IllegalArgumentException for an unknown kind, bad parameters (each {@code field message}, joined by
     *                                  "; ") or tasks the dataset does not have
     * @throws IllegalStateException    when the data files are missing or unreadable (the message says what to do)
     */
    public TaskData load(List<String> tasks, StudySpec.DatasetSpec spec) {
        StudySpec.DatasetSpec dataset = spec == null ? new StudySpec.DatasetSpec(SyntheticKind.NAME, null)
                : spec.kind() == null ? new StudySpec.DatasetSpec(SyntheticKind.NAME, spec.params()) : spec;
        try {
            return load(of(dataset.kind()), dataset, tasks);
        } catch (UncheckedIOException e) {
            // an unreadable file fails the run with the reason; it must not be retried as if the trainer had failed
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static <P> TaskData load(DatasetKind<P> kind, StudySpec.DatasetSpec spec, List<String> tasks) {
        List<Violation> violations = new ArrayList<>();
        P params = kind.parse(spec, tasks, violations);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException(violations.stream().map(v -> v.field() + " " + v.message())
                    .collect(Collectors.joining("; ")));
        }
        TaskData data = kind.load(params, tasks);
        Map<String, TaskData.Kind> declared = kind.taskKinds(params, tasks);
        for (String task : tasks) {
            TaskData.Task loaded = data.tasks().get(data.taskIndex(task));
            TaskData.Kind expected = declared.get(task);
            if (expected != null && expected != loaded.kind()) {
                throw new IllegalStateException("dataset kind " + kind.name() + " declares task '" + task + "' "
                        + expected + " but loaded it as " + loaded.kind());
            }
        }
        return data;
    }
}
