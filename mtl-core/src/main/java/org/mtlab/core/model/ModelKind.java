package org.mtlab.core.model;

import java.util.List;
import java.util.Map;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;

/**
 * One kind of model a study can name ({@code model.kind}): its own spec fields and their validation, whether it
 * reads images, and its trunk's tensor shapes over data of a given shape. Adding a kind is one class implementing
 * this and one line in {@link ModelKinds}; the trainer builds its tensors from {@link #architecture}.
 */
public interface ModelKind {

    /** The name a spec uses, lower case. */
    String name();

    /** One line for the API description. */
    String description();

    /** This kind's own fields of {@code model} (beyond {@code kind}), each with what it holds. */
    Map<String, String> fields();

    /** Checks this kind's own fields, each violation naming its field ({@code model.hidden[1]} …). */
    void validate(StudySpec.ModelSpec model, List<Violation> out);

    /** True when the kind reads single-channel images (the image dataset kinds). */
    default boolean needsImages() {
        return false;
    }

    /** The smallest image side it takes (with {@link #needsImages()}). */
    default int minImageSide() {
        return 1;
    }

    /** False when each task reads its own mixture of the trunk (MMoE): no representation space then. */
    default boolean hasSharedRepresentation() {
        return true;
    }

    /**
     * The trunk's output width when the spec alone tells it, for a kind whose {@link #architecture} the trainer works
     * out (a TorchScript trunk's declared {@code outputWidth}, ResNet-18's 512); -1 when it does not.
     */
    default int declaredFeatures(StudySpec.ModelSpec model) {
        return -1;
    }

    /**
     * The trunk over data of {@code data}'s shape, or null when only the model file can tell (a TorchScript trunk).
     *
     * @throws IllegalArgumentException when the data do not fit the model, saying how
     */
    Architecture architecture(StudySpec.ModelSpec model, DataShape data);
}
