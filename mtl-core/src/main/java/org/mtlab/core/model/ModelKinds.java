package org.mtlab.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;

/** The registry of model kinds: the spec validator, the API description and the trainer read kinds from here. */
public final class ModelKinds {
    private static final List<ModelKind> KINDS = List.of(new MlpKind(), new MultiLeNetKind(), new ResNetKind(),
            new MmoeKind(), new ResNet18Kind(), new TorchScriptKind());

    private ModelKinds() {
    }

    public static List<ModelKind> all() {
        return KINDS;
    }

    /** The kinds' names, in registry order. */
    public static List<String> names() {
        return KINDS.stream().map(ModelKind::name).toList();
    }

    /** The kind of this name (case ignored), if any. */
    public static Optional<ModelKind> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.toLowerCase(Locale.ROOT);
        return KINDS.stream().filter(k -> k.name().equals(key)).findFirst();
    }

    /** The kind of this name, or an error listing the known ones. */
    public static ModelKind of(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unsupported model kind '" + name
                + "'; known: " + names()));
    }

    /**
     * Checks a spec's model on its own: a known kind, none of another kind's fields, then the kind's own checks. Each
     * violation names its field.
     */
    public static void validate(StudySpec.ModelSpec model, List<Violation> out) {
        if (model == null) {
            out.add(new Violation("model", "is required"));
            return;
        }
        Optional<ModelKind> kind = find(model.kind());
        if (kind.isEmpty()) {
            out.add(new Violation("model.kind", "must be one of " + names()));
            return;
        }
        for (Map.Entry<String, Object> field : present(model).entrySet()) {
            if (!kind.get().fields().containsKey(field.getKey())) {
                List<String> owners = new ArrayList<>();
                for (ModelKind k : KINDS) {
                    if (k.fields().containsKey(field.getKey())) {
                        owners.add(k.name());
                    }
                }
                out.add(new Violation("model." + field.getKey(), "applies to " + String.join(" and ", owners)
                        + " only, not to " + kind.get().name()));
            }
        }
        kind.get().validate(model, out);
    }

    /** The model's fields that are set, by name (beyond {@code kind}). */
    static Map<String, Object> present(StudySpec.ModelSpec model) {
        Map<String, Object> set = new LinkedHashMap<>();
        put(set, "hidden", model.hidden());
        put(set, "experts", model.experts());
        put(set, "expertWidth", model.expertWidth());
        put(set, "path", model.path());
        put(set, "inputShape", model.inputShape());
        put(set, "outputWidth", model.outputWidth());
        return set;
    }

    private static void put(Map<String, Object> set, String name, Object value) {
        if (value != null) {
            set.put(name, value);
        }
    }
}
