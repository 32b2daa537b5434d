package org.mtlab.core.contract;

import java.util.List;
import java.util.UUID;

/**
 * One run to train, published on {@link Topics#TRAINING_REQUESTS} keyed by run id (JSON).
 *
 * @param datasetTasks every task of the study, in order: the dataset is generated for all of them so that an
 *                     STL run sees exactly the data its task has in the MTL runs
 * @param tasks        the tasks this run trains (one for STL, all for MTL)
 * @param decision     the study's primary task, task values and margins, quick mode (optional: absent in older
 *                     requests); the trainer passes it on in its STARTED event
 */
public record TrainingRequest(
        int schemaVersion,
        UUID runId,
        UUID studyId,
        int attempt,
        RunKind kind,
        List<String> datasetTasks,
        List<String> tasks,
        StudySpec.DatasetSpec dataset,
        StudySpec.ModelSpec model,
        StudySpec.OptimizerSpec optimizer,
        String method,
        long seed,
        int epochs,
        int batchSize,
        StudySpec.TelemetrySpec telemetry,
        StudyDecision decision,
        StudySpec.LossScaleSpec lossScale,
        StudySpec.CorruptionSpec corruptions) {

    public static final int SCHEMA_VERSION = 1;

    public TrainingRequest(int schemaVersion, UUID runId, UUID studyId, int attempt, RunKind kind,
                           List<String> datasetTasks, List<String> tasks, StudySpec.DatasetSpec dataset,
                           StudySpec.ModelSpec model, StudySpec.OptimizerSpec optimizer, String method, long seed,
                           int epochs, int batchSize, StudySpec.TelemetrySpec telemetry, StudyDecision decision) {
        this(schemaVersion, runId, studyId, attempt, kind, datasetTasks, tasks, dataset, model, optimizer, method, seed,
                epochs, batchSize, telemetry, decision, null, null);
    }

    /** The method the run reports: its method, tagged with the loss scale for a probe run. */
    public String reportedMethod() {
        return lossScale == null ? method : lossScale.tag(method);
    }

    /** Per run task (in {@link #tasks()} order), the factor its training loss is multiplied by; null when none is scaled. */
    public float[] lossFactors() {
        if (lossScale == null || lossScale.factor() == null) {
            return null;
        }
        float[] out = new float[tasks.size()];
        for (int t = 0; t < out.length; t++) {
            out[t] = tasks.get(t).equals(lossScale.task()) ? lossScale.factor().floatValue() : 1f;
        }
        return out;
    }

    public TrainingRequest(int schemaVersion, UUID runId, UUID studyId, int attempt, RunKind kind,
                           List<String> datasetTasks, List<String> tasks, StudySpec.DatasetSpec dataset,
                           StudySpec.ModelSpec model, StudySpec.OptimizerSpec optimizer, String method, long seed,
                           int epochs, int batchSize, StudySpec.TelemetrySpec telemetry) {
        this(schemaVersion, runId, studyId, attempt, kind, datasetTasks, tasks, dataset, model, optimizer, method, seed,
                epochs, batchSize, telemetry, null);
    }

    public static TrainingRequest of(UUID runId, UUID studyId, RunPlan plan, StudySpec spec) {
        return new TrainingRequest(SCHEMA_VERSION, runId, studyId, 1, plan.kind(), spec.taskNames(), plan.tasks(),
                spec.dataset(), spec.model(), plan.optimizer(), plan.method(), plan.seed(), spec.epochs(),
                spec.batchSize(), spec.telemetryOrDefault(), StudyDecision.of(spec), plan.lossScale(), spec.corruptions());
    }

    /** Reads and checks a request; unknown schema versions and missing fields are refused with the field named. */
    public static TrainingRequest decode(byte[] bytes) {
        TrainingRequest request = Json.read(bytes, TrainingRequest.class);
        if (request.schemaVersion() != SCHEMA_VERSION) {
            throw new ContractException("schemaVersion", "unsupported version " + request.schemaVersion()
                    + ", this reader knows " + SCHEMA_VERSION);
        }
        requireNonNull("runId", request.runId());
        requireNonNull("studyId", request.studyId());
        requireNonNull("kind", request.kind());
        requireNonNull("dataset", request.dataset());
        requireNonNull("model", request.model());
        requireNonNull("optimizer", request.optimizer());
        requireNonNull("method", request.method());
        requireNonNull("telemetry", request.telemetry());
        if (request.datasetTasks() == null || request.datasetTasks().isEmpty()) {
            throw new ContractException("datasetTasks", "must list the study's tasks");
        }
        if (request.tasks() == null || request.tasks().isEmpty() || !request.datasetTasks().containsAll(request.tasks())) {
            throw new ContractException("tasks", "must be a non-empty subset of datasetTasks");
        }
        if (request.epochs() < 1 || request.batchSize() < 1) {
            throw new ContractException(request.epochs() < 1 ? "epochs" : "batchSize", "must be positive");
        }
        return request;
    }

    public byte[] encode() {
        return Json.write(this);
    }

    private static void requireNonNull(String field, Object value) {
        if (value == null) {
            throw new ContractException(field, "is required");
        }
    }
}
