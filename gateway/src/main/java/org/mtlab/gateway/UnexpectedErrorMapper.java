package org.mtlab.gateway;

import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors no other mapper claims. A database that cannot be reached is a 503 with Retry-After (the request was not
 * accepted, nothing of it was kept; the client should retry); anything else is a 500 problem+json whose detail is
 * only an error id, logged with the cause — internals never reach the client.
 */
public class UnexpectedErrorMapper {
    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class);
    static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 100)
    public Response unexpected(Throwable error) {
        if (isDatabaseUnavailable(error)) {
            LOG.warnf("database unavailable: %s", error.toString());
            return Response.status(503).type(ProblemMappers.PROBLEM_JSON).header("Retry-After", RETRY_AFTER_SECONDS)
                    .entity(new Problem("about:blank", "Service unavailable", 503,
                            "the database is unavailable; nothing of this request was kept — retry in "
                                    + RETRY_AFTER_SECONDS + " s", null, null))
                    .build();
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(error, "unexpected error %s", id);
        return Response.status(500).type(ProblemMappers.PROBLEM_JSON)
                .entity(new Problem("about:blank", "Internal error", 500, "unexpected error, id " + id, null, null))
                .build();
    }

    /** A refused or lost connection to PostgreSQL anywhere in the cause chain. */
    static boolean isDatabaseUnavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t.getClass().getName();
            if (t instanceof ConnectException || name.endsWith("ClosedConnectionException")
                    || name.equals("io.vertx.core.impl.NoStackTraceThrowable") && String.valueOf(t.getMessage()).contains("onnection")
                    || name.equals("io.vertx.pgclient.PgException") && String.valueOf(t.getMessage()).matches("(?s).*(57P0|08\\d\\d\\d).*")) {
                return true;
            }
        }
        return false;
    }
}
