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
 * All methods by name. {@link #canonicalName} is the one name function: it ignores case, '-' and '_' ("nash_mtl",
 * "Nash-MTL" and "NASHMTL" are the same), so LibMTL's spellings work too, and every lookup here goes through it.
 * Hyper-parameters not given take the paper's (or LibMTL's) defaults; seeded methods
 * ({@link MethodInfo#seeded()}) take the seed, the others ignore it.
 *
 * <p><b>Wrappers.</b> CR-MOGM smooths the weights of a Gram-based method: a study names it {@code "CR-MOGM:<inner>"}
 * (any spelling of both parts, e.g. {@code "cr_mogm:upgrad"}), where the inner method is any registered method of kind
 * {@link MethodKind#GRAM_WEIGHTING}; plain {@code "CR-MOGM"} smooths {@value CR_MOGM#DEFAULT_INNER}, and
 * {@code "CR-MOGM:MGDA"} is that same method (its canonical name is {@code "CR-MOGM"}). Parameters of a wrapped method
 * are the wrapper's own ({@code smoothing}) followed by the inner method's, given by their plain names.
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
        register(new MoCo(), (p, seed) -> new MoCo(p.get("beta"), p.get("betaSigma"), p.get("gamma"),
                p.get("gammaSigma"), p.get("rho")));
        register(new SDMGrad(), (p, seed) -> new SDMGrad(p.get("lambda")));
        register(new MoDo(), (p, seed) -> new MoDo(p.get("gamma"), p.get("rho")));
        register(new ExcessMTL(), (p, seed) -> new ExcessMTL(p.get("robustStepSize")));
        register(new ConFIG(), (p, seed) -> new ConFIG());
        register(new SI(), (p, seed) -> new SI());
        // create() builds CR-MOGM over any Gram-based method; this entry describes it over its default (MGDA)
        register(new CR_MOGM(), (p, seed) -> new CR_MOGM(new MGDA(), p.get(CR_MOGM.SMOOTHING)));
    }

    /** The separator between a wrapper and the method it wraps: {@code "CR-MOGM:UPGrad"}. */
    public static final String WRAPPER_SEPARATOR = ":";

    private MethodRegistry() {
    }

    private static void register(MtlMethod defaults, Factory factory) {
        ENTRIES.put(key(defaults.info().name()), new Entry(defaults.info(), factory));
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /**
     * The name as the registry spells it ("nash_mtl" → "Nash-MTL", "cr_mogm:upgrad" → "CR-MOGM:UPGrad"): case, '-',
     * '_' and surrounding blanks ignored. Two spellings name the same method exactly when their canonical names are
     * equal.
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static String canonicalName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("unknown method 'null'; valid names: " + names());
        }
        int separator = name.indexOf(WRAPPER_SEPARATOR);
        if (separator < 0) {
            return entry(name).defaults().name();
        }
        String wrapper = entry(name.substring(0, separator)).defaults().name();
        if (!CR_MOGM.NAME.equals(wrapper)) {
            throw new IllegalArgumentException("'" + wrapper + "' wraps no other method; only " + CR_MOGM.NAME
                    + " does (" + CR_MOGM.NAME + WRAPPER_SEPARATOR + "<method>)");
        }
        Entry inner = entry(name.substring(separator + 1));
        if (inner.defaults().kind() != MethodKind.GRAM_WEIGHTING || CR_MOGM.NAME.equals(inner.defaults().name())) {
            throw new IllegalArgumentException(CR_MOGM.NAME + " smooths the weights of a Gram-based method; '"
                    + inner.defaults().name() + "' is not one (Gram-based: " + gramWeightingNames() + ")");
        }
        return CR_MOGM.name(inner.defaults().name());
    }

    /** True when {@link #canonicalName} accepts the name. */
    public static boolean isKnown(String name) {
        try {
            canonicalName(name);
            return true;
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    private static List<String> gramWeightingNames() {
        List<String> names = new ArrayList<>();
        for (Entry entry : ENTRIES.values()) {
            if (entry.defaults().kind() == MethodKind.GRAM_WEIGHTING && !CR_MOGM.NAME.equals(entry.defaults().name())) {
                names.add(entry.defaults().name());
            }
        }
        return names;
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

    /** Name, kind, citation, inputs, properties and default hyper-parameters of a method (any spelling). */
    public static MethodInfo describe(String name) {
        String canonical = canonicalName(name);
        return canonical.contains(WRAPPER_SEPARATOR) ? create(canonical).info() : entry(canonical).defaults();
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
        String canonical = canonicalName(name);
        int separator = canonical.indexOf(WRAPPER_SEPARATOR);
        if (separator < 0 && !CR_MOGM.NAME.equals(canonical)) {
            Entry entry = entry(canonical);
            return entry.factory().create(parameters(entry.defaults(), parameters), seed);
        }
        String innerName = separator < 0 ? CR_MOGM.DEFAULT_INNER : canonical.substring(separator + 1);
        Entry inner = entry(innerName);
        Map<String, Double> own = new LinkedHashMap<>();
        Map<String, Double> forInner = new LinkedHashMap<>();
        if (parameters != null) {
            for (Map.Entry<String, Double> given : parameters.entrySet()) {
                (CR_MOGM.SMOOTHING.equals(given.getKey()) ? own : forInner).put(given.getKey(), given.getValue());
            }
        }
        Parameters wrapper = parameters(entry(CR_MOGM.NAME).defaults(), own);
        MtlMethod wrapped;
        try {
            wrapped = inner.factory().create(parameters(inner.defaults(), forInner), seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(canonical + ": " + e.getMessage() + " (or " + CR_MOGM.SMOOTHING + ")", e);
        }
        return new CR_MOGM(wrapped, wrapper.get(CR_MOGM.SMOOTHING));
    }

    /** The defaults of {@code info} overridden by {@code given}, refusing names it does not have. */
    private static Parameters parameters(MethodInfo info, Map<String, Double> given) {
        Map<String, Double> defaults = new LinkedHashMap<>(info.parameters());
        defaults.remove("seed"); // given separately
        Set<String> unknown = new HashSet<>(given == null ? Set.of() : given.keySet());
        unknown.removeAll(defaults.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + unknown + " for " + info.name()
                    + "; valid: " + defaults.keySet());
        }
        if (given != null) {
            defaults.putAll(given);
        }
        return new Parameters(info.name(), defaults);
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
