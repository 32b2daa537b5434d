package org.mtlab.gateway;

import static org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.ARRAY;
import static org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.BOOLEAN;
import static org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.INTEGER;
import static org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.NUMBER;
import static org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.OBJECT;
import static org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.STRING;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.mtlab.core.contract.ConflictBaseline;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.StudySpecValidator;
import org.mtlab.core.data.DatasetKind;
import org.mtlab.core.data.DatasetKinds;
import org.mtlab.core.methods.MethodRegistry;
import org.mtlab.core.model.MlpKind;
import org.mtlab.core.model.MmoeKind;
import org.mtlab.core.model.ModelKind;
import org.mtlab.core.model.ModelKinds;

/**
 * Completes the generated OpenAPI document (served at {@code /q/openapi}) with what the code alone does not say: the
 * study spec's schema with every resource guard the validator enforces, the problem+json error body, and a
 * machine-readable {@code x-mtlab-limits} summary. The numbers are read from {@link StudySpecValidator}'s constants,
 * so the description cannot drift from what the gateway enforces.
 */
public class ApiDescription implements OASFilter {
    static final String STUDY_SPEC = "StudySpec";
    static final String PROBLEM = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.components(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(STUDY_SPEC, studySpec());
        openAPI.getComponents().addSchema(PROBLEM, problem());
        openAPI.addExtension("x-mtlab-limits", limits());
        if (openAPI.getInfo() != null) {
            openAPI.getInfo().description(guardsInProse());
        }
        PathItem studies = openAPI.getPaths() == null ? null : openAPI.getPaths().getPathItem("/api/studies");
        Operation submit = studies == null ? null : studies.getPOST();
        if (submit != null) {
            submit.requestBody(OASFactory.createRequestBody().required(true)
                    .description("The study spec (at most " + StudyResource.MAX_SPEC_CHARACTERS + " characters, else 413)")
                    .content(OASFactory.createContent().addMediaType("application/json",
                            OASFactory.createMediaType().schema(ref(STUDY_SPEC)))));
            submit.description("Expands the spec into runs (an STL baseline per task, MTL per optimizer × method × seed × "
                    + "learning rate) and queues them. 400 problem+json names every offending field; 413 when the body is "
                    + "too large; 415 for a media type other than JSON.");
        }
    }

    /** The limits as one flat map: what a client can check before it submits. */
    static Map<String, Object> limits() {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxSpecCharacters", StudyResource.MAX_SPEC_CHARACTERS);
        limits.put("maxTasks", StudySpecValidator.MAX_TASKS);
        limits.put("maxSeeds", StudySpecValidator.MAX_SEEDS);
        limits.put("maxOptimizers", StudySpecValidator.MAX_OPTIMIZERS);
        limits.put("maxLearningRatesPerOptimizer", StudySpecValidator.MAX_LEARNING_RATES);
        limits.put("maxRunsPerStudy", StudySpecValidator.MAX_RUNS);
        limits.put("maxRunsPerQuickStudy", StudySpecValidator.QUICK_MAX_RUNS);
        limits.put("maxEpochs", StudySpecValidator.MAX_EPOCHS);
        limits.put("maxBatchSize", StudySpecValidator.MAX_BATCH_SIZE);
        limits.put("maxHiddenLayers", StudySpecValidator.MAX_LAYERS);
        limits.put("maxLayerWidth", StudySpecValidator.MAX_LAYER_WIDTH);
        limits.put("maxExperts", StudySpecValidator.MAX_EXPERTS);
        limits.put("maxSyntheticDimension", StudySpecValidator.MAX_DIMENSION);
        limits.put("maxSyntheticSamples", StudySpecValidator.MAX_SAMPLES);
        limits.put("maxBaselineSamples", ConflictBaseline.MAX_SAMPLES);
        limits.put("maxBaselineBytesPerEvent", StudySpecValidator.MAX_BASELINE_BYTES);
        return limits;
    }

    private static String guardsInProse() {
        return "mtlab: should these tasks be trained together? Submit a study, follow its runs, read its report. Every "
                + "/api endpoint needs a JWT bearer token with a tenant claim. Resource guards (400 problem+json naming "
                + "the field when exceeded): " + StudySpecValidator.MAX_TASKS + " tasks, " + StudySpecValidator.MAX_SEEDS
                + " seeds, " + StudySpecValidator.MAX_OPTIMIZERS + " optimizers with " + StudySpecValidator.MAX_LEARNING_RATES
                + " learning rates each, " + StudySpecValidator.MAX_RUNS + " runs per study (" + StudySpecValidator.QUICK_MAX_RUNS
                + " in quick mode), " + StudySpecValidator.MAX_EPOCHS + " epochs, batch size " + StudySpecValidator.MAX_BATCH_SIZE
                + ", " + StudySpecValidator.MAX_LAYERS + " hidden layers of at most " + StudySpecValidator.MAX_LAYER_WIDTH
                + " units; request bodies of at most " + StudyResource.MAX_SPEC_CHARACTERS + " characters (413).";
    }

