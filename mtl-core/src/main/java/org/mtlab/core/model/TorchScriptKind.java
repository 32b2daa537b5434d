package org.mtlab.core.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;

/**
 * {@code torchscript}: a team's own trunk, exported from PyTorch with {@code torch.jit.script} or
 * {@code torch.jit.trace} to the file {@code path}. It reads each sample as a tensor of {@code inputShape} (the
 * dataset's features, row-major; e.g. {@code [1, 36, 36]} for one-channel 36×36 images) and returns
 * {@code outputWidth} features per sample (any shape, flattened; when left out the trainer infers it with one forward
 * pass). mtlab adds one linear head per task and trains all of the trunk's parameters. Its telemetry blocks are the
 * module's top-level submodules. What the file holds is known only when the trainer loads it: a missing file, a file
 * that is not TorchScript, an input shape that does not fit or a trunk without trainable parameters fail the run
 * before its first step, naming the field and the file.
 */
public final class TorchScriptKind implements ModelKind {
    public static final String NAME = "torchscript";
    /** The most features a sample may have (a 3×224×224 image). */
    public static final long MAX_INPUT = 3L * 224 * 224;

    /**
     * A {@code torchscript} spec's own fields: the trunk's file, the shape of one sample, and its declared output width
     * (null: inferred by the trainer).
     */
    public record Spec(java.nio.file.Path file, List<Integer> inputShape, Integer outputWidth) {
        public Spec {
            if (file == null || inputShape == null || inputShape.isEmpty()) {
                throw new IllegalArgumentException("a torchscript model needs model.path and model.inputShape");
            }
            inputShape = List.copyOf(inputShape);
        }

        /** @throws IllegalArgumentException without a path or an input shape (the validator says so first) */
        public static Spec of(StudySpec.ModelSpec model) {
            if (model.path() == null || model.path().isBlank()) {
                throw new IllegalArgumentException("a torchscript model needs model.path and model.inputShape");
            }
            return new Spec(java.nio.file.Path.of(model.path()), model.inputShape(), model.outputWidth());
        }

        /** Features per sample the trunk reads: the product of {@code inputShape}. */
        public long inputFeatures() {
            return product(inputShape);
        }

        /** {@code inputShape} as a tensor shape's dimensions. */
        public long[] sampleShape() {
            return inputShape.stream().mapToLong(Integer::longValue).toArray();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "your own trunk as a TorchScript file (torch.jit.script/trace), with a linear head per task";
    }

    @Override
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("path", "the TorchScript file of the shared trunk, as the trainer sees it");
        fields.put("inputShape", "the shape of one sample the trunk reads, without the batch dimension, e.g. [1, 36, 36];"
                + " its product is the dataset's feature count");
        fields.put("outputWidth", "features the trunk returns per sample (optional: inferred with one forward pass)");
        return fields;
    }

    @Override
    public void validate(StudySpec.ModelSpec model, List<Violation> out) {
        String path = model.path();
        if (path == null || path.isBlank()) {
            out.add(new Violation("model.path", "is required: the TorchScript file of the trunk"));
        } else if (path.chars().anyMatch(Character::isISOControl)) {
            out.add(new Violation("model.path", "must not contain control characters"));
        }
        List<Integer> shape = model.inputShape();
        if (shape == null || shape.isEmpty() || shape.size() > 3) {
            out.add(new Violation("model.inputShape", "must list 1 to 3 dimensions of one sample, e.g. [1, 36, 36]"));
        } else {
            long product = 1;
            for (int i = 0; i < shape.size(); i++) {
                Integer d = shape.get(i);
                if (d == null || d < 1) {
                    out.add(new Violation("model.inputShape[" + i + "]", "must be a positive integer, got " + d));
                    return;
                }
                product *= d;
            }
            if (product > MAX_INPUT) {
                out.add(new Violation("model.inputShape", "describes " + product + " features, at most " + MAX_INPUT));
            }
        }
        Integer width = model.outputWidth();
        if (width != null && (width < 1 || width > 1 << 20)) {
            out.add(new Violation("model.outputWidth", "must lie in [1, " + (1 << 20) + "], got " + width));
        }
    }

    @Override
    public int declaredFeatures(StudySpec.ModelSpec model) {
        return model.outputWidth() == null ? -1 : model.outputWidth();
    }

    @Override
    public Architecture architecture(StudySpec.ModelSpec model, DataShape data) {
        if (model.inputShape() != null && !model.inputShape().isEmpty()) {
            long features = product(model.inputShape());
            if (features != data.features()) {
                throw new IllegalArgumentException("model.inputShape " + model.inputShape() + " describes "
                        + features + " features per sample, the dataset has " + data.features());
            }
        }
        return null;
    }

    private static long product(List<Integer> dimensions) {
        long product = 1;
        for (Integer d : dimensions) {
            product *= d;
        }
        return product;
    }
}
