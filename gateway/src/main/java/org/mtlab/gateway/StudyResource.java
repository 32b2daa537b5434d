package org.mtlab.gateway;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.mtlab.core.contract.ContractException;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.RunControl;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;

@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class StudyResource {
    /** A spec is a few hundred bytes; anything near this is a mistake or an attack (the HTTP layer stops at 8 MB). */
    static final int MAX_SPEC_CHARACTERS = 1_000_000;
    @Inject
    StudyService studies;
    @Inject
    Tenants tenants;

    /** Submits a study: 201 with the study and its runs, or 400 problem+json naming the offending field. */
    @POST
    @Path("/studies")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> submit(String body) {
        if (body != null && body.length() > MAX_SPEC_CHARACTERS) {
            throw new ProblemException(413, "Study spec too large", "a study spec may have at most "
                    + MAX_SPEC_CHARACTERS + " characters, this one has " + body.length(),
                    List.of(new Violation("(body)", "too large")));
        }
        StudySpec spec;
        try {
            spec = Json.read(body, StudySpec.class);
        } catch (ContractException e) {
            String field = e.field() == null ? "(body)" : e.field();
            throw ProblemException.invalid(List.of(new Violation(field, e.getMessage())));
        }
        List<Violation> violations = studies.validate(spec);
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
        String tenant = tenants.current();
        UUID id = UUID.randomUUID();
        return studies.create(id, spec, "rest", tenant)
                .chain(() -> view(id, tenant))
                .map(view -> Response.created(URI.create("/api/studies/" + id)).entity(view).build());
    }

    @GET
    @Path("/studies")
    public Uni<List<Views.StudySummary>> list() {
        String tenant = tenants.current();
        return Panache.withSession(() -> StudyEntity.<StudyEntity>list("tenant", Sort.descending("createdAt"), tenant)
                .chain(all -> RunEntity.<RunEntity>list("studyId in ?1", all.stream().map(s -> s.id).toList())
                        .map(runs -> {
                            Map<UUID, List<RunEntity>> byStudy = runs.stream().collect(Collectors.groupingBy(r -> r.studyId));
                            return all.stream().map(s -> Views.StudySummary.of(s, byStudy.getOrDefault(s.id, List.of()))).toList();
                        })));
    }

    @GET
    @Path("/studies/{id}")
    public Uni<Views.StudyView> get(@PathParam("id") String id) {
        return view(parseId(id), tenants.current());
    }

    /** Optional body of a cancellation. */
    public record CancelRequest(String reason) {
    }

    /**
     * Cancels a study: its unfinished runs become CANCELLED with the reason at once, and the trainers stop them within
     * a step or never start them. 202 with the study; 404 for an unknown study; 409 when every run had finished.
     */
    @POST
    @Path("/studies/{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> cancel(@PathParam("id") String id, String body) {
        UUID studyId = parseId(id);
        String tenant = tenants.current();
        String reason = "cancelled by request";
        if (body != null && !body.isBlank()) {
            CancelRequest request;
            try {
                request = Json.read(body, CancelRequest.class);
            } catch (ContractException e) {
                throw ProblemException.invalid(List.of(new Violation(e.field() == null ? "(body)" : e.field(), e.getMessage())));
            }
            if (request == null || request.reason() == null || request.reason().isBlank()) {
                throw ProblemException.invalid(List.of(new Violation("reason", "must be a non-empty text when a body is sent")));
            }
            Violation control = org.mtlab.core.contract.ControlCharacters.check("reason", request.reason(),
                    org.mtlab.core.contract.ControlCharacters.FREE_TEXT);
            if (control != null) {
                throw ProblemException.invalid(List.of(control));
            }
            if (request.reason().length() > RunControl.MAX_REASON_LENGTH - 20) {
                throw ProblemException.invalid(List.of(new Violation("reason",
                        "must be at most " + (RunControl.MAX_REASON_LENGTH - 20) + " characters")));
            }
            reason = request.reason();
        }
        return studies.cancel(studyId, reason, tenant).chain(cancelled -> {
            if (cancelled == 0) {
                throw new ProblemException(409, "Nothing to cancel", "every run of study " + studyId
                        + " has already finished", List.of(new Violation("id", "study has no unfinished run")));
            }
            return view(studyId, tenant);
        }).map(view -> Response.accepted(view).build());
    }

    @GET
    @Path("/runs/{id}")
    public Uni<Views.RunView> run(@PathParam("id") String id) {
        UUID runId = parseId(id);
        return tenants.ownRun(runId, tenants.current()).map(Views.RunView::of);
    }

    private Uni<Views.StudyView> view(UUID id, String tenant) {
        return Panache.withSession(() -> StudyEntity.<StudyEntity>findById(id).chain(study -> {
            if (study == null || !tenant.equals(study.tenant)) {
                throw ProblemException.notFound("study", id);
            }
            return RunEntity.<RunEntity>list("studyId = ?1 order by label", id).map(runs -> Views.StudyView.of(study, runs));
        }));
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(List.of(new Violation("id", "'" + id + "' is not a UUID")));
        }
    }
}