    private static Schema studySpec() {
        return object("A study: the data, its tasks, the model and the comparison grid")
                .required(List.of("name", "dataset", "tasks", "model", "optimizers", "methods", "seeds", "epochs", "batchSize"))
                .addProperty("name", string("Shown in lists and reports").minLength(1).maxLength(200))
                .addProperty("dataset", dataset())
                .addProperty("tasks", array(object("One prediction task")
                        .required(List.of("name"))
                        .addProperty("name", string("Task name").pattern("^[A-Za-z0-9_-]{1,64}$"))
                        .addProperty("value", number("Business value relative to the other tasks", null,
                                StudySpecValidator.MAX_TASK_VALUE).exclusiveMinimum(BigDecimal.ZERO))
                        .addProperty("margin", number("Largest accepted relative degradation against STL", 0.0,
                                StudySpecValidator.MAX_MARGIN)))
                        .minItems(2).maxItems(StudySpecValidator.MAX_TASKS))
                .addProperty("model", model())
                .addProperty("optimizers", array(optimizer()).minItems(1).maxItems(StudySpecValidator.MAX_OPTIMIZERS))
                .addProperty("methods", array(enumOf(Set.copyOf(MethodRegistry.names()))).minItems(1))
                .addProperty("seeds", array(schema(INTEGER)).minItems(1).maxItems(StudySpecValidator.MAX_SEEDS))
                .addProperty("epochs", integer("Training epochs per run", 1, StudySpecValidator.MAX_EPOCHS))
                .addProperty("batchSize", integer("Samples per step", 1, StudySpecValidator.MAX_BATCH_SIZE))
                .addProperty("telemetry", object("Gradient telemetry")
                        .addProperty("everySteps", integer("A gradient event every this many steps (default "
                                + StudySpec.TelemetrySpec.DEFAULT_EVERY_STEPS + ")", 1, 100_000))
                        .addProperty("fullGradients", schema(BOOLEAN))
                        .addProperty("gradientSpace", schema(STRING).enumeration(List.of("parameters", "representation"))
                                .description("Where task gradients are compared and combined (default parameters)"))
                        .addProperty("baselineSamples", integer("Samples of the single-task baseline (0: off; default "
                                + StudySpec.TelemetrySpec.DEFAULT_BASELINE_SAMPLES + ")", 0, ConflictBaseline.MAX_SAMPLES))
                        .addProperty("baselineEvery", integer("The baseline on every this many events (default "
                                + StudySpec.TelemetrySpec.DEFAULT_BASELINE_EVERY + ")", 1, 100_000)))
                .addProperty("primaryTask", string("The task the verdict leads with (default: the first)"))
                .addProperty("quick", schema(BOOLEAN).description("A quick study: at most "
                        + StudySpecValidator.QUICK_MAX_RUNS + " runs"))
                .addProperty("lossScale", object("Loss-scale probe: every MTL run again with one task's loss "
                        + "multiplied by a constant; the report shows per optimizer how far each task moved")
                        .required(List.of("task", "factor"))
                        .addProperty("task", string("The task whose loss is scaled"))
                        .addProperty("factor", number("The constant (not 1)", 1 / StudySpecValidator.MAX_LOSS_SCALE,
                                StudySpecValidator.MAX_LOSS_SCALE)))
                .addProperty("corruptions", object("Corruption evaluation (image datasets): after training, every "
                        + "run also on corrupted copies of its test split")
                        .required(List.of("types", "severities"))
                        .addProperty("types", array(enumOf(Set.copyOf(org.mtlab.core.data.Corruptions.TYPES))).minItems(1))
                        .addProperty("severities", array(integer("Severity", 1, org.mtlab.core.data.Corruptions.MAX_SEVERITY))
                                .minItems(1).maxItems(org.mtlab.core.data.Corruptions.MAX_SEVERITY))
                        .addProperty("seed", schema(INTEGER).description("Seed of the noise (default 0)")));
    }

