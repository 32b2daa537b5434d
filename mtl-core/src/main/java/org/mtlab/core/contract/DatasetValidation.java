package org.mtlab.core.contract;

import java.util.List;

import org.mtlab.core.data.DatasetKind;
import org.mtlab.core.data.DatasetKinds;
import org.mtlab.core.model.Architecture;
import org.mtlab.core.model.DataShape;
import org.mtlab.core.model.ModelKind;
import org.mtlab.core.model.ModelKinds;
import org.mtlab.core.model.TorchScriptKind;

/**
 * The dataset and model parts of {@link StudySpecValidator}: the dataset's parameters, checked by its kind
 * ({@link DatasetKind#parse}, the trainer's parse too), and which model fits which data. What only the trainer can see
 * (whether the files exist, a CSV's columns and values) is checked when the run starts and fails the run with the
 * reason: the gateway does not share the trainers' file system.
 */
final class DatasetValidation {
    private DatasetValidation() {
    }

    /** The spec's task names in order, null where a task has none. */
    static List<String> taskNames(StudySpec spec) {
        return spec.tasks() == null ? List.of() : spec.tasks().stream().map(t -> t == null ? null : t.name()).toList();
    }

    static void validate(StudySpec spec, DatasetKinds datasets, List<Violation> out) {
        datasets.validate(spec.dataset(), taskNames(spec), out);
    }

    /**
     * The model against the data (its own fields are checked by {@link ModelKinds#validate}): a kind that reads images
     * needs an image dataset of at least its minimum side; where the spec fixes the data's shape, the kind must build
     * over it (a TorchScript trunk's {@code inputShape} must hold the dataset's features).
     */
    static void model(StudySpec spec, DatasetKinds datasets, List<Violation> out) {
        ModelKind kind = ModelKinds.of(spec.model().kind());
        int before = out.size();
        DataShape shape = declaredShape(spec, datasets);
        if (kind.needsImages()) {
            DatasetKind<?> data = spec.dataset() == null ? null : datasets.find(spec.dataset().kind()).orElse(null);
            if (spec.dataset() != null && spec.dataset().kind() != null && (data == null || !data.images())) {
                out.add(new Violation("model.kind", kind.name() + " needs image data: dataset kind one of "
                        + datasets.all().stream().filter(DatasetKind::images).map(DatasetKind::name).sorted().toList()));
            }
            int minSide = kind.minImageSide();
            int[] size = shape == null ? null : shape.image();
            if (size != null && (size[0] < minSide || size[1] < minSide)) {
                out.add(new Violation("model.kind", kind.name() + " needs images of at least " + minSide + "×"
                        + minSide + " pixels, the dataset declares " + size[1] + "×" + size[0]));
            }
        }
        if (shape != null && out.size() == before) {
            try {
                kind.architecture(spec.model(), shape);
            } catch (IllegalArgumentException e) {
                out.add(new Violation(TorchScriptKind.NAME.equals(kind.name()) ? "model.inputShape" : "model.kind",
                        e.getMessage()));
            }
        }
    }

    /** The shape of a sample when the spec fixes it (declared images, a CSV's feature list, the synthetic dimension). */
    static DataShape declaredShape(StudySpec spec, DatasetKinds datasets) {
        return datasets.declaredShape(spec.dataset(), taskNames(spec));
    }

    /** The model's trunk over the declared data, or null when the spec alone does not fix it. */
    static Architecture architecture(StudySpec spec, DatasetKinds datasets) {
        if (spec.model() == null) {
            return null;
        }
        ModelKind kind = ModelKinds.find(spec.model().kind()).orElse(null);
        DataShape shape = declaredShape(spec, datasets);
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
     * Parameters of the shared trunk ({@link Architecture#sharedParameters()} of the model's kind over the data); -1
     * when the input size is only known from the files (a CSV without a {@code features} list, IDX images, an image
     * folder without a declared size).
     */
    static long sharedParameterCount(StudySpec spec, DatasetKinds datasets) {
        Architecture architecture = architecture(spec, datasets);
        return architecture == null ? -1 : architecture.sharedParameters();
    }
}
