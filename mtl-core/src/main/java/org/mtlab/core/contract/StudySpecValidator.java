package org.mtlab.core.contract;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.mtlab.core.data.DatasetKind;
import org.mtlab.core.data.DatasetKinds;
import org.mtlab.core.data.SyntheticKind;
import org.mtlab.core.methods.MethodRegistry;
import org.mtlab.core.model.Architecture;
import org.mtlab.core.model.MlpKind;
import org.mtlab.core.model.MmoeKind;
import org.mtlab.core.model.ModelKind;
import org.mtlab.core.model.ModelKinds;

/**
 * Checks a study spec before anything is persisted or trained. Limits guard the shared infrastructure:
 * a study is a grid, and its size multiplies quickly.
 */
public final class StudySpecValidator {
    public static final int MAX_TASKS = 16;
    public static final int MAX_SEEDS = 20;
    public static final int MAX_OPTIMIZERS = 8;
    public static final int MAX_RUNS = 500;
    /** A quick study is a bounded first answer: at most this many runs. */
    public static final int QUICK_MAX_RUNS = 24;
    /** The published protocol (Elich et al.) tries ten learning rates per optimizer. */
    public static final int MAX_LEARNING_RATES = 10;
    public static final double MAX_TASK_VALUE = 1_000_000;
    /** A margin is a relative degradation; 10 = 1000% worse, beyond any useful constraint. */
    public static final double MAX_MARGIN = 10;
    public static final int MAX_EPOCHS = 1000;
    public static final int MAX_BATCH_SIZE = 65_536;
    public static final int MAX_LAYERS = MlpKind.MAX_LAYERS;
    public static final int MAX_LAYER_WIDTH = MlpKind.MAX_LAYER_WIDTH;
    public static final int MAX_DIMENSION = SyntheticKind.MAX_DIMENSION;
    public static final int MAX_SAMPLES = SyntheticKind.MAX_SAMPLES;
    /** The dataset kinds' names ({@link DatasetKinds#standard()}). */
    public static final Set<String> DATASET_KINDS = Set.copyOf(DatasetKinds.standard().names());
    /** The model kinds' names ({@link ModelKinds}). */
    public static final List<String> MODEL_KINDS = ModelKinds.names();
    /** MMoE's experts: the paper uses up to 8; a gate over more than this many is beyond what a study needs. */
    public static final int MAX_EXPERTS = MmoeKind.MAX_EXPERTS;
    public static final Set<String> OPTIMIZERS = Set.of("sgd", "adam", "adamw", "adatask");
    public static final double MAX_WEIGHT_DECAY = 1;
    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Set<String> knownMethods;
    private final DatasetKinds datasets;
    /** {@link MethodRegistry#canonicalName canonical} names of {@link #knownMethods}. */
    private final Set<String> knownCanonical;

    /**
     * @param knownMethods names (any spelling {@link MethodRegistry#canonicalName} accepts) of the weighting methods
     *                     the trainers can run; a spec's method names are compared by their canonical names
     */
    public StudySpecValidator(Set<String> knownMethods) {
        this(knownMethods, DatasetKinds.standard());
    }

    /**
     * @param knownMethods as above
     * @param datasets     the dataset kinds a spec may name (the trainers load from the same registry)
     */
    public StudySpecValidator(Set<String> knownMethods, DatasetKinds datasets) {
        this.datasets = datasets;
        this.knownMethods = Set.copyOf(knownMethods);
        Set<String> canonical = new HashSet<>();
        for (String name : knownMethods) {
            canonical.add(MethodRegistry.canonicalName(name));
        }
        this.knownCanonical = Set.copyOf(canonical);
    }

