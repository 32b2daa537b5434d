package org.mtlab.core.contract;

import java.util.List;
import java.util.UUID;

/**
 * Lifecycle and evaluation of one run, on {@link Topics#RUN_EVENTS} keyed by run id (JSON). Fields that do not
 * apply to a {@link Type} are absent: {@code run} on STARTED, {@code metrics} on EVAL and COMPLETED,
 * {@code message} on FAILED. Optional, absent from older producers: {@code decision} on STARTED (the study's
 * {@link StudyDecision}, copied from the request), {@code cost} on COMPLETED ({@link RunCost}).
 */
public record RunEvent(
        int schemaVersion,
        Type type,
        UUID runId,
        UUID studyId,
        int attempt,
        long timestampMs,
        Long step,
        Long totalSteps,
        Integer epoch,
        RunDescriptor run,
        List<Metric> metrics,
        String message,
        StudyDecision decision,
        RunCost cost) {

    public static final int SCHEMA_VERSION = 1;

    public RunEvent(int schemaVersion, Type type, UUID runId, UUID studyId, int attempt, long timestampMs, Long step,
                    Long totalSteps, Integer epoch, RunDescriptor run, List<Metric> metrics, String message) {
        this(schemaVersion, type, runId, studyId, attempt, timestampMs, step, totalSteps, epoch, run, metrics, message,
                null, null);
    }

    public enum Type { STARTED, PROGRESS, EVAL, COMPLETED, FAILED, CANCELLED }

    /**
     * What a run is, sent once when it starts so that consumers need no other source; {@code data} (absent from
     * older producers) counts its data's samples and labels.
     */
    public record RunDescriptor(RunKind kind, List<String> tasks, String optimizer, double learningRate,
                                String method, long seed, List<String> blockNames, long sharedParameters,
                                String device, DataCounts data) {
        public RunDescriptor(RunKind kind, List<String> tasks, String optimizer, double learningRate, String method,
                             long seed, List<String> blockNames, long sharedParameters, String device) {
            this(kind, tasks, optimizer, learningRate, method, seed, blockNames, sharedParameters, device, null);
        }
    }

    /**
     * The run's data as the trainer loaded it: per split ({@code train}, {@code validation}, {@code test}) its samples,
     * and per split and run task the samples that carry the task's label (partial labels: fewer than the samples when
     * some labels are missing; a task trains and is evaluated on its labelled samples only).
     */
    public record DataCounts(java.util.Map<String, Integer> samples,
                             java.util.Map<String, java.util.Map<String, Integer>> labelled) {
    }

    /**
     * One evaluation figure. {@code split} is "validation" or "test"; {@code higherIsBetter} says the metric's
     * direction so that Pareto and Δm never have to guess it.
     */
    public record Metric(String task, String split, String name, double value, boolean higherIsBetter) {
    }

    public static RunEvent started(TrainingRequest r, long totalSteps, RunDescriptor descriptor) {
        return new RunEvent(SCHEMA_VERSION, Type.STARTED, r.runId(), r.studyId(), r.attempt(), now(), 0L,
                totalSteps, 0, descriptor, null, null, r.decision(), null);
    }

    public static RunEvent progress(TrainingRequest r, long step, long totalSteps, int epoch) {
        return new RunEvent(SCHEMA_VERSION, Type.PROGRESS, r.runId(), r.studyId(), r.attempt(), now(), step,
                totalSteps, epoch, null, null, null);
    }

    public static RunEvent eval(TrainingRequest r, long step, long totalSteps, int epoch, List<Metric> metrics) {
        return new RunEvent(SCHEMA_VERSION, Type.EVAL, r.runId(), r.studyId(), r.attempt(), now(), step,
                totalSteps, epoch, null, metrics, null);
    }

    public static RunEvent completed(TrainingRequest r, long steps, int epochs, List<Metric> finalMetrics) {
        return completed(r, steps, epochs, finalMetrics, null);
    }

    /** @param cost what the run cost and what its model costs to serve; null when not measured */
    public static RunEvent completed(TrainingRequest r, long steps, int epochs, List<Metric> finalMetrics, RunCost cost) {
        return new RunEvent(SCHEMA_VERSION, Type.COMPLETED, r.runId(), r.studyId(), r.attempt(), now(), steps,
                steps, epochs, null, finalMetrics, null, null, cost);
    }

    public static RunEvent failed(TrainingRequest r, String reason) {
        return new RunEvent(SCHEMA_VERSION, Type.FAILED, r.runId(), r.studyId(), r.attempt(), now(), null, null,
                null, null, null, reason);
    }

    /** The run was stopped (or never started) because it was cancelled; {@code message}: why. */
    public static RunEvent cancelled(TrainingRequest r, long step, String reason) {
        return new RunEvent(SCHEMA_VERSION, Type.CANCELLED, r.runId(), r.studyId(), r.attempt(), now(), step, null,
                null, null, null, reason);
    }

    public static RunEvent decode(byte[] bytes) {
        RunEvent event = Json.read(bytes, RunEvent.class);
        if (event.schemaVersion() != SCHEMA_VERSION) {
            throw new ContractException("schemaVersion", "unsupported version " + event.schemaVersion()
                    + ", this reader knows " + SCHEMA_VERSION);
        }
        if (event.type() == null || event.runId() == null || event.studyId() == null) {
            throw new ContractException(event.type() == null ? "type" : event.runId() == null ? "runId" : "studyId",
                    "is required");
        }
        if (event.type() == Type.STARTED && event.run() == null) {
            throw new ContractException("run", "a STARTED event describes its run");
        }
        if ((event.type() == Type.EVAL || event.type() == Type.COMPLETED) && event.metrics() == null) {
            throw new ContractException("metrics", "an " + event.type() + " event carries metrics");
        }
        if (event.metrics() != null) {
            for (int i = 0; i < event.metrics().size(); i++) {
                Metric m = event.metrics().get(i);
                if (m == null || m.task() == null || m.split() == null || m.name() == null || !Double.isFinite(m.value())) {
                    throw new ContractException("metrics[" + i + "]", "needs task, split, name and a finite value");
                }
            }
        }
        if (event.cost() != null && (event.cost().parameters() < 0 || event.cost().trainingMs() < 0
                || !(event.cost().inferenceMicrosPerSample() >= 0) || Double.isInfinite(event.cost().inferenceMicrosPerSample()))) {
            throw new ContractException("cost", "needs non-negative parameters, trainingMs and a finite inferenceMicrosPerSample");
        }
        return event;
    }

    public byte[] encode() {
        return Json.write(this);
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
