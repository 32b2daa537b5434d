package org.mtlab.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.kafka.RecordRejectedException;

/** What the analysis knows of one run, built from its gradient events and run events. */
final class RunState {
    final UUID runId;
    final int partition;
    private RunEvent.RunDescriptor descriptor;
    private UUID studyId;
    private RunGradientStatistics statistics;
    private String status = "RUNNING";
    private long totalSteps;
    private List<RunEvent.Metric> finalMetrics;
    private long finishedAtMs;
    /** Trainer timestamps of the first STARTED and of the outcome event: the run's wall time, also after a replay. */
    private Long startedEventMs;
    private Long endedEventMs;
    private StudyDecision decision;
    private RunCost cost;
    /** Per epoch, the latest EVAL metrics (a resumed run sends some epochs again, with the same content on CPU). */
    private final TreeMap<Integer, List<RunEvent.Metric>> evaluations = new TreeMap<>();
    private boolean dirty;
    /** The version seen at the last {@link #quietFor} and this analyser's clock when it was first seen. */
    private long versionSeen = -1;
    private long unchangedSinceMs;
    /** Bumped on every change: the snapshot is rebuilt only after one (each metric scrape reads it once per series). */
    private long version;
    private long snapshotVersion = -1;
    private RunGradientStatistics.Snapshot snapshot;
    /** The checkpoint images of this run and the version they were taken at. */
    private long gradientStateVersion = -1;
    private byte[] gradientStateBytes;
    private long factsVersion = -1;
    private byte[] factsBytes;

    RunState(UUID runId, int partition) {
        this.runId = runId;
        this.partition = partition;
    }

    synchronized boolean addGradients(GradientEvent event) {
        if (statistics == null) {
            statistics = new RunGradientStatistics(event.taskCount());
            version++;
        }
        if (descriptor != null && descriptor.tasks().size() != event.taskCount()) {
            throw new RecordRejectedException("run " + runId + " has " + descriptor.tasks().size()
                    + " tasks, its gradient event " + event.taskCount());
        }
        boolean added;
        try {
            added = statistics.add(event);
        } catch (IllegalArgumentException e) {
            throw new RecordRejectedException(e.getMessage(), e);
        }
        dirty |= added;
        version += added ? 1 : 0;
        return added;
    }

    synchronized void apply(RunEvent event) {
        studyId = event.studyId();
        switch (event.type()) {
            case STARTED -> {
                if (statistics != null && statistics.taskCount() != event.run().tasks().size()) {
                    throw new RecordRejectedException("run " + runId + " starts with " + event.run().tasks().size()
                            + " tasks but its gradient events have " + statistics.taskCount());
                }
                descriptor = event.run();
                totalSteps = event.totalSteps() == null ? totalSteps : event.totalSteps();
                startedEventMs = startedEventMs == null ? event.timestampMs() : Math.min(startedEventMs, event.timestampMs());
                decision = event.decision() == null ? decision : event.decision();
            }
            case PROGRESS -> totalSteps = event.totalSteps() == null ? totalSteps : event.totalSteps();
            case EVAL -> {
                totalSteps = event.totalSteps() == null ? totalSteps : event.totalSteps();
                if (event.epoch() != null) {
                    evaluations.put(event.epoch(), List.copyOf(event.metrics()));
                }
            }
            case COMPLETED -> {
                status = "COMPLETED";
                finalMetrics = event.metrics();
                finishedAtMs = System.currentTimeMillis();
                endedEventMs = event.timestampMs();
                cost = event.cost();
            }
            case FAILED, CANCELLED -> {
                status = event.type().name();
                finishedAtMs = System.currentTimeMillis();
                endedEventMs = event.timestampMs();
            }
        }
        dirty = true;
        version++;
    }

    synchronized RunEvent.RunDescriptor descriptor() {
        return descriptor;
    }

    synchronized UUID studyId() {
        return studyId;
    }

    synchronized String status() {
        return status;
    }

    synchronized long totalSteps() {
        return totalSteps;
    }

    synchronized List<RunEvent.Metric> finalMetrics() {
        return finalMetrics;
    }

    synchronized long finishedAtMs() {
        return finishedAtMs;
    }

    synchronized Long startedEventMs() {
        return startedEventMs;
    }

    synchronized Long endedEventMs() {
        return endedEventMs;
    }

    synchronized StudyDecision decision() {
        return decision;
    }

    synchronized RunCost cost() {
        return cost;
    }

    /** The per-epoch evaluations so far, in epoch order. */
    synchronized List<RunHistory.EpochMetrics> evaluations() {
        List<RunHistory.EpochMetrics> out = new ArrayList<>();
        evaluations.forEach((epoch, metrics) -> out.add(new RunHistory.EpochMetrics(epoch, metrics)));
        return out;
    }

