package org.mtlab.core.methods;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a method is: its name as the paper spells it, its kind, the paper, the inputs it reads and the
 * hyper-parameters it runs with (in declaration order).
 */
public record MethodInfo(String name, MethodKind kind, String citation, Set<MethodInput> inputs,
                         Map<String, Double> parameters) {
    public MethodInfo {
        Set<MethodInput> copy = EnumSet.noneOf(MethodInput.class); // EnumSet.copyOf rejects an empty plain Set
        copy.addAll(inputs);
        inputs = Collections.unmodifiableSet(copy);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    static MethodInfo of(String name, MethodKind kind, String citation, Set<MethodInput> inputs) {
        return new MethodInfo(name, kind, citation, inputs, Map.of());
    }

    /** Copy with one more parameter, keeping insertion order. */
    MethodInfo with(String parameter, double value) {
        Map<String, Double> more = new LinkedHashMap<>(parameters);
        more.put(parameter, value);
        return new MethodInfo(name, kind, citation, inputs, more);
    }
}
