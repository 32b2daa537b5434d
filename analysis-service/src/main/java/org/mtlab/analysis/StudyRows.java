package org.mtlab.analysis;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.NotFoundException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.report.StudyReportBuilder;

/**
 * A study's {@code analysis_run} rows as the study-level endpoints read them (all instances' summaries): the task
 * order, every run's evaluation history, and the persisted gradient statistics.
 */
record StudyRows(UUID studyId, List<RunAnalysisEntity> rows) {

    /** The study's rows; a study with none fails with 404. */
    static Uni<StudyRows> load(UUID studyId) {
        return Panache.withSession(() -> RunAnalysisEntity.<RunAnalysisEntity>list("studyId", studyId)).map(rows -> {
            if (rows.isEmpty()) {
                throw new NotFoundException("no analysed runs for study " + studyId);
            }
            return new StudyRows(studyId, rows);
        });
    }

    /** Task names: an MTL run's order first (it trains all tasks), then any others seen. */
    List<String> tasks() {
        LinkedHashSet<String> tasks = new LinkedHashSet<>();
        rows.stream().filter(r -> r.kind.equals(RunKind.MTL.name())).findFirst()
                .ifPresent(r -> tasks.addAll(Arrays.asList(r.tasks.split(","))));
        rows.forEach(r -> tasks.addAll(Arrays.asList(r.tasks.split(","))));
        return List.copyOf(tasks);
    }

    /** Persisted gradient statistics of every run that has some. */
    List<StudyReportBuilder.RunGradients> gradients() {
        List<StudyReportBuilder.RunGradients> out = new ArrayList<>();
        for (RunAnalysisEntity row : rows) {
            if (row.gradientStats != null) {
                out.add(new StudyReportBuilder.RunGradients(row.runId.toString(), RunKind.valueOf(row.kind), row.optimizer,
                        row.method, row.seed, Json.read(row.gradientStats, RunGradientStatistics.Snapshot.class)));
            }
        }
        return out;
    }

    /** Every run with its per-epoch evaluations, timing, device and cost: what the decision report reads. */
    List<RunHistory> histories() {
        List<RunHistory> out = new ArrayList<>();
        for (RunAnalysisEntity row : rows) {
            boolean completed = "COMPLETED".equals(row.status) && row.finalMetrics != null;
            List<RunHistory.EpochMetrics> epochs = row.evalHistory == null ? List.of()
                    : Arrays.asList(Json.read(row.evalHistory, RunHistory.EpochMetrics[].class));
            out.add(new RunHistory(row.runId, RunKind.valueOf(row.kind), Arrays.asList(row.tasks.split(",")),
                    row.optimizer, row.learningRate, row.method, row.seed, epochs,
                    completed ? Arrays.asList(Json.read(row.finalMetrics, RunEvent.Metric[].class)) : null,
                    row.startedAtMs, completed ? row.finishedAtMs : null, row.device,
                    row.cost == null ? null : Json.read(row.cost, RunCost.class)));
        }
        return out;
    }

    /** The study's decision fields as its runs' STARTED events carried them; null for a study from older gateways. */
    StudyDecision decision() {
        return rows.stream().filter(r -> r.decision != null).findFirst()
                .map(r -> Json.read(r.decision, StudyDecision.class)).orElse(null);
    }
}
