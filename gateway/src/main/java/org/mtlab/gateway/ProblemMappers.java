package org.mtlab.gateway;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the API as application/problem+json. */
public class ProblemMappers {
    public static final String PROBLEM_JSON = "application/problem+json";

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Response.status(e.problem().status()).type(PROBLEM_JSON).entity(e.problem()).build();
    }

    /** No token, or one that fails verification (signature, issuer, expiry): 401 with what to do. */
    @ServerExceptionMapper({io.quarkus.security.AuthenticationFailedException.class,
            io.quarkus.security.UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        Problem p = new Problem("about:blank", "Authentication required", 401,
                "send a valid JWT bearer token (Authorization: Bearer <token>, or the mtlab_token cookie) from the "
                        + "configured issuer; ./mtlab demo prints one", "Authorization", null);
        return Response.status(401).type(PROBLEM_JSON).header("WWW-Authenticate", "Bearer").entity(p).build();
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        Problem p = new Problem("about:blank", "Forbidden", 403, "the token does not allow this", "Authorization", null);
        return Response.status(403).type(PROBLEM_JSON).entity(p).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Problem p = new Problem("about:blank", e.getResponse().getStatusInfo().getReasonPhrase(), status,
                e.getMessage(), null, null);
        return Response.status(status).type(PROBLEM_JSON).entity(p).build();
    }
}
