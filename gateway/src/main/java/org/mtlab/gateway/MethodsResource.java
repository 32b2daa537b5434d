package org.mtlab.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtlab.core.contract.ContractException;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.methods.MethodInfo;
import org.mtlab.core.methods.MethodInput;
import org.mtlab.core.methods.MethodKind;
import org.mtlab.core.methods.MethodProperty;
import org.mtlab.core.methods.MethodRegistry;
import org.mtlab.core.methods.MethodResult;
import org.mtlab.core.methods.MtlMethod;
import org.mtlab.core.methods.StepInput;

/**
 * The weighting/aggregation methods of mtl-core, to list and to try on one step without training anything:
 * {@code GET /api/methods}, {@code GET /api/methods/{name}} and {@code POST /api/methods/{name}/apply}.
 * Each apply uses a fresh method instance, so stateful methods (DWA, GradNorm, FAMO, Nash-MTL …) answer as
 * they would at the first step of a run.
 */
@Path("/api/methods")
@io.quarkus.security.Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MethodsResource {
    /** Largest task count one apply accepts (the iterative solvers grow quickly with T). */
    static final int MAX_TASKS = 100;
    /** Parameters every seeded method takes from {@code seed} rather than from {@code parameters}. */
    private static final String SEED = "seed";

    /**
     * A method as listed: {@code parameters} are its defaults; seeded methods take the request's {@code seed};
     * {@code properties} are the ones its class declares (SEEDED, STATEFUL, PARAMETER_SPACE_ONLY).
     */
    @RegisterForReflection
    public record MethodView(String name, MethodKind kind, String citation, Set<MethodInput> inputs,
                             Map<String, Double> parameters, boolean seeded, Set<MethodProperty> properties) {
        static MethodView of(MethodInfo info) {
            Map<String, Double> parameters = new LinkedHashMap<>(info.parameters());
            parameters.remove(SEED);
            return new MethodView(info.name(), info.kind(), info.citation(), info.inputs(), parameters, info.seeded(),
                    info.properties());
        }
    }

    /**
     * One step to decide: task losses and either the task gradients (T×P) or their Gram matrix (T×T); optional
     * hyper-parameter overrides and seed.
     */
    @RegisterForReflection
    public record ApplyRequest(double[] losses, double[][] gradients, double[][] gram, Map<String, Double> parameters,
                               Long seed) {
    }

    /** The decision: a weight per task and, when gradients were given, the combined shared gradient. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApplyResult(String method, MethodKind kind, int tasks, double[] weights, double[] combinedGradient,
                              Map<String, Double> parameters, Long seed) {
    }

    @GET
    public List<MethodView> list() {
        return MethodRegistry.list().stream().map(MethodView::of).toList();
    }

    @GET
    @Path("/{name}")
    public MethodView describe(@PathParam("name") String name) {
        return MethodView.of(known(name));
    }

    /** Applies one fresh instance of the method to one step: 200 with the weights, 400/404 problem+json. */
    @POST
    @Path("/{name}/apply")
    @Consumes(MediaType.APPLICATION_JSON)
    public ApplyResult apply(@PathParam("name") String name, String body) {
        MethodInfo info = known(name);
        ApplyRequest request;
        try {
            request = Json.read(body, ApplyRequest.class);
        } catch (ContractException e) {
            throw invalid(e.field() == null ? "(body)" : e.field(), e.getMessage());
        }
        Map<String, Double> parameters = checkParameters(info, request.parameters());
        StepInput step = step(info, request);
        long seed = request.seed() == null ? 0L : request.seed();
        MtlMethod method;
        try {
            method = MethodRegistry.create(info.name(), parameters, seed);
        } catch (IllegalArgumentException e) {
            throw invalid("parameters", e.getMessage());
        }
        MethodResult result;
        try {
            result = method.apply(step);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw invalid(step.hasGradients() ? "gradients" : step.hasGram() ? "gram" : "losses", e.getMessage());
        }
        Map<String, Double> used = MethodView.of(method.info()).parameters();
        return new ApplyResult(info.name(), info.kind(), step.taskCount(), result.weights(), result.combinedGradient(),
                used, MethodView.of(info).seeded() ? seed : null);
    }

    /** The method a path names, in any spelling {@link MethodRegistry#canonicalName} accepts; 404 otherwise. */
    private static MethodInfo known(String name) {
        try {
            return MethodRegistry.describe(MethodRegistry.canonicalName(name));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(404, "Unknown method",
                    "unknown method '" + name + "'; valid names: " + MethodRegistry.names(),
                    List.of(new Violation("name", "valid names: " + MethodRegistry.names())));
        }
    }

    private static Map<String, Double> checkParameters(MethodInfo info, Map<String, Double> given) {
        if (given == null) {
            return Map.of();
        }
        Set<String> valid = MethodView.of(info).parameters().keySet();
        for (Map.Entry<String, Double> entry : given.entrySet()) {
            String field = "parameters." + entry.getKey();
            if (SEED.equals(entry.getKey())) {
                throw invalid(field, "give the seed as the top-level field 'seed'");
            }
            if (!valid.contains(entry.getKey())) {
                throw invalid(field, "unknown parameter for " + info.name() + "; valid: " + valid);
            }
            if (entry.getValue() == null || !Double.isFinite(entry.getValue())) {
                throw invalid(field, "must be a finite number: " + entry.getValue());
            }
        }
        return given;
    }

    /** Validates shapes and values with field paths, then builds the step the method reads. */
    private static StepInput step(MethodInfo info, ApplyRequest request) {
        double[] losses = request.losses();
        double[][] gradients = request.gradients();
        double[][] gram = request.gram();
        if (gradients != null && gram != null) {
            throw invalid("gram", "give either 'gradients' (T×P) or 'gram' (T×T), not both");
        }
        int tasks = -1;
        if (losses != null) {
            if (losses.length == 0) {
                throw invalid("losses", "must have at least one task");
            }
            requireFinite("losses", losses);
            tasks = losses.length;
        }
        if (gradients != null) {
            checkMatrix("gradients", gradients, -1);
            tasks = checkTaskCount("gradients", gradients.length, losses);
        }
        if (gram != null) {
            checkMatrix("gram", gram, gram.length);
            tasks = checkTaskCount("gram", gram.length, losses);
            for (int i = 0; i < gram.length; i++) {
                if (gram[i][i] < 0) {
                    throw invalid("gram[" + i + "][" + i + "]", "a Gram diagonal entry (squared norm) is negative");
                }
            }
        }
        Set<MethodInput> needs = info.inputs();
        if (needs.contains(MethodInput.LOSSES) && losses == null) {
            throw invalid("losses", info.name() + " needs the task losses");
        }
        if (needs.contains(MethodInput.GRADIENTS) && gradients == null) {
            throw invalid("gradients", info.name() + " needs the full task gradients (T×P)"
                    + (gram != null ? "; a Gram matrix is not enough" : ""));
        }
        if (needs.contains(MethodInput.GRAM) && gradients == null && gram == null) {
            throw invalid("gradients", info.name() + " needs the task gradients (T×P) or their Gram matrix ('gram', T×T)");
        }
        if (tasks < 0) {
            throw invalid("losses", "give the task losses, gradients or Gram matrix");
        }
        if (tasks > MAX_TASKS) {
            throw invalid(gradients != null ? "gradients" : gram != null ? "gram" : "losses",
                    tasks + " tasks; at most " + MAX_TASKS);
        }
        try {
            if (gradients != null) {
                return StepInput.ofGradients(0, 0, losses, gradients);
            }
            if (gram != null) {
                return StepInput.ofGram(0, 0, losses, gram);
            }
            return StepInput.ofLosses(0, 0, losses);
        } catch (IllegalArgumentException e) {
            throw invalid(gradients != null ? "gradients" : gram != null ? "gram" : "losses", e.getMessage());
        }
    }

    /** Non-empty, rectangular (rows of {@code columns} entries, or of the first row's length when -1), finite. */
    private static void checkMatrix(String field, double[][] matrix, int columns) {
        if (matrix.length == 0) {
            throw invalid(field, "must have at least one task row");
        }
        int width = columns >= 0 ? columns : (matrix[0] == null ? 0 : matrix[0].length);
        if (width == 0) {
            throw invalid(field + "[0]", "must not be empty");
        }
        for (int t = 0; t < matrix.length; t++) {
            String row = field + "[" + t + "]";
            if (matrix[t] == null) {
                throw invalid(row, "is missing");
            }
            if (matrix[t].length != width) {
                throw invalid(row, columns >= 0
                        ? "the Gram matrix must be square (" + matrix.length + "×" + matrix.length + "); this row has "
                        + matrix[t].length + " entries"
                        : "ragged matrix: row has " + matrix[t].length + " entries, row 0 has " + width);
            }
            requireFinite(row, matrix[t]);
        }
    }

    private static int checkTaskCount(String field, int rows, double[] losses) {
        if (losses != null && losses.length != rows) {
            throw invalid("losses", losses.length + " losses but " + rows + " task rows in '" + field + "'");
        }
        return rows;
    }

    private static void requireFinite(String field, double[] values) {
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw invalid(field + "[" + k + "]", "not a finite number: " + values[k]);
            }
        }
    }

    private static ProblemException invalid(String field, String message) {
        List<Violation> violations = new ArrayList<>(List.of(new Violation(field, message)));
        return new ProblemException(400, "Invalid method input", field + ": " + message, violations);
    }
}
