package org.mtlab.core.methods;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * All methods by name. Lookup ignores case, '-' and '_' ("nash_mtl", "Nash-MTL" and "NASHMTL" are the same), so
 * LibMTL's spellings work too. Hyper-parameters not given take the paper's (or LibMTL's) defaults; seeded methods
 * (RLW, PCGrad, GradVac, GradDrop) take the seed, the others ignore it.
 */
public final class MethodRegistry {
    @FunctionalInterface
    private interface Factory {
        MtlMethod create(Parameters parameters, long seed);
    }

    private record Entry(MethodInfo defaults, Factory factory) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        register(new EW(), (p, seed) -> new EW());
        register(new UW(), (p, seed) -> new UW(p.get("initialLogVariance")));
        register(new DWA(), (p, seed) -> new DWA(p.get("T")));
        register(new RLW(0), (p, seed) -> new RLW(seed));
        register(new GLS(), (p, seed) -> new GLS());
        register(new GradNorm(), (p, seed) -> new GradNorm(p.get("alpha")));
        register(new IMTL_L(), (p, seed) -> new IMTL_L());
        register(new FAMO(), (p, seed) -> new FAMO(p.get("learningRate"), p.get("weightDecay")));
        register(new STCH(), (p, seed) -> new STCH(p.get("mu"), p.integer("warmupEpochs")));
        register(new MGDA(), (p, seed) -> new MGDA());
        register(new PCGrad(0), (p, seed) -> p.get("randomOrder") == 0 ? PCGrad.fixedOrder() : new PCGrad(seed));
        register(new GradVac(0), (p, seed) -> new GradVac(p.get("beta"), seed));
        register(new CAGrad(), (p, seed) -> new CAGrad(p.get("c"), p.integer("rescale")));
        register(new IMTL_G(), (p, seed) -> new IMTL_G());
        register(new NashMTL(), (p, seed) -> new NashMTL(p.get("maxNorm"), p.integer("updateWeightsEvery")));
        register(new AlignedMTL(), (p, seed) -> new AlignedMTL());
        register(new UPGrad(), (p, seed) -> new UPGrad(p.get("normEpsilon"), p.get("regularisationEpsilon")));
        register(new DualProj(), (p, seed) -> new DualProj(p.get("normEpsilon"), p.get("regularisationEpsilon")));
        register(new DB_MTL(), (p, seed) -> new DB_MTL(p.get("beta"), p.get("betaSigma")));
        register(new FairGrad(), (p, seed) -> new FairGrad(p.get("alpha")));
        register(new GradDrop(0), (p, seed) -> new GradDrop(p.get("leak"), seed));
    }

    private MethodRegistry() {
    }

    private static void register(MtlMethod defaults, Factory factory) {
        ENTRIES.put(key(defaults.info().name()), new Entry(defaults.info(), factory));
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Canonical names, in registration order (loss weighting first). */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Entry entry : ENTRIES.values()) {
            names.add(entry.defaults().name());
        }
        return Collections.unmodifiableList(names);
    }

    /** Name, kind, citation, inputs and default hyper-parameters of every method. */
    public static List<MethodInfo> list() {
        List<MethodInfo> infos = new ArrayList<>();
        for (Entry entry : ENTRIES.values()) {
            infos.add(entry.defaults());
        }
        return Collections.unmodifiableList(infos);
    }

    public static MethodInfo describe(String name) {
        return entry(name).defaults();
    }

    /** A fresh instance with default hyper-parameters and seed 0. */
    public static MtlMethod create(String name) {
        return create(name, Map.of(), 0L);
    }

    /**
     * A fresh instance; {@code parameters} override defaults by name (see {@link #describe}).
     *
     * @throws IllegalArgumentException for an unknown method or parameter, listing the valid ones
     */
    public static MtlMethod create(String name, Map<String, Double> parameters, long seed) {
        Entry entry = entry(name);
        Map<String, Double> defaults = new LinkedHashMap<>(entry.defaults().parameters());
        defaults.remove("seed"); // given separately
        Set<String> unknown = new HashSet<>(parameters == null ? Set.of() : parameters.keySet());
        unknown.removeAll(defaults.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + unknown + " for " + entry.defaults().name()
                    + "; valid: " + defaults.keySet());
        }
        if (parameters != null) {
            defaults.putAll(parameters);
        }
        return entry.factory().create(new Parameters(entry.defaults().name(), defaults), seed);
    }

    private static Entry entry(String name) {
        Entry entry = name == null ? null : ENTRIES.get(key(name));
        if (entry == null) {
            throw new IllegalArgumentException("unknown method '" + name + "'; valid names: " + names());
        }
        return entry;
    }

    private record Parameters(String method, Map<String, Double> values) {
        double get(String parameter) {
            Double value = values.get(parameter);
            if (value == null || value.isNaN()) {
                throw new IllegalArgumentException(method + " parameter " + parameter + " must be a number");
            }
            return value;
        }

        int integer(String parameter) {
            double value = get(parameter);
            if (value != Math.rint(value)) {
                throw new IllegalArgumentException(method + " parameter " + parameter + " must be an integer: " + value);
            }
            return (int) value;
        }
    }
}
