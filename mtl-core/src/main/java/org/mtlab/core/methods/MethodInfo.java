package org.mtlab.core.methods;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a method is: its name as the paper spells it, its kind, the paper, the inputs it reads, the hyper-parameters
 * it runs with (in declaration order) and its {@link MethodProperty properties}. Every method class declares its
 * inputs and properties itself; read them through {@link #needsTaskGradients()}, {@link #needsFullGradients()},
 * {@link #worksInRepresentationSpace()}, {@link #seeded()} and {@link #keepsState()}.
 */
public record MethodInfo(String name, MethodKind kind, String citation, Set<MethodInput> inputs,
                         Map<String, Double> parameters, Set<MethodProperty> properties) {
    public MethodInfo {
        Set<MethodInput> copy = EnumSet.noneOf(MethodInput.class); // EnumSet.copyOf rejects an empty plain Set
        copy.addAll(inputs);
        inputs = Collections.unmodifiableSet(copy);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Set<MethodProperty> declared = EnumSet.noneOf(MethodProperty.class);
        declared.addAll(properties);
        properties = Collections.unmodifiableSet(declared);
    }

    static MethodInfo of(String name, MethodKind kind, String citation, Set<MethodInput> inputs,
                         Set<MethodProperty> properties) {
        return new MethodInfo(name, kind, citation, inputs, Map.of(), properties);
    }

    /** Copy with one more parameter, keeping insertion order. */
    MethodInfo with(String parameter, double value) {
        Map<String, Double> more = new LinkedHashMap<>(parameters);
        more.put(parameter, value);
        return new MethodInfo(name, kind, citation, inputs, more, properties);
    }

    /** True when a step needs the per-task gradients on the shared part: their Gram matrix or the gradients. */
    public boolean needsTaskGradients() {
        return inputs.contains(MethodInput.GRAM) || inputs.contains(MethodInput.GRADIENTS);
    }

    /** True when a step needs the per-task gradient vectors themselves (T×P); the Gram matrix is not enough. */
    public boolean needsFullGradients() {
        return inputs.contains(MethodInput.GRADIENTS);
    }

    /**
     * False for {@link MethodProperty#PARAMETER_SPACE_ONLY} methods; every other method may combine representation
     * gradients.
     */
    public boolean worksInRepresentationSpace() {
        return !properties.contains(MethodProperty.PARAMETER_SPACE_ONLY);
    }

    /** {@link MethodProperty#SEEDED}: the seed it was created with changes its results. */
    public boolean seeded() {
        return properties.contains(MethodProperty.SEEDED);
    }

    /** {@link MethodProperty#STATEFUL}: results depend on earlier steps; one instance per run, steps in order. */
    public boolean keepsState() {
        return properties.contains(MethodProperty.STATEFUL);
    }
}