    public List<Violation> validate(StudySpec spec) {
        List<Violation> out = new ArrayList<>();
        if (spec == null) {
            out.add(new Violation("(body)", "a study spec is required"));
            return out;
        }
        validateText(spec, out);
        if (!out.isEmpty()) {
            // the other checks would quote the offending text back; the spec is refused either way
            return out;
        }
        if (spec.name() == null || spec.name().isBlank()) {
            out.add(new Violation("name", "is required"));
        } else if (spec.name().length() > 200) {
            out.add(new Violation("name", "must be at most 200 characters"));
        }
        validateTasks(spec, out);
        validateDataset(spec, out);
        validateModel(spec, out);
        validateOptimizers(spec, out);
        validateMethods(spec, out);
        validateSeeds(spec, out);
        range(out, "epochs", spec.epochs(), 1, MAX_EPOCHS);
        range(out, "batchSize", spec.batchSize(), 1, MAX_BATCH_SIZE);
        validateTelemetry(spec, datasets, out);
        validateDecision(spec, out);
        validateLossScale(spec, out);
        validateCorruptions(spec, datasets, out);
        if (out.isEmpty()) {
            validateRunCount(spec, out);
        }
        return out;
    }

    /**
     * Every text of the spec — the name, kinds, task and method names, optimizer names, file paths and every other
     * dataset parameter — is a single-line name: a control character in any of them is refused, naming the field
     * (see {@link ControlCharacters}). PostgreSQL cannot store U+0000 at all.
     */
    private static void validateText(StudySpec spec, List<Violation> out) {
        ControlCharacters.check("name", spec.name(), ControlCharacters.NAME, out);
        ControlCharacters.check("primaryTask", spec.primaryTask(), ControlCharacters.NAME, out);
        if (spec.dataset() != null) {
            ControlCharacters.check("dataset.kind", spec.dataset().kind(), ControlCharacters.NAME, out);
            ControlCharacters.checkTree("dataset.params", spec.dataset().params(), out);
        }
        if (spec.tasks() != null) {
            for (int i = 0; i < spec.tasks().size(); i++) {
                StudySpec.TaskSpec task = spec.tasks().get(i);
                ControlCharacters.check("tasks[" + i + "].name", task == null ? null : task.name(), ControlCharacters.NAME, out);
            }
        }
        if (spec.model() != null) {
            ControlCharacters.check("model.kind", spec.model().kind(), ControlCharacters.NAME, out);
        }
        if (spec.optimizers() != null) {
            for (int i = 0; i < spec.optimizers().size(); i++) {
                StudySpec.OptimizerSpec opt = spec.optimizers().get(i);
                ControlCharacters.check("optimizers[" + i + "].name", opt == null ? null : opt.name(), ControlCharacters.NAME, out);
            }
        }
        if (spec.methods() != null) {
            for (int i = 0; i < spec.methods().size(); i++) {
                ControlCharacters.check("methods[" + i + "]", spec.methods().get(i), ControlCharacters.NAME, out);
            }
        }
        if (spec.telemetry() != null) {
            ControlCharacters.check("telemetry.gradientSpace", spec.telemetry().gradientSpace(), ControlCharacters.NAME, out);
        }
    }

    /** The study's size against {@link #MAX_RUNS} (or {@link #QUICK_MAX_RUNS}), saying what to cut. */
    private static void validateRunCount(StudySpec spec, List<Violation> out) {
        int runs = StudyExpansion.runCount(spec);
        boolean quick = spec.quickOrDefault();
        int limit = quick ? QUICK_MAX_RUNS : MAX_RUNS;
        if (runs <= limit) {
            return;
        }
        int rates = spec.optimizers().stream().mapToInt(o -> o.learningRateGrid().size()).sum();
        int perSetting = runs / Math.max(1, rates * spec.seeds().size());
        String probe = spec.lossScale() == null ? "" : " + as many loss-scale probe runs";
        String shape = rates + " optimizer learning rates × " + spec.seeds().size() + " seeds × " + perSetting
                + (quick ? " runs (2 STL + 1 MTL with ew" + probe + ")" : " runs (" + spec.tasks().size() + " STL + "
                + spec.methods().size() + " MTL" + probe + ")");
        String cut = quick ? "a quick study keeps to " + QUICK_MAX_RUNS + " runs: use fewer seeds or learning rates"
                : "use fewer learning rates, methods, seeds or optimizers, or start with \"quick\": true";
        out.add(new Violation(quick ? "quick" : "seeds", "the study expands to " + runs + " runs (" + shape
                + "), more than the limit of " + limit + "; " + cut));
    }

