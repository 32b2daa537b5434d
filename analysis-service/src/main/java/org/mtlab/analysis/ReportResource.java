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
        return StudyRows.load(studyId).map(study -> {
            StudyReport report = build(study);
            // the figures as links relative to this document: /api/studies/{id}/figures/{name}
            java.util.Map<String, String> links = new java.util.LinkedHashMap<>();
            org.mtlab.core.report.ReportFigures.captions(report).keySet().forEach(name -> links.put(name, "figures/" + name));
            return MarkdownReport.render(report, links);
        });
    }

    /** One of the report's static figures ({@link org.mtlab.core.report.ReportFigures}) as PNG; 404 when it has none. */
    @GET
    @Path("/studies/{id}/figures/{name}")
    @Produces("image/png")
    public Uni<byte[]> figure(@PathParam("id") UUID studyId, @PathParam("name") String name) {
        return StudyRows.load(studyId).map(study -> {
            byte[] png = org.mtlab.core.report.ReportFigures.render(build(study)).get(name);
            if (png == null) {
                throw new jakarta.ws.rs.NotFoundException("study " + studyId + " has no figure '" + name + "'");
            }
            return png;
        });
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
