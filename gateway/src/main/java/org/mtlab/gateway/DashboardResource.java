package org.mtlab.gateway;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.mtlab.core.contract.Violation;

/**
 * The analysis reads the dashboard needs, forwarded from the analysis service as they come (status and JSON body);
 * 503 application/problem+json when the analysis service cannot be reached.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@io.quarkus.security.Authenticated
public class DashboardResource {
    @Inject
    AnalysisClient analysis;
    @Inject
    Tenants tenants;

    /** The study report with the verdict (see the analysis service's {@code /api/studies/{id}/report}). */
    @GET
    @Path("/studies/{id}/report")
    public Uni<Response> report(@PathParam("id") String id) {
        UUID studyId = uuid(id);
        return tenants.ownStudy(studyId, tenants.current()).chain(own -> forward("/api/studies/" + studyId + "/report"));
    }

    /** Per-run Pareto points, STL baselines and Δm (the analysis service's {@code /api/studies/{id}/analysis}). */
    @GET
    @Path("/studies/{id}/analysis")
    public Uni<Response> analysis(@PathParam("id") String id) {
        UUID studyId = uuid(id);
        return tenants.ownStudy(studyId, tenants.current()).chain(own -> forward("/api/studies/" + studyId + "/analysis"));
    }

    /** Running gradient statistics of one run. */
    @GET
    @Path("/runs/{id}/gradients")
    public Uni<Response> gradients(@PathParam("id") String id) {
        UUID runId = uuid(id);
        return tenants.ownRun(runId, tenants.current()).chain(own -> forward("/api/runs/" + runId + "/gradients"));
    }

    private Uni<Response> forward(String path) {
        return analysis.get(path)
                .map(a -> Response.status(a.status()).type(a.contentType()).entity(a.body()).build())
                .onFailure(AnalysisClient.Unavailable.class).recoverWithItem(DashboardResource::unavailable);
    }

    static Response unavailable(Throwable e) {
        Problem p = new Problem("about:blank", "Analysis service unavailable", 503, e.getMessage(), null, null);
        return Response.status(503).type(ProblemMappers.PROBLEM_JSON).entity(p).build();
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(List.of(new Violation("id", "'" + id + "' is not a UUID")));
        }
    }
}
