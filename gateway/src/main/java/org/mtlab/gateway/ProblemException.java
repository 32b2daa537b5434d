package org.mtlab.gateway;

import java.util.List;
import org.mtlab.core.contract.Violation;

/** Ends a request with an application/problem+json answer. */
public class ProblemException extends RuntimeException {
    private final Problem problem;

    public ProblemException(int status, String title, String detail, List<Violation> violations) {
        super(detail);
        this.problem = new Problem("about:blank", title, status, detail,
                violations.isEmpty() ? null : violations.get(0).field(), violations.isEmpty() ? null : violations);
    }

    public static ProblemException invalid(List<Violation> violations) {
        return new ProblemException(400, "Invalid study spec",
                violations.size() + " problem(s): " + violations.get(0) + (violations.size() > 1 ? "; ..." : ""), violations);
    }

    public static ProblemException notFound(String what, Object id) {
        return new ProblemException(404, "Not found", "no " + what + " with id " + id, List.of());
    }

    public Problem problem() {
        return problem;
    }
}
