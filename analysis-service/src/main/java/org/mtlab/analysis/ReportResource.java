package org.mtlab.analysis;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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
    static final String PROBLEM_JSON = "application/problem+json";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ReportResource.class);

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

    /**
     * One of the report's static figures ({@link org.mtlab.core.report.ReportFigures}) as PNG; 404 when it has none; 503
     * (problem+json) when this build cannot draw (Java2D's native libraries unavailable, see {@link #figuresOrWhyNot}).
     */
    @GET
    @Path("/studies/{id}/figures/{name}")
    @Produces({"image/png", PROBLEM_JSON})
    public Uni<Response> figure(@PathParam("id") UUID studyId, @PathParam("name") String name) {
        return StudyRows.load(studyId).map(study -> {
            Figures figures = figuresOrWhyNot(build(study));
            if (figures.unavailable() != null) {
                return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(PROBLEM_JSON)
                        .entity(java.util.Map.of("type", "about:blank", "title", "figures unavailable",
                                "status", 503, "detail", figures.unavailable())).build();
            }
            byte[] png = figures.pngs().get(name);
            if (png == null) {
                throw new jakarta.ws.rs.NotFoundException("study " + studyId + " has no figure '" + name + "'");
            }
            return Response.ok(png, "image/png").build();
        });
    }

    @GET
    @Path("/studies/{id}/report.html")
    @Produces(MediaType.TEXT_HTML + ";charset=utf-8")
    public Uni<String> html(@PathParam("id") UUID studyId) {
        return StudyRows.load(studyId).map(study -> {
            StudyReport report = build(study);
            Figures figures = figuresOrWhyNot(report);
            String page = HtmlReport.render(report, figures.pngs());
            return figures.unavailable() == null ? page
                    : page.replace("</body>", "<p class=\"note\">" + HtmlReport.esc(figures.unavailable()) + "</p></body>");
        });
    }

    /** The report's figures as PNG, or none and why. */
    record Figures(java.util.Map<String, byte[]> pngs, String unavailable) {
    }

    /**
     * Draws the figures. A build whose Java2D cannot load its native libraries (a {@link LinkageError} from AWT's class
     * initialisation) answers without figures and says so, rather than failing the whole request: the native
     * executable built with this workplace's native-image stand-in is one (docker/README.md), the JVM build and the
     * Mandrel-built image are not.
     */
    static Figures figuresOrWhyNot(StudyReport report) {
        try {
            return new Figures(org.mtlab.core.report.ReportFigures.render(report), null);
        } catch (LinkageError e) {
            String why = "this build of the analysis service cannot draw figures: Java2D's native libraries are "
                    + "unavailable (" + e + "); the JVM build and the Mandrel-built native image draw them";
            LOG.warn(why);
            return new Figures(java.util.Map.of(), why);
        }
    }

    static StudyReport build(StudyRows study) {
        return StudyReportBuilder.build(study.studyId().toString(), study.tasks(), study.rows().size(), study.histories(),
                study.gradients(), study.decision());
    }
}
