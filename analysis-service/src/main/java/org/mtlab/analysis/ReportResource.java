package org.mtlab.analysis;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.mtlab.core.report.HtmlReport;
import org.mtlab.core.report.MarkdownReport;
import org.mtlab.core.report.StudyReport;
import org.mtlab.core.report.StudyReportBuilder;

/**
 * The study report a team can decide from (STL vs MTL per task with the seed spread, Δm in both conventions, Pareto
 * front and hypervolume, Adam vs SGD counts, conflict evidence, verdict), computed from all instances' persisted
 * summaries, as JSON, Markdown or a self-contained HTML page. An unknown study is a 404.
 */
@Path("/api")
public class ReportResource {
    public static final String TEXT_MARKDOWN = "text/markdown;charset=utf-8";

    @GET
    @Path("/studies/{id}/report")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<StudyReport> report(@PathParam("id") UUID studyId) {
        return StudyRows.load(studyId).map(ReportResource::build);
    }

    @GET
    @Path("/studies/{id}/report.md")
    @Produces(TEXT_MARKDOWN)
    public Uni<String> markdown(@PathParam("id") UUID studyId) {
        return StudyRows.load(studyId).map(study -> MarkdownReport.render(build(study)));
    }

    @GET
    @Path("/studies/{id}/report.html")
    @Produces(MediaType.TEXT_HTML + ";charset=utf-8")
    public Uni<String> html(@PathParam("id") UUID studyId) {
        return StudyRows.load(studyId).map(study -> HtmlReport.render(build(study)));
    }

    static StudyReport build(StudyRows study) {
        return StudyReportBuilder.build(study.studyId().toString(), study.tasks(), study.rows().size(), study.histories(),
                study.gradients(), study.decision());
    }
}
