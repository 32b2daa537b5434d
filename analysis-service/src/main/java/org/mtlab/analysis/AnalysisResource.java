package org.mtlab.analysis;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.mtlab.core.analysis.BaselineBands;
import org.mtlab.core.analysis.LearningRateSelection;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.RunEvent;

@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class AnalysisResource {
    @Inject
    AnalysisEngine engine;

    /**
     * @param baselineBands per task pair and epoch, the single-task baseline band the dashboard draws behind the pair's
     *                      cosine and magnitude similarity ({@link BaselineBands}); empty when the run has no baseline
     * @param data          the run's samples per split and, per split and task, those carrying the task's label
     *                      (partial labels), as its trainer counted them; null for runs of older trainers
     */
    public record RunGradients(UUID runId, UUID studyId, String status, String kind, List<String> tasks, String optimizer,
                               String method, long totalSteps, long analysedSteps, RunGradientStatistics.Snapshot statistics,
                               String baselineBandRule, List<BaselineBands.PairBands> baselineBands,
                               RunEvent.DataCounts data) {
        RunGradients(UUID runId, UUID studyId, String status, String kind, List<String> tasks, String optimizer,
                     String method, long totalSteps, long analysedSteps, RunGradientStatistics.Snapshot statistics,
                     RunEvent.DataCounts data) {
            this(runId, studyId, status, kind, tasks, optimizer, method, totalSteps, analysedSteps, statistics,
                    BaselineBands.DESCRIPTION, BaselineBands.of(statistics), data);
        }
    }

    /**
     * @param finishedRuns runs of the study that completed
     * @param selection    how the runs and epoch behind every figure were chosen: on the validation split only, as the
     *                     report does ({@link LearningRateSelection}); {@code analysis} reads the TEST metrics of the
     *                     chosen runs at the chosen epoch, so its {@code finishedRuns} counts the selected runs
     */
    public record StudyAnalysisView(UUID studyId, int runsKnown, long finishedRuns, LearningRateSelection.Result selection,
                                    StudyAnalysis.Result analysis) {
    }

    /** Running gradient statistics of a run: from this instance's memory when it owns the run, else as last persisted. */
    @GET
    @Path("/runs/{id}/gradients")
    public Uni<RunGradients> gradients(@PathParam("id") UUID runId) {
        RunState live = engine.run(runId);
        if (live != null && live.descriptor() != null) {
            RunGradientStatistics.Snapshot snap = live.snapshot();
            var d = live.descriptor();
            return Uni.createFrom().item(new RunGradients(runId, live.studyId(), live.status(), d.kind().name(), d.tasks(),
                    d.optimizer(), d.method(), live.totalSteps(), snap == null ? 0 : snap.analysedSteps(), snap, d.data()));
        }
        return Panache.withSession(() -> RunAnalysisEntity.<RunAnalysisEntity>findById(runId)).map(row -> {
            if (row == null) {
                throw new NotFoundException("no gradient statistics for run " + runId);
            }
            return new RunGradients(row.runId, row.studyId, row.status, row.kind, Arrays.asList(row.tasks.split(",")),
                    row.optimizer, row.method, row.totalSteps, row.analysedSteps,
                    row.gradientStats == null ? null : Json.read(row.gradientStats, RunGradientStatistics.Snapshot.class),
                    row.dataCounts == null ? null : Json.read(row.dataCounts, RunEvent.DataCounts.class));
        });
    }

    /**
     * STL baselines, Δm (both conventions, labelled), Pareto points and front members per optimizer, over the runs and
     * epoch each configuration chose on the validation split (the same selection as the report's).
     */
    @GET
    @Path("/studies/{id}/analysis")
    public Uni<StudyAnalysisView> study(@PathParam("id") UUID studyId) {
        return StudyRows.load(studyId).map(study -> {
            // loss-scale probe runs are not configurations: the report has a section for them
            List<RunHistory> runs = study.histories().stream()
                    .filter(r -> !org.mtlab.core.report.ReproductionEvidence.isProbe(r)).toList();
            LearningRateSelection.Result selection = LearningRateSelection.select(study.tasks(), runs);
            return new StudyAnalysisView(studyId, study.rows().size(), runs.stream().filter(RunHistory::finished).count(),
                    selection, StudyAnalysis.analyse(study.tasks(), selection.selected()));
        });
    }
}
