package org.mtlab.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;

/**
 * {@code mmoe}: Multi-gate Mixture-of-Experts (Ma et al., KDD 2018) — E experts, each ReLU(linear(input →
 * expertWidth)), are the shared parameters (one telemetry block {@code expert.e} each); each task has its own softmax
 * gate over the experts and a linear head over the gate-weighted sum of their outputs. No single shared
 * representation, so no representation space.
 */
public final class MmoeKind implements ModelKind {
    public static final String NAME = "mmoe";
    public static final int MAX_EXPERTS = 32;

    /** An {@code mmoe} spec's own fields, defaults applied. */
    public record Spec(int experts, int expertWidth) {
        public static final int DEFAULT_EXPERTS = 8;
        public static final int DEFAULT_EXPERT_WIDTH = 16;

        public static Spec of(StudySpec.ModelSpec model) {
            return new Spec(model.experts() == null ? DEFAULT_EXPERTS : model.experts(),
                    model.expertWidth() == null ? DEFAULT_EXPERT_WIDTH : model.expertWidth());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Multi-gate Mixture-of-Experts: shared experts, a softmax gate and a head per task";
    }

    @Override
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("experts", "number of experts, in [1, " + MAX_EXPERTS + "], default "
                + Spec.DEFAULT_EXPERTS);
        fields.put("expertWidth", "outputs of each expert, in [1, " + MlpKind.MAX_LAYER_WIDTH + "], default "
                + Spec.DEFAULT_EXPERT_WIDTH);
        return fields;
    }

    @Override
    public void validate(StudySpec.ModelSpec model, List<Violation> out) {
        Integer experts = model.experts();
        if (experts != null && (experts < 1 || experts > MAX_EXPERTS)) {
            out.add(new Violation("model.experts", "must lie in [1, " + MAX_EXPERTS + "], got " + experts));
        }
        Integer width = model.expertWidth();
        if (width != null && (width < 1 || width > MlpKind.MAX_LAYER_WIDTH)) {
            out.add(new Violation("model.expertWidth", "must lie in [1, " + MlpKind.MAX_LAYER_WIDTH + "], got "
                    + width));
        }
    }

    @Override
    public boolean hasSharedRepresentation() {
        return false;
    }

    @Override
    public Architecture architecture(StudySpec.ModelSpec model, DataShape data) {
        Spec spec = Spec.of(model);
        int experts = spec.experts();
        int width = spec.expertWidth();
        if (experts < 1 || width < 1) {
            throw new IllegalArgumentException("MMoE needs at least one expert of positive width, got " + experts
                    + " experts of width " + width);
        }
        List<long[]> trunk = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            trunk.add(new long[] {width, data.features()});
            trunk.add(new long[] {width});
            names.add("expert." + e);
        }
        return new Architecture(trunk, Architecture.pairs(experts), names, experts, width);
    }
}