    private static Schema optimizer() {
        return object("An optimizer with one learning rate or a grid of them")
                .required(List.of("name"))
                .addProperty("name", enumOf(StudySpecValidator.OPTIMIZERS))
                .addProperty("learningRate", number("Learning rate", null, 10.0).exclusiveMinimum(BigDecimal.ZERO))
                .addProperty("learningRates", array(number("Learning rate", null, 10.0).exclusiveMinimum(BigDecimal.ZERO))
                        .minItems(1).maxItems(StudySpecValidator.MAX_LEARNING_RATES))
                .addProperty("momentum", number("SGD momentum", 0.0, null).exclusiveMaximum(BigDecimal.ONE))
                .addProperty("weightDecay", number("AdamW decoupled weight decay", 0.0, StudySpecValidator.MAX_WEIGHT_DECAY))
                .addProperty("stepDecay", object("Step learning-rate decay per epoch")
                        .addProperty("stepSize", integer("Epochs between decays", 1, StudySpecValidator.MAX_EPOCHS))
                        .addProperty("gamma", number("Decay factor", null, 1.0).exclusiveMinimum(BigDecimal.ZERO)));
    }

    private static Schema problem() {
        return object("RFC 9457 problem details (application/problem+json)")
                .addProperty("type", schema(STRING))
                .addProperty("title", schema(STRING))
                .addProperty("status", schema(INTEGER))
                .addProperty("detail", schema(STRING).description("What went wrong and what to do"))
                .addProperty("field", string("The first offending field"))
                .addProperty("violations", array(object("One offending field")
                        .addProperty("field", string("Dotted path of the field, e.g. optimizers[0].learningRate"))
                        .addProperty("message", schema(STRING))));
    }

    private static Schema ref(String name) {
        return OASFactory.createSchema().ref("#/components/schemas/" + name);
    }

    private static Schema schema(SchemaType type) {
        return OASFactory.createSchema().addType(type);
    }

    private static Schema object(String description) {
        return schema(OBJECT).description(description);
    }

    private static Schema array(Schema items) {
        return schema(ARRAY).items(items);
    }

    private static Schema string(String description) {
        return schema(STRING).description(description);
    }

    /**
     * The dataset: its kind and each kind's parameters, as the kinds of {@link DatasetKinds#standard()} describe them
     * (the kinds share parameter names with different meanings, so {@code params} is described per kind in words).
     */
    private static Schema dataset() {
        List<DatasetKind<?>> kinds = DatasetKinds.standard().all();
        return object("Dataset kind and its parameters")
                .required(List.of("kind"))
                .addProperty("kind", schema(STRING).enumeration(new ArrayList<>(DatasetKinds.standard().names()))
                        .description(kinds.stream().map(k -> k.name() + ": " + k.description())
                                .collect(java.util.stream.Collectors.joining("; "))))
                .addProperty("params", object("Kind-specific parameters. " + kinds.stream()
                        .map(k -> k.name() + ": " + k.parameters().entrySet().stream()
                                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                                .collect(java.util.stream.Collectors.joining(", ")))
                        .collect(java.util.stream.Collectors.joining(". ")))
                        .additionalPropertiesBoolean(true));
    }

    /** The model: its kind and each kind's own fields, as the kinds of {@link ModelKinds} describe them. */
    private static Schema model() {
        Schema model = object("The model; each kind's own fields (others must be absent)")
                .required(List.of("kind"))
                .addProperty("kind", schema(STRING).enumeration(new ArrayList<>(ModelKinds.names())).description(
                        ModelKinds.all().stream().map(k -> k.name() + ": " + k.description())
                                .collect(java.util.stream.Collectors.joining("; "))));
        for (ModelKind kind : ModelKinds.all()) {
            kind.fields().forEach((field, what) -> model.addProperty(field,
                    modelField(field).description("(" + kind.name() + ") " + what)));
        }
        return model;
    }

    /** The JSON type and bounds of a model field, the bounds the kinds' own checks use. */
    private static Schema modelField(String field) {
        return switch (field) {
            case "hidden" -> array(integer("Layer width", 1, MlpKind.MAX_LAYER_WIDTH)).minItems(1)
                    .maxItems(MlpKind.MAX_LAYERS);
            case "experts" -> integer("", 1, MmoeKind.MAX_EXPERTS);
            case "expertWidth" -> integer("", 1, MlpKind.MAX_LAYER_WIDTH);
            case "inputShape" -> array(schema(INTEGER).minimum(BigDecimal.ONE)).minItems(1).maxItems(3);
            case "path" -> schema(STRING).minLength(1);
            default -> schema(INTEGER).minimum(BigDecimal.ONE);
        };
    }

    private static Schema enumOf(Set<String> values) {
        return schema(STRING).enumeration(new ArrayList<>(values.stream().sorted().toList()));
    }

    private static Schema integer(String description, int min, int max) {
        return schema(INTEGER).description(description).minimum(BigDecimal.valueOf(min)).maximum(BigDecimal.valueOf(max));
    }

    private static Schema number(String description, Double min, Double max) {
        Schema s = schema(NUMBER).description(description);
        if (min != null) {
            s.minimum(BigDecimal.valueOf(min));
        }
        if (max != null) {
            s.maximum(BigDecimal.valueOf(max));
        }
        return s;
    }
}
