package org.mtlab.core.contract;

import java.util.List;
import java.util.Map;

/**
 * What a team submits: the data, its tasks, the model and the comparison grid. Expanded by
 * {@link StudyExpansion} into one STL run per task and one MTL run per weighting method, for every
 * optimizer and seed. Boxed fields stay null when missing so that validation can name them.
 */
public record StudySpec(
        String name,
        DatasetSpec dataset,
        List<TaskSpec> tasks,
        ModelSpec model,
        List<OptimizerSpec> optimizers,
        List<String> methods,
        List<Long> seeds,
        Integer epochs,
        Integer batchSize,
        TelemetrySpec telemetry,
        String primaryTask,
        Boolean quick,
        LossScaleSpec lossScale,
        CorruptionSpec corruptions) {

    /** A study without the reproduction options (no loss-scale probe, no corruption evaluation). */
    public StudySpec(String name, DatasetSpec dataset, List<TaskSpec> tasks, ModelSpec model,
                     List<OptimizerSpec> optimizers, List<String> methods, List<Long> seeds, Integer epochs,
                     Integer batchSize, TelemetrySpec telemetry, String primaryTask, Boolean quick) {
        this(name, dataset, tasks, model, optimizers, methods, seeds, epochs, batchSize, telemetry, primaryTask, quick,
                null, null);
    }

    /** A study without the decision fields: the first task is the primary one, no quick mode. */
    public StudySpec(String name, DatasetSpec dataset, List<TaskSpec> tasks, ModelSpec model,
                     List<OptimizerSpec> optimizers, List<String> methods, List<Long> seeds, Integer epochs,
                     Integer batchSize, TelemetrySpec telemetry) {
        this(name, dataset, tasks, model, optimizers, methods, seeds, epochs, batchSize, telemetry, null, null);
    }

    /** Dataset kind and its parameters, e.g. {@code {"kind":"synthetic","params":{"rho":0.5}}}. */
    public record DatasetSpec(String kind, Map<String, Object> params) {
        public double number(String key, double fallback) {
            Object value = params == null ? null : params.get(key);
            return value instanceof Number n ? n.doubleValue() : fallback;
        }
    }

    /**
     * One prediction task; its name is how every metric and gradient statistic refers to it.
     *
     * @param value  what the task is worth to the business, relative to the others (&gt; 0; default 1): the weight of
     *               its relative gain in the value-weighted gain that ranks MTL configurations
     * @param margin the largest relative degradation against STL accepted for this task, as a fraction (0.01 = 1%
     *               worse than the STL baseline mean); 0 accepts no degradation; null (the default) sets no constraint
     */
    public record TaskSpec(String name, Double value, Double margin) {
        public TaskSpec(String name) {
            this(name, null, null);
        }

        public double valueOrDefault() {
            return value == null ? 1.0 : value;
        }
    }

    /**
     * The model. Hard parameter sharing — a shared trunk and one linear head per task: {@code mlp} (a trunk of
     * {@code hidden} ReLU layers), {@code multilenet} and {@code resnet} (fixed convolutional trunks for image data).
     * Or {@code mmoe} (Ma et al., KDD 2018): {@code experts} shared experts, each a ReLU layer of {@code expertWidth}
     * units over the input, and per task a softmax gate mixing them and a linear head; null fields take the defaults
     * (defaults in {@link org.mtlab.core.model.MmoeKind.Spec}). Or {@code torchscript}: a team's own trunk from the
     * TorchScript file {@code path}, reading samples of {@code inputShape}, returning {@code outputWidth} features.
     * Each kind is a class of {@code org.mtlab.core.model} (its fields, their checks, its tensor shapes); fields that do
     * not apply to a kind must be absent. This record is the wire form, one JSON object as CONTRACTS.md gives it; a
     * kind reads its own fields from it into its own record ({@code MlpKind.Spec}, {@code MmoeKind.Spec},
     * {@code TorchScriptKind.Spec}), which is what the architecture and the trainer use.
     */
    public record ModelSpec(String kind, List<Integer> hidden, Integer experts, Integer expertWidth, String path,
                            List<Integer> inputShape, Integer outputWidth) {
        /** A model without MMoE's or TorchScript's fields. */
        public ModelSpec(String kind, List<Integer> hidden) {
            this(kind, hidden, null, null);
        }

        /** A model without TorchScript's fields. */
        public ModelSpec(String kind, List<Integer> hidden, Integer experts, Integer expertWidth) {
            this(kind, hidden, experts, expertWidth, null, null, null);
        }

        /** A TorchScript trunk: its file, the shape of one sample, and (null: inferred) its output width. */
        public static ModelSpec torchScript(String path, List<Integer> inputShape, Integer outputWidth) {
            return new ModelSpec("torchscript", null, null, null, path, inputShape, outputWidth);
        }
    }

    /**
     * An optimizer with one learning rate ({@code learningRate}) or a grid of them ({@code learningRates}, each a
     * run of its own, the best selected on the validation split); momentum applies to SGD only, the decoupled
     * {@code weightDecay} to AdamW only (default 0.01); {@code stepDecay} (optional) decays the rate every
     * {@code stepSize} epochs by {@code gamma}.
     */
    public record OptimizerSpec(String name, Double learningRate, Double momentum, List<Double> learningRates,
                                Double weightDecay, StepDecaySpec stepDecay) {
        public OptimizerSpec {
            name = name == null ? null : name.toLowerCase(java.util.Locale.ROOT);
        }

        public OptimizerSpec(String name, Double learningRate, Double momentum) {
            this(name, learningRate, momentum, null);
        }

        public OptimizerSpec(String name, Double learningRate, Double momentum, List<Double> learningRates) {
            this(name, learningRate, momentum, learningRates, null, null);
        }

        /** The learning rates to try: the grid, or the single rate. */
        public List<Double> learningRateGrid() {
            return learningRates != null ? learningRates : learningRate == null ? List.of() : List.of(learningRate);
        }

        /** This optimizer at one learning rate of its grid: what a training request carries. */
        public OptimizerSpec at(double rate) {
            return new OptimizerSpec(name, rate, momentum, null, weightDecay, stepDecay);
        }

        public double momentumOrDefault() {
            return momentum == null ? 0.9 : momentum;
        }
    }

    /**
     * Step learning-rate decay, as {@code torch.optim.lr_scheduler.StepLR} stepped once per epoch: in epoch e
     * (1-based) the rate is {@code learningRate · gamma^⌊(e − 1) / stepSize⌋}.
     */
    public record StepDecaySpec(Integer stepSize, Double gamma) {
    }

    /**
     * Gradient telemetry: one gradient event every {@code everySteps} steps (default {@value #DEFAULT_EVERY_STEPS},
     * chosen from the step-time benchmark so that a run's slowdown against no telemetry stays within 10%, see
     * BENCHMARKS.md); {@code fullGradients} adds the complete per-task gradient vectors (tiny models only, see
     * {@link GradientEvent#MAX_FULL_GRADIENT_PARAMETERS}). Every {@code baselineEvery}-th event (default
     * {@value #DEFAULT_BASELINE_EVERY}: a baseline every 200 steps by default; Elich et al. sample every 5 steps, which costs several times the training time,
     * see BENCHMARKS.md) carries the single-task conflict baseline ({@link ConflictBaseline}) computed on
     * {@code baselineSamples} samples drawn from the step's batch (default {@value #DEFAULT_BASELINE_SAMPLES}, as
     * Elich et al.; 0 turns the baseline off; otherwise 2..{@value ConflictBaseline#MAX_SAMPLES}).
     *
     * <p>{@code gradientSpace} ({@link GradientEvent.Space}, default {@code parameters}): where the per-task gradients
     * that the weighting method combines and the telemetry measures live — {@code parameters}: on the shared
     * parameters, one backward pass per task; {@code representation}: on the shared representation (the trunk's
     * output, detached), one cheap backward per task through its head and a single trunk backward of the combined
     * gradient. The conflict baseline is measured on the shared parameters in both spaces.
     */
    public record TelemetrySpec(Integer everySteps, Boolean fullGradients, Integer baselineSamples, Integer baselineEvery,
                                String gradientSpace) {
        public static final int DEFAULT_EVERY_STEPS = 20;
        public static final int DEFAULT_BASELINE_SAMPLES = 8;
        public static final int DEFAULT_BASELINE_EVERY = 10;
        public static final TelemetrySpec DEFAULT = new TelemetrySpec(null, false);

        public TelemetrySpec(Integer everySteps, Boolean fullGradients) {
            this(everySteps, fullGradients, null, null);
        }

        public TelemetrySpec(Integer everySteps, Boolean fullGradients, Integer baselineSamples, Integer baselineEvery) {
            this(everySteps, fullGradients, baselineSamples, baselineEvery, null);
        }

        public int baselineSamplesOrDefault() {
            return baselineSamples == null ? DEFAULT_BASELINE_SAMPLES : baselineSamples;
        }

        public int baselineEveryOrDefault() {
            return baselineEvery == null ? DEFAULT_BASELINE_EVERY : baselineEvery;
        }

        public int everyStepsOrDefault() {
            return everySteps == null ? DEFAULT_EVERY_STEPS : everySteps;
        }

        public boolean fullGradientsOrDefault() {
            return fullGradients != null && fullGradients;
        }

        /** The gradient space; {@link GradientEvent.Space#PARAMETERS} when absent. */
        public GradientEvent.Space gradientSpaceOrDefault() {
            return gradientSpace == null ? GradientEvent.Space.PARAMETERS : GradientEvent.Space.of(gradientSpace);
        }
    }

    /**
     * The loss-scale probe (optional): every MTL run of the study is trained a second time with task {@code task}'s
     * loss multiplied by {@code factor} (a constant, e.g. 10), same seed, learning rate and method, so that the report
     * can show per optimizer how far each task's result moved. Elich et al. (GCPR 2024) show that Adam is invariant to
     * such a scale for the task's head parameters (not the shared trunk), SGD is not: with SGD a task weight is a
     * per-task learning rate.
     */
    public record LossScaleSpec(String task, Double factor) {
        /** What a probe run's method is reported as: {@code ew+scale(left*10.0)}. */
        public static final String TAG = "+scale(";

        /** The method name a probe run reports, e.g. {@code ew+scale(left*10.0)}. */
        public String tag(String method) {
            return method + TAG + task + "*" + factor + ")";
        }

        /** Whether a reported method name is a loss-scale probe's. */
        public static boolean isProbe(String method) {
            return method != null && method.contains(TAG) && method.endsWith(")");
        }

        /** The method a probe name was made from ({@code ew} for {@code ew+scale(left*10.0)}); the name itself otherwise. */
        public static String baseMethod(String method) {
            return isProbe(method) ? method.substring(0, method.indexOf(TAG)) : method;
        }

        /** The probe spec a tagged method name carries, or null for a name without one. */
        public static LossScaleSpec parse(String method) {
            if (!isProbe(method)) {
                return null;
            }
            String inner = method.substring(method.indexOf(TAG) + TAG.length(), method.length() - 1);
            int star = inner.lastIndexOf('*');
            if (star < 1) {
                return null;
            }
            try {
                return new LossScaleSpec(inner.substring(0, star), Double.parseDouble(inner.substring(star + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /**
     * Corruption evaluation (optional, image datasets only): after training, every run is also evaluated on corrupted
     * copies of its test split, each {@code types} entry ({@code org.mtlab.core.data.Corruptions#TYPES}) at each of
     * {@code severities} (1..5), computed on the fly from {@code seed} (default 0), so every run sees the same
     * corrupted images.
     */
    public record CorruptionSpec(List<String> types, List<Integer> severities, Long seed) {
        public long seedOrDefault() {
            return seed == null ? 0 : seed;
        }
    }

    public List<String> taskNames() {
        return tasks.stream().map(TaskSpec::name).toList();
    }

    /** The primary task: the one named, or the first task when none is. */
    public String primaryTaskOrDefault() {
        return primaryTask != null ? primaryTask : tasks.get(0).name();
    }

    public boolean quickOrDefault() {
        return quick != null && quick;
    }

    public TelemetrySpec telemetryOrDefault() {
        return telemetry == null ? TelemetrySpec.DEFAULT : telemetry;
    }
}
