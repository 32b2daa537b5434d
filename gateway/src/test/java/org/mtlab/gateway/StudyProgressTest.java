package org.mtlab.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The remaining-time estimate on runs whose durations and progress are set by hand. */
class StudyProgressTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static RunEntity run(RunStatus status, Integer startS, Integer endS, long step, long total) {
        RunEntity r = new RunEntity();
        r.status = status;
        r.startedAt = startS == null ? null : T0.plusSeconds(startS);
        r.finishedAt = endS == null ? null : T0.plusSeconds(endS);
        r.step = step;
        r.totalSteps = total;
        return r;
    }

    @Test
    void remainingTimeFromCompletedRunDurationsAndProgress() {
        List<RunEntity> runs = List.of(run(RunStatus.COMPLETED, 0, 10, 100, 100), run(RunStatus.COMPLETED, 5, 25, 100, 100),
                run(RunStatus.RUNNING, 25, null, 50, 100), run(RunStatus.QUEUED, null, null, 0, 0));
        StudyProgress.Estimate e = StudyProgress.estimate(runs, T0.plusSeconds(40));
        // mean 15 s; left: half a run + a whole one = 1.5 runs; one run training → 22.5 s
        assertEquals(15.0, e.meanRunSeconds(), 1e-9);
        assertEquals(22.5, e.etaSeconds(), 1e-9);
        assertEquals(40L, e.elapsedSeconds());
        assertEquals(1, e.running());

        List<RunEntity> two = List.of(run(RunStatus.COMPLETED, 0, 10, 1, 1), run(RunStatus.RUNNING, 10, null, 0, 10),
                run(RunStatus.RUNNING, 10, null, 5, 10));
        // left 1.5 runs of 10 s over 2 runs training at once → 7.5 s
        assertEquals(7.5, StudyProgress.estimate(two, T0.plusSeconds(12)).etaSeconds(), 1e-9);
    }

    @Test
    void noEstimateBeforeARunCompletesAndZeroWhenAllAreDone() {
        StudyProgress.Estimate none = StudyProgress.estimate(List.of(run(RunStatus.RUNNING, 0, null, 1, 10)),
                T0.plusSeconds(3));
        assertNull(none.etaSeconds());
        assertEquals(3L, none.elapsedSeconds());
        StudyProgress.Estimate done = StudyProgress.estimate(List.of(run(RunStatus.COMPLETED, 0, 8, 1, 1),
                run(RunStatus.FAILED, 2, 30, 0, 1)), T0.plusSeconds(100));
        assertEquals(0.0, done.etaSeconds());
        assertEquals(30L, done.elapsedSeconds(), "elapsed stops at the last outcome");
    }
}
