package org.mtlab.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How far a study is and how long it may still take, from its runs' trainer timestamps: the mean duration D of its
 * completed runs (first STARTED to COMPLETED), the work left Σ D·(1 − progress) over its unfinished runs, divided by
 * the runs training now (at least 1). A rough, self-correcting estimate: it assumes the remaining runs are like the
 * finished ones and that as many train at once as now.
 */
final class StudyProgress {
    static final String RULE = "etaSeconds = mean duration of the completed runs × Σ (1 − progress) over the unfinished "
            + "runs / number of runs training now (at least 1); null until a run has completed";

    private StudyProgress() {
    }

    /**
     * @param elapsedSeconds  first STARTED to now (or to the last outcome once every run is finished); null before
     *                        any run started
     * @param etaSeconds      estimated remaining seconds; 0 when every run is finished; null before any run completed
     * @param meanRunSeconds  mean duration of the completed runs
     * @param runsTimed       completed runs with both timestamps
     * @param running         runs training now
     */
    record Estimate(Long elapsedSeconds, Double etaSeconds, Double meanRunSeconds, int runsTimed, int running,
                    String rule) {
    }

    static Estimate estimate(List<RunEntity> runs, Instant now) {
        double totalMs = 0;
        int timed = 0;
        Instant first = null;
        Instant last = null;
        for (RunEntity r : runs) {
            if (r.startedAt != null && (first == null || r.startedAt.isBefore(first))) {
                first = r.startedAt;
            }
            if (r.finishedAt != null && (last == null || r.finishedAt.isAfter(last))) {
                last = r.finishedAt;
            }
            if (r.status == RunStatus.COMPLETED && r.startedAt != null && r.finishedAt != null) {
                totalMs += Math.max(0, Duration.between(r.startedAt, r.finishedAt).toMillis());
                timed++;
            }
        }
        boolean allDone = runs.stream().allMatch(r -> r.status.isTerminal());
        int running = (int) runs.stream().filter(r -> r.status == RunStatus.RUNNING).count();
        Long elapsed = first == null ? null
                : Math.max(0, Duration.between(first, allDone && last != null ? last : now).toSeconds());
        if (allDone) {
            return new Estimate(elapsed, 0.0, timed == 0 ? null : totalMs / timed / 1000, timed, 0, RULE);
        }
        if (timed == 0) {
            return new Estimate(elapsed, null, null, 0, running, RULE);
        }
        double meanSeconds = totalMs / timed / 1000;
        double left = 0;
        for (RunEntity r : runs) {
            if (!r.status.isTerminal()) {
                double progress = r.totalSteps > 0 ? Math.min(1.0, (double) r.step / r.totalSteps) : 0.0;
                left += 1 - progress;
            }
        }
        return new Estimate(elapsed, meanSeconds * left / Math.max(1, running), meanSeconds, timed, running, RULE);
    }
}
