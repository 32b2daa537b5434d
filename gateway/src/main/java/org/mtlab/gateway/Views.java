package org.mtlab.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.mtlab.core.contract.Json;

/** What the REST API returns. */
public final class Views {
    private Views() {
    }

    public record RunView(UUID id, UUID studyId, String label, String kind, List<String> tasks, String optimizer,
                          double learningRate, String method, long seed, String status, long step, long totalSteps,
                          double progress, int epoch, int attempt, String message, JsonNode finalMetrics,
                          Instant createdAt, Instant updatedAt) {
        static RunView of(RunEntity r) {
            double progress = r.status == RunStatus.COMPLETED ? 1.0
                    : r.totalSteps > 0 ? Math.min(1.0, (double) r.step / r.totalSteps) : 0.0;
            return new RunView(r.id, r.studyId, r.label, r.kind.name(), Arrays.asList(r.tasks.split(",")), r.optimizer,
                    r.learningRate, r.method, r.seed, r.status.name(), r.step, r.totalSteps, progress, r.epoch,
                    r.attempt, r.message, r.finalMetrics == null ? null : Json.read(r.finalMetrics, JsonNode.class),
                    r.createdAt, r.updatedAt);
        }
    }

    /**
     * A study with its runs; {@code status} is COMPLETED once every run is terminal. {@code progress}: elapsed time
     * and an estimate of the remaining time ({@link StudyProgress}).
     */
    public record StudyView(UUID id, String name, String source, Instant createdAt, String status,
                            Map<String, Long> runsByStatus, JsonNode spec, List<RunView> runs,
                            StudyProgress.Estimate progress) {
        static StudyView of(StudyEntity s, List<RunEntity> runs) {
            return new StudyView(s.id, s.name, s.source, s.createdAt, statusOf(runs), countByStatus(runs),
                    Json.read(s.spec, JsonNode.class), runs.stream().map(RunView::of).toList(),
                    StudyProgress.estimate(runs, Instant.now()));
        }
    }

    public record StudySummary(UUID id, String name, String source, Instant createdAt, String status,
                               Map<String, Long> runsByStatus) {
        static StudySummary of(StudyEntity s, List<RunEntity> runs) {
            return new StudySummary(s.id, s.name, s.source, s.createdAt, statusOf(runs), countByStatus(runs));
        }
    }

    static String statusOf(List<RunEntity> runs) {
        if (runs.stream().allMatch(r -> r.status.isTerminal())) {
            if (runs.stream().anyMatch(r -> r.status == RunStatus.CANCELLED)) {
                return "CANCELLED";
            }
            return runs.stream().anyMatch(r -> r.status == RunStatus.FAILED) ? "FINISHED_WITH_FAILURES" : "COMPLETED";
        }
        return runs.stream().anyMatch(r -> r.status != RunStatus.CREATED && r.status != RunStatus.QUEUED) ? "RUNNING" : "QUEUED";
    }

    static Map<String, Long> countByStatus(List<RunEntity> runs) {
        Map<String, Long> counts = new TreeMap<>();
        for (RunEntity r : runs) {
            counts.merge(r.status.name(), 1L, Long::sum);
        }
        return counts;
    }
}
