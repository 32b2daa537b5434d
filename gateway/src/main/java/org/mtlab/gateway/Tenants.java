package org.mtlab.gateway;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.mtlab.core.contract.Violation;

/**
 * Tenancy: the caller's tenant is the {@code tenant} claim of its verified token, and a study (with its runs, report
 * and metrics) is visible to its own tenant only. Another tenant's id answers 404, exactly like an unknown id, so
 * that ids leak nothing.
 */
@ApplicationScoped
public class Tenants {
    public static final String CLAIM = "tenant";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    @Inject
    JsonWebToken jwt;

    /** The tenant of the current request's token; 403 problem+json when the token names none. */
    public String current() {
        return tenantOf(jwt);
    }

    static String tenantOf(JsonWebToken token) {
        Object claim = token == null ? null : token.getClaim(CLAIM);
        String tenant = claim == null ? null : claim.toString();
        if (tenant == null || !NAME.matcher(tenant).matches()) {
            throw new ProblemException(403, "No tenant", "the token must carry a '" + CLAIM
                    + "' claim of 1-100 letters, digits, '.', '_' or '-'", List.of(new Violation(CLAIM, "missing or malformed claim")));
        }
        return tenant;
    }

    /** The study, if it exists and belongs to {@code tenant}; otherwise 404. */
    public Uni<StudyEntity> ownStudy(UUID studyId, String tenant) {
        return Panache.withSession(() -> StudyEntity.<StudyEntity>findById(studyId)).map(study -> {
            if (study == null || !tenant.equals(study.tenant)) {
                throw ProblemException.notFound("study", studyId);
            }
            return study;
        });
    }

    /** The run, if it exists and its study belongs to {@code tenant}; otherwise 404. */
    public Uni<RunEntity> ownRun(UUID runId, String tenant) {
        return Panache.withSession(() -> RunEntity.<RunEntity>findById(runId).chain(run -> {
            if (run == null) {
                throw ProblemException.notFound("run", runId);
            }
            return StudyEntity.<StudyEntity>findById(run.studyId).map(study -> {
                if (study == null || !tenant.equals(study.tenant)) {
                    throw ProblemException.notFound("run", runId);
                }
                return run;
            });
        }));
    }
}
