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
        TelemetrySpec telemetry) {

    /** Dataset kind and its parameters, e.g. {@code {"kind":"synthetic","params":{"rho":0.5}}}. */
    public record DatasetSpec(String kind, Map<String, Object> params) {
        public double number(String key, double fallback) {
            Object value = params == null ? null : params.get(key);
            return value instanceof Number n ? n.doubleValue() : fallback;
        }
    }

    /** One prediction task; its name is how every metric and gradient statistic refers to it. */
    public record TaskSpec(String name) {
    }

    /** Hard-parameter-sharing model: a shared trunk of {@code hidden} layers and one head per task. */
    public record ModelSpec(String kind, List<Integer> hidden) {
    }

    /** An optimizer and its learning rate; momentum applies to SGD only. */
    public record OptimizerSpec(String name, Double learningRate, Double momentum) {
        public OptimizerSpec {
            name = name == null ? null : name.toLowerCase(java.util.Locale.ROOT);
        }

        public double momentumOrDefault() {
            return momentum == null ? 0.9 : momentum;
        }
    }

    /**
     * Gradient telemetry: one gradient event every {@code everySteps} steps; {@code fullGradients} adds the
     * complete per-task gradient vectors (tiny models only, see {@link GradientEvent#MAX_FULL_GRADIENT_PARAMETERS}).
     */
    public record TelemetrySpec(Integer everySteps, Boolean fullGradients) {
        public static final TelemetrySpec DEFAULT = new TelemetrySpec(1, false);

        public int everyStepsOrDefault() {
            return everySteps == null ? 1 : everySteps;
        }

        public boolean fullGradientsOrDefault() {
            return fullGradients != null && fullGradients;
        }
    }

    public List<String> taskNames() {
        return tasks.stream().map(TaskSpec::name).toList();
    }

    public TelemetrySpec telemetryOrDefault() {
        return telemetry == null ? TelemetrySpec.DEFAULT : telemetry;
    }
}
