package org.mtlab.analysis;

import java.util.List;
import java.util.UUID;
import org.mtlab.core.analysis.RunGradientStatistics;
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
    private boolean dirty;

    RunState(UUID runId, int partition) {
        this.runId = runId;
        this.partition = partition;
    }

    synchronized boolean addGradients(GradientEvent event) {
        if (statistics == null) {
            statistics = new RunGradientStatistics(event.taskCount());
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
            }
            case PROGRESS, EVAL -> totalSteps = event.totalSteps() == null ? totalSteps : event.totalSteps();
            case COMPLETED -> {
                status = "COMPLETED";
                finalMetrics = event.metrics();
                finishedAtMs = System.currentTimeMillis();
            }
            case FAILED -> {
                status = "FAILED";
                finishedAtMs = System.currentTimeMillis();
            }
        }
        dirty = true;
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

    synchronized RunGradientStatistics.Snapshot snapshot() {
        return statistics == null ? null : statistics.snapshot(descriptor == null ? null : descriptor.tasks());
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
}