    /** The largest constant a loss-scale probe may multiply a task's loss by (and 1 / it the smallest). */
    public static final double MAX_LOSS_SCALE = 1000;
    /** Dataset kinds whose samples are images: the ones a corruption evaluation applies to. */
    public static final Set<String> IMAGE_DATASET_KINDS = Set.of("multi-fashion", "idx", "image-folder");

    /** The loss-scale probe: a task of the study (one the runs train) and a finite factor other than 1. */
    private static void validateLossScale(StudySpec spec, List<Violation> out) {
        StudySpec.LossScaleSpec scale = spec.lossScale();
        if (scale == null) {
            return;
        }
        ControlCharacters.check("lossScale.task", scale.task(), ControlCharacters.NAME, out);
        if (scale.task() == null) {
            out.add(new Violation("lossScale.task", "is required: the task whose loss the probe multiplies"));
        } else if (spec.tasks() != null && spec.tasks().stream().noneMatch(t -> t != null && scale.task().equals(t.name()))) {
            out.add(new Violation("lossScale.task", "must name one of the tasks, got '" + scale.task() + "'"));
        } else if (spec.tasks() != null && spec.quickOrDefault() && spec.tasks().stream().allMatch(t -> t != null && t.name() != null)
                && !StudyExpansion.quickTasks(spec).contains(scale.task())) {
            out.add(new Violation("lossScale.task", "a quick study trains " + StudyExpansion.quickTasks(spec)
                    + " only: '" + scale.task() + "' is not one of them"));
        } else if (spec.methods() != null && spec.methods().stream().anyMatch(m -> m != null
                && scale.tag(m).length() > 64)) {
            out.add(new Violation("lossScale.task", "the probe runs' method names (method + '+scale(' + task + '*' + "
                    + "factor + ')') must fit 64 characters: use a shorter task name"));
        }
        Double factor = scale.factor();
        if (factor == null) {
            out.add(new Violation("lossScale.factor", "is required: the constant the task's loss is multiplied by, e.g. 10"));
        } else if (!Double.isFinite(factor) || factor < 1 / MAX_LOSS_SCALE || factor > MAX_LOSS_SCALE || factor == 1) {
            out.add(new Violation("lossScale.factor", "must be a number in [" + 1 / MAX_LOSS_SCALE + ", "
                    + (long) MAX_LOSS_SCALE + "] other than 1, got " + factor));
        }
    }

