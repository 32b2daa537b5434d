package org.mtlab.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;

/** {@code mlp}: {@code hidden} ReLU(linear) layers, one telemetry block each ({@code shared.l}). */
public final class MlpKind implements ModelKind {
    public static final String NAME = "mlp";
    public static final int MAX_LAYERS = 8;
    public static final int MAX_LAYER_WIDTH = 4096;

    /** An {@code mlp} spec's own field: the trunk's layer widths. */
    public record Spec(List<Integer> hidden) {
        public Spec {
            if (hidden == null || hidden.isEmpty()) {
                throw new IllegalArgumentException("model.hidden: an MLP needs at least one hidden layer");
            }
            for (int l = 0; l < hidden.size(); l++) {
                Integer width = hidden.get(l);
                if (width == null || width < 1) {
                    throw new IllegalArgumentException("model.hidden[" + l + "] must be a positive width, got " + width);
                }
            }
            hidden = List.copyOf(hidden);
        }

        public static Spec of(StudySpec.ModelSpec model) {
            return new Spec(model.hidden());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "multi-layer perceptron trunk of ReLU layers, one linear head per task";
    }

    @Override
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("hidden", "the trunk's layer widths, 1 to " + MAX_LAYERS + " integers in [1, " + MAX_LAYER_WIDTH + "]");
        return fields;
    }

    @Override
    public void validate(StudySpec.ModelSpec model, List<Violation> out) {
        List<Integer> hidden = model.hidden();
        if (hidden == null || hidden.isEmpty() || hidden.size() > MAX_LAYERS) {
            out.add(new Violation("model.hidden", "must list 1 to " + MAX_LAYERS + " layer widths"));
            return;
        }
        for (int i = 0; i < hidden.size(); i++) {
            Integer width = hidden.get(i);
            String field = "model.hidden[" + i + "]";
            if (width == null) {
                out.add(new Violation(field, "is required: an integer in [1, " + MAX_LAYER_WIDTH + "]"));
            } else if (width < 1 || width > MAX_LAYER_WIDTH) {
                out.add(new Violation(field, "must lie in [1, " + MAX_LAYER_WIDTH + "], got " + width));
            }
        }
    }

    @Override
    public Architecture architecture(StudySpec.ModelSpec model, DataShape data) {
        List<Integer> hidden = Spec.of(model).hidden();
        List<long[]> shapes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int in = data.features();
        for (int l = 0; l < hidden.size(); l++) {
            int width = hidden.get(l);
            shapes.add(new long[] {width, in});
            shapes.add(new long[] {width});
            names.add("shared." + l);
            in = width;
        }
        return new Architecture(shapes, Architecture.pairs(hidden.size()), names, 0, in);
    }
}