    /**
     * Computes the Pareto stationarity of the steps added since the last read, on the calling thread and outside this
     * run's lock (the statistics hold theirs only to record the results), so that the consumer thread does not.
     */
    void settle() {
        RunGradientStatistics s;
        synchronized (this) {
            s = statistics;
        }
        if (s != null) {
            s.settle();
        }
    }

    /** Steps added whose Pareto stationarity is not computed yet. */
    long unsettledSteps() {
        RunGradientStatistics s;
        synchronized (this) {
            s = statistics;
        }
        return s == null ? 0 : s.unsettledSteps();
    }

    synchronized RunGradientStatistics.Snapshot snapshot() {
        if (snapshotVersion != version) {
            snapshot = statistics == null ? null : statistics.snapshot(descriptor == null ? null : descriptor.tasks());
            snapshotVersion = version;
        }
        return snapshot;
    }

    /** Whether some analysed step carried a single-task baseline. */
    synchronized boolean hasBaseline() {
        RunGradientStatistics.Snapshot s = snapshot();
        return s != null && s.baseline() != null;
    }

    /** True once, after a change: the flusher takes the change and clears the flag. Only when the run is described. */
    synchronized boolean takeDirty() {
        if (!dirty || descriptor == null) {
            return false;
        }
        dirty = false;
        return true;
    }

    synchronized void markDirty() {
        dirty = true;
    }

    /**
     * What the run events told of the run, for a checkpoint of its run-events partition; null when none came yet.
     * {@code finishedAtMs} is this analyser's clock when the outcome arrived (it times the metric series' removal).
     */
    record EventFacts(RunEvent.RunDescriptor descriptor, UUID studyId, String status, long totalSteps,
                      List<RunEvent.Metric> finalMetrics, long finishedAtMs, Long startedEventMs, Long endedEventMs,
                      StudyDecision decision, RunCost cost, Map<Integer, List<RunEvent.Metric>> evaluations) {
    }

    synchronized EventFacts eventFacts() {
        if (studyId == null) {
            return null;
        }
        return new EventFacts(descriptor, studyId, status, totalSteps, finalMetrics, finishedAtMs, startedEventMs,
                endedEventMs, decision, cost, new TreeMap<>(evaluations));
    }

    /** Takes the facts of a checkpoint (a new state, before any run event of this instance). */
    synchronized void restore(EventFacts facts) {
        descriptor = facts.descriptor();
        studyId = facts.studyId();
        status = facts.status();
        totalSteps = facts.totalSteps();
        finalMetrics = facts.finalMetrics();
        finishedAtMs = facts.finishedAtMs();
        startedEventMs = facts.startedEventMs();
        endedEventMs = facts.endedEventMs();
        decision = facts.decision();
        cost = facts.cost();
        evaluations.clear();
        if (facts.evaluations() != null) {
            evaluations.putAll(facts.evaluations());
        }
        dirty = true;
        version++;
    }

    /**
     * The gradient statistics' complete state ({@link RunGradientStatistics#toBytes()}); null before any event. Kept
     * until the run changes: a finished or idle run is not copied again at every checkpoint.
     */
    synchronized byte[] gradientState() {
        if (statistics == null) {
            return null;
        }
        if (gradientStateVersion != version) {
            gradientStateBytes = statistics.toBytes();
            gradientStateVersion = version;
        }
        return gradientStateBytes;
    }

    /** {@link #eventFacts()} as JSON, kept until the run changes; null when no run event came yet. */
    synchronized byte[] eventFactsJson() {
        if (factsVersion != version) {
            EventFacts facts = eventFacts();
            factsBytes = facts == null ? null : org.mtlab.core.contract.Json.write(facts);
            factsVersion = version;
        }
        return factsBytes;
    }

    /** Takes the gradient statistics of a checkpoint (a new state, before any gradient event of this instance). */
    synchronized void restore(RunGradientStatistics restored) {
        statistics = restored;
        dirty = true;
        version++;
    }

    /**
     * Whether the run is done with this analyser's memory: it has its outcome, its summary is persisted with nothing
     * changed since, and it has not changed for {@code retention} — counted from the first call that saw its current
     * version, so the event path keeps no clock.
     */
    synchronized boolean quietFor(long nowMs, java.time.Duration retention) {
        if (version != versionSeen) {
            versionSeen = version;
            unchangedSinceMs = nowMs;
        }
        return finishedAtMs > 0 && !dirty && descriptor != null && nowMs - unchangedSinceMs >= retention.toMillis();
    }

    /**
     * Whether every gradient event of the run was read, the gradients partition having been read up to a record no
     * older than the outcome (the trainer sends the outcome after its gradient events are acknowledged).
     */
    synchronized boolean outcomeReadBy(long gradientsReadUntilMs) {
        return endedEventMs != null && gradientsReadUntilMs >= endedEventMs;
    }
}