    /** The corruption evaluation: an image dataset, known corruption types and severities 1..5, each listed once. */
    private static void validateCorruptions(StudySpec spec, DatasetKinds datasets, List<Violation> out) {
        StudySpec.CorruptionSpec corruptions = spec.corruptions();
        if (corruptions == null) {
            return;
        }
        if (spec.dataset() != null && spec.dataset().kind() != null
                && !datasets.find(spec.dataset().kind()).map(DatasetKind::images).orElse(false)) {
            java.util.List<String> imageKinds = datasets.all().stream().filter(DatasetKind::images)
                    .map(DatasetKind::name).sorted().toList();
            out.add(new Violation("corruptions", "applies to image datasets (" + imageKinds + "), not '"
                    + spec.dataset().kind() + "'"));
        }
        if (corruptions.types() == null || corruptions.types().isEmpty()) {
            out.add(new Violation("corruptions.types", "must list at least one of " + org.mtlab.core.data.Corruptions.TYPES));
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < corruptions.types().size(); i++) {
                String type = corruptions.types().get(i);
                String field = "corruptions.types[" + i + "]";
                ControlCharacters.check(field, type, ControlCharacters.NAME, out);
                if (type == null || !org.mtlab.core.data.Corruptions.TYPES.contains(type)) {
                    out.add(new Violation(field, "must be one of " + org.mtlab.core.data.Corruptions.TYPES + ", got '"
                            + type + "'"));
                } else if (!seen.add(type)) {
                    out.add(new Violation(field, "duplicate corruption '" + type + "'"));
                }
            }
        }
        if (corruptions.severities() == null || corruptions.severities().isEmpty()) {
            out.add(new Violation("corruptions.severities", "must list at least one severity in 1.."
                    + org.mtlab.core.data.Corruptions.MAX_SEVERITY));
        } else {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < corruptions.severities().size(); i++) {
                Integer severity = corruptions.severities().get(i);
                String field = "corruptions.severities[" + i + "]";
                if (severity == null || severity < 1 || severity > org.mtlab.core.data.Corruptions.MAX_SEVERITY) {
                    out.add(new Violation(field, "must be a severity in 1.." + org.mtlab.core.data.Corruptions.MAX_SEVERITY
                            + ", got " + severity));
                } else if (!seen.add(severity)) {
                    out.add(new Violation(field, "duplicate severity " + severity));
                }
            }
        }
    }

    /** Primary task, task values and margins. */
    private static void validateDecision(StudySpec spec, List<Violation> out) {
        if (spec.tasks() == null) {
            return;
        }
        if (spec.primaryTask() != null && spec.tasks().stream()
                .noneMatch(t -> t != null && spec.primaryTask().equals(t.name()))) {
            out.add(new Violation("primaryTask", "must name one of the tasks, got '" + spec.primaryTask() + "'"));
        }
        for (int i = 0; i < spec.tasks().size(); i++) {
            StudySpec.TaskSpec task = spec.tasks().get(i);
            if (task == null) {
                continue;
            }
            if (task.value() != null && (!(task.value() > 0) || task.value() > MAX_TASK_VALUE)) {
                out.add(new Violation("tasks[" + i + "].value", "must be a number in (0, " + (long) MAX_TASK_VALUE
                        + "]: what the task is worth relative to the others (default 1)"));
            }
            if (task.margin() != null && (!(task.margin() >= 0) || task.margin() > MAX_MARGIN)) {
                out.add(new Violation("tasks[" + i + "].margin", "must be a fraction in [0, " + (long) MAX_MARGIN
                        + "]: the largest accepted relative degradation against STL, e.g. 0.01 for 1%"));
            }
        }
    }

    private static void validateTasks(StudySpec spec, List<Violation> out) {
        if (spec.tasks() == null) {
            out.add(new Violation("tasks", "is required: at least two tasks"));
            return;
        }
        if (spec.tasks().size() < 2 || spec.tasks().size() > MAX_TASKS) {
            out.add(new Violation("tasks", "must list between 2 and " + MAX_TASKS + " tasks, got " + spec.tasks().size()));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.tasks().size(); i++) {
            StudySpec.TaskSpec task = spec.tasks().get(i);
            String field = "tasks[" + i + "].name";
            if (task == null || task.name() == null) {
                out.add(new Violation(field, "is required"));
            } else if (!TASK_NAME.matcher(task.name()).matches()) {
                out.add(new Violation(field, "must be 1-64 letters, digits, '_' or '-'"));
            } else if (!seen.add(task.name())) {
                out.add(new Violation(field, "duplicate task name '" + task.name() + "'"));
            }
        }
    }

    private void validateDataset(StudySpec spec, List<Violation> out) {
        DatasetValidation.validate(spec, datasets, out);
    }

    private void validateModel(StudySpec spec, List<Violation> out) {
        int before = out.size();
        ModelKinds.validate(spec.model(), out);
        if (out.size() == before) {
            DatasetValidation.model(spec, datasets, out);
        }
    }

    private static void validateOptimizers(StudySpec spec, List<Violation> out) {
        if (spec.optimizers() == null || spec.optimizers().isEmpty() || spec.optimizers().size() > MAX_OPTIMIZERS) {
            out.add(new Violation("optimizers", "must list 1 to " + MAX_OPTIMIZERS + " optimizers"));
            return;
        }
        for (int i = 0; i < spec.optimizers().size(); i++) {
            StudySpec.OptimizerSpec opt = spec.optimizers().get(i);
            String field = "optimizers[" + i + "]";
            if (opt == null || opt.name() == null || !OPTIMIZERS.contains(opt.name())) {
                out.add(new Violation(field + ".name", "must be one of " + sorted(OPTIMIZERS)));
                continue;
            }
            if (opt.learningRates() != null) {
                validateGrid(field, opt, out);
            } else if (!validRate(opt.learningRate())) {
                out.add(new Violation(field + ".learningRate", "is required (or learningRates, a grid): a number in (0, 10]"));
            }
            if (opt.momentum() != null && (!(opt.momentum() >= 0) || opt.momentum() >= 1)) {
                out.add(new Violation(field + ".momentum", "must lie in [0, 1)"));
            }
            if (opt.momentum() != null && !"sgd".equals(opt.name())) {
                out.add(new Violation(field + ".momentum", "applies to sgd only"));
            }
            validateDecay(field, opt, out);
            if ("adatask".equals(opt.name()) && spec.methods() != null
                    && spec.methods().stream().anyMatch(m -> !isEqualWeighting(m))) {
                out.add(new Violation(field + ".name", "adatask (per-task Adam) sums the tasks' Adam directions: use it "
                        + "with methods [ew] only, or run the other methods in a study of their own"));
            }
        }
    }

    /** AdamW's decoupled weight decay and the optional step learning-rate decay. */
    private static void validateDecay(String field, StudySpec.OptimizerSpec opt, List<Violation> out) {
        if (opt.weightDecay() != null) {
            if (!"adamw".equals(opt.name())) {
                out.add(new Violation(field + ".weightDecay", "applies to adamw only (decoupled weight decay)"));
            } else if (!(opt.weightDecay() >= 0) || opt.weightDecay() > MAX_WEIGHT_DECAY) {
                out.add(new Violation(field + ".weightDecay", "must lie in [0, " + MAX_WEIGHT_DECAY + "]"));
            }
        }
        StudySpec.StepDecaySpec decay = opt.stepDecay();
        if (decay != null) {
            range(out, field + ".stepDecay.stepSize", decay.stepSize(), 1, MAX_EPOCHS);
            if (decay.gamma() != null && (!(decay.gamma() > 0) || decay.gamma() > 1)) {
                out.add(new Violation(field + ".stepDecay.gamma", "must lie in (0, 1] (default 0.1)"));
            }
        }
    }

    private static void validateGrid(String field, StudySpec.OptimizerSpec opt, List<Violation> out) {
        if (opt.learningRate() != null) {
            out.add(new Violation(field + ".learningRate", "give either learningRate or learningRates, not both"));
        }
        List<Double> grid = opt.learningRates();
        if (grid.isEmpty() || grid.size() > MAX_LEARNING_RATES) {
            out.add(new Violation(field + ".learningRates", "must list 1 to " + MAX_LEARNING_RATES + " learning rates"));
            return;
        }
        Set<Double> seen = new HashSet<>();
        for (int j = 0; j < grid.size(); j++) {
            if (!validRate(grid.get(j))) {
                out.add(new Violation(field + ".learningRates[" + j + "]", "must be a number in (0, 10]"));
            } else if (!seen.add(grid.get(j))) {
                out.add(new Violation(field + ".learningRates[" + j + "]", "duplicate learning rate " + grid.get(j)));
            }
        }
    }

    private static boolean validRate(Double rate) {
        return rate != null && rate > 0 && rate <= 10;
    }

    private void validateMethods(StudySpec spec, List<Violation> out) {
        if (spec.methods() == null || spec.methods().isEmpty()) {
            out.add(new Violation("methods", "must list at least one weighting method; known: " + sorted(knownMethods)));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.methods().size(); i++) {
            String method = spec.methods().get(i);
            String canonical = known(method);
            if (canonical == null) {
                out.add(new Violation("methods[" + i + "]", "unknown method '" + method + "'; known: "
                        + sorted(knownMethods) + " (and " + CR_MOGM_SYNTAX + ")"));
            } else if (!seen.add(canonical)) {
                out.add(new Violation("methods[" + i + "]", "duplicate method '" + method + "' (" + canonical + ")"));
            }
        }
    }

    private static final String CR_MOGM_SYNTAX = "cr-mogm:<a Gram-based method>, e.g. cr-mogm:upgrad";

    /**
     * The canonical name of a method this validator accepts, or null: the registry must know the name, and every
     * method it names (a wrapper and the method it wraps) must be among the known methods.
     */
    private String known(String method) {
        if (method == null || !MethodRegistry.isKnown(method)) {
            return null;
        }
        String canonical = MethodRegistry.canonicalName(method);
        for (String part : canonical.split(Pattern.quote(MethodRegistry.WRAPPER_SEPARATOR))) {
            if (!knownCanonical.contains(part)) {
                return null;
            }
        }
        return canonical;
    }

    /** True for a name of equal weighting ("ew", "EW", …). */
    private static boolean isEqualWeighting(String method) {
        return method != null && MethodRegistry.isKnown(method) && "EW".equals(MethodRegistry.canonicalName(method));
    }

    private static void validateSeeds(StudySpec spec, List<Violation> out) {
        if (spec.seeds() == null || spec.seeds().isEmpty() || spec.seeds().size() > MAX_SEEDS) {
            out.add(new Violation("seeds", "must list 1 to " + MAX_SEEDS + " seeds"));
            return;
        }
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < spec.seeds().size(); i++) {
            if (spec.seeds().get(i) == null) {
                out.add(new Violation("seeds[" + i + "]", "must be an integer"));
            } else if (!seen.add(spec.seeds().get(i))) {
                out.add(new Violation("seeds[" + i + "]", "duplicate seed " + spec.seeds().get(i)));
            }
        }
    }

    /** Largest single-task baseline section a study may ask for (bytes per gradient event). */
    public static final long MAX_BASELINE_BYTES = 256 * 1024;

    private static void validateTelemetry(StudySpec spec, DatasetKinds datasets, List<Violation> out) {
        StudySpec.TelemetrySpec telemetry = spec.telemetryOrDefault();
        if (telemetry.everySteps() != null) {
            range(out, "telemetry.everySteps", telemetry.everySteps(), 1, 100_000);
        }
        Integer baselineSamples = telemetry.baselineSamples();
        if (baselineSamples != null && baselineSamples != 0 && (baselineSamples < ConflictBaseline.MIN_SAMPLES
                || baselineSamples > ConflictBaseline.MAX_SAMPLES)) {
            out.add(new Violation("telemetry.baselineSamples", "must be 0 (no single-task baseline) or lie in ["
                    + ConflictBaseline.MIN_SAMPLES + ", " + ConflictBaseline.MAX_SAMPLES + "], got " + baselineSamples));
        } else if (spec.tasks() != null && telemetry.baselineSamplesOrDefault() > 0) {
            // the section grows with T²·m and T·m²: keep a gradient event far below Kafka's 1 MB record limit
            long bytes = GradientEventCodec.baselineBytes(spec.tasks().size(), telemetry.baselineSamplesOrDefault());
            if (bytes > MAX_BASELINE_BYTES) {
                out.add(new Violation("telemetry.baselineSamples", telemetry.baselineSamplesOrDefault() + " samples of "
                        + spec.tasks().size() + " tasks make a " + bytes + "-byte baseline per event, above "
                        + MAX_BASELINE_BYTES + "; use fewer samples"));
            }
        }
        if (telemetry.baselineEvery() != null) {
            range(out, "telemetry.baselineEvery", telemetry.baselineEvery(), 1, 100_000);
        }
        GradientEvent.Space space = null;
        try {
            space = telemetry.gradientSpaceOrDefault();
        } catch (IllegalArgumentException unknown) {
            out.add(new Violation("telemetry.gradientSpace", "must be 'parameters' or 'representation', got '"
                    + telemetry.gradientSpace() + "'"));
        }
        if (space == GradientEvent.Space.REPRESENTATION) {
            validateRepresentationSpace(spec, out);
        }
        if (telemetry.fullGradientsOrDefault() && out.isEmpty() && space == GradientEvent.Space.REPRESENTATION) {
            long width = representationWidth(spec, datasets);
            long entries = width * spec.batchSize();
            if (width > 0 && entries > GradientEvent.MAX_FULL_GRADIENT_PARAMETERS) {
                out.add(new Violation("telemetry.fullGradients", "a representation gradient has batchSize × "
                        + "representation width = " + spec.batchSize() + " × " + width + " = " + entries
                        + " entries; full gradients are limited to " + GradientEvent.MAX_FULL_GRADIENT_PARAMETERS
                        + " (use a smaller batch or turn fullGradients off)"));
            }
        } else if (telemetry.fullGradientsOrDefault() && out.isEmpty()) {
            long shared = DatasetValidation.sharedParameterCount(spec, datasets);
            if (shared > GradientEvent.MAX_FULL_GRADIENT_PARAMETERS) {
                out.add(new Violation("telemetry.fullGradients", "the shared trunk has " + shared
                        + " parameters; full gradients are limited to " + GradientEvent.MAX_FULL_GRADIENT_PARAMETERS
                        + " (use a smaller model or turn fullGradients off)"));
            }
        }
    }

    /**
     * Refuses, naming the entry, every method that cannot combine representation gradients: those whose
     * {@link org.mtlab.core.methods.MethodInfo#worksInRepresentationSpace()} is false (they keep gradient vectors
     * across steps, and a representation gradient's coordinates are the rows of the step's batch — different samples
     * every step, and fewer in a last short batch — so such state means nothing).
     */
    private static void validateRepresentationSpace(StudySpec spec, List<Violation> out) {
        if (spec.methods() != null) {
            for (int i = 0; i < spec.methods().size(); i++) {
                String method = spec.methods().get(i);
                if (method != null && MethodRegistry.isKnown(method)
                        && !MethodRegistry.describe(method).worksInRepresentationSpace()) {
                    out.add(new Violation("methods[" + i + "]", "method '" + method + "' keeps gradient vectors "
                            + "across steps and cannot run with telemetry.gradientSpace 'representation' (whose "
                            + "coordinates are the batch's samples, new every step); use gradientSpace 'parameters'"));
                }
            }
        }
        ModelKind kind = spec.model() == null ? null : ModelKinds.find(spec.model().kind()).orElse(null);
        if (kind != null && !kind.hasSharedRepresentation()) {
            out.add(new Violation("telemetry.gradientSpace", kind.name() + " has no single shared representation (each "
                    + "task reads its own gated mixture of the experts); use gradientSpace 'parameters'"));
        }
        if (spec.optimizers() != null) {
            for (int i = 0; i < spec.optimizers().size(); i++) {
                StudySpec.OptimizerSpec optimizer = spec.optimizers().get(i);
                if (optimizer != null && "adatask".equals(optimizer.name())) {
                    out.add(new Violation("optimizers[" + i + "].name", "adatask keeps per-task moments of the "
                            + "shared parameters' task gradients, which telemetry.gradientSpace 'representation' does "
                            + "not compute; use gradientSpace 'parameters'"));
                }
            }
        }
    }

    /** Features of the shared representation (the trunk's output width); -1 when the model does not say. */
    static long representationWidth(StudySpec spec, DatasetKinds datasets) {
        Architecture architecture = DatasetValidation.architecture(spec, datasets);
        if (architecture != null) {
            return architecture.features();
        }
        ModelKind kind = spec.model() == null ? null : ModelKinds.find(spec.model().kind()).orElse(null);
        return kind == null ? -1 : kind.declaredFeatures(spec.model());
    }

    /**
     * Parameters of the shared trunk (MLP, MultiLeNet, ResNet, or MMoE's experts); -1 when only the data file tells
     * (a CSV without features).
     */
    public static long sharedParameterCount(StudySpec spec) {
        return DatasetValidation.sharedParameterCount(spec, DatasetKinds.standard());
    }

    private static void range(List<Violation> out, String field, Integer value, int min, int max) {
        if (value == null) {
            out.add(new Violation(field, "is required: an integer in [" + min + ", " + max + "]"));
        } else if (value < min || value > max) {
            out.add(new Violation(field, "must lie in [" + min + ", " + max + "], got " + value));
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
