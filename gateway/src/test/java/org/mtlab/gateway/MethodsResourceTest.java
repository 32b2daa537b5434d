package org.mtlab.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtlab.devstack.RealInfrastructure;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class MethodsResourceTest {
    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        TestAuth.as(TestAuth.TENANT);
    }

    @org.junit.jupiter.api.AfterEach
    void forgetToken() {
        TestAuth.clear();
    }

    private static final double EPS = 1e-9;

    private static JsonPath apply(String method, String body) {
        return given().contentType("application/json").body(body)
                .when().post("/api/methods/" + method + "/apply")
                .then().statusCode(200).contentType("application/json").extract().jsonPath()
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    private static double[] doubles(JsonPath json, String path) {
        List<Object> values = json.getList(path);
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).doubleValue();
        }
        return out;
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }

    private static void assertBadRequest(String method, String body, String field) {
        given().contentType("application/json").body(body)
                .when().post("/api/methods/" + method + "/apply")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("field", equalTo(field)).body("violations[0].field", equalTo(field));
    }

    @Test
    void listsEveryMethodWithCitationAndDefaults() {
        JsonPath list = given().get("/api/methods").then().statusCode(200).extract().jsonPath();
        List<String> names = list.getList("name");
        assertTrue(names.size() >= 20, "at least 20 methods: " + names);
        assertTrue(names.containsAll(List.of("EW", "MGDA", "PCGrad", "CAGrad", "Nash-MTL", "GradDrop")), names.toString());
        List<String> citations = list.getList("citation");
        assertTrue(citations.stream().allMatch(c -> c != null && c.length() > 10), "every method cites its paper");
        List<String> kinds = list.getList("kind");
        assertTrue(kinds.containsAll(List.of("LOSS_WEIGHTING", "GRAM_WEIGHTING", "GRADIENT_AGGREGATION")));
        int cagrad = names.indexOf("CAGrad");
        assertEquals(0.5, list.getDouble("[" + cagrad + "].parameters.c"), EPS);
        int pcgrad = names.indexOf("PCGrad");
        assertTrue(list.getBoolean("[" + pcgrad + "].seeded"));
        Map<String, Object> pcgradParameters = list.getMap("[" + pcgrad + "].parameters");
        assertFalse(pcgradParameters.containsKey("seed"), "the seed is its own field");
        given().get("/api/methods/nash_mtl").then().statusCode(200).body("name", equalTo("Nash-MTL"))
                .body("inputs", hasItems("GRAM"));
    }

    @Test
    void describesWrappedMethodsAndDeclaredProperties() {
        given().get("/api/methods/cr_mogm:upgrad").then().statusCode(200).body("name", equalTo("CR-MOGM:UPGrad"))
                .body("properties", hasItems("STATEFUL")).body("parameters.smoothing", equalTo(0.9f));
        given().get("/api/methods/db_mtl").then().statusCode(200).body("properties", hasItems("PARAMETER_SPACE_ONLY"));
        given().get("/api/methods/cr_mogm:ew").then().statusCode(404);
        // two steps' worth of state is not visible through apply (a fresh instance each time): CR-MOGM = its inner
        JsonPath wrapped = apply("cr-mogm:mgda", "{\"losses\":[1.0,1.0],\"gradients\":[[1,0],[0,2]]}");
        assertClose(new double[] {0.8, 0.2}, doubles(wrapped, "weights"), 1e-9, "CR-MOGM's first step is MGDA's");
        assertEquals("CR-MOGM", wrapped.getString("method"));
    }

    @Test
    void mgdaOnOrthogonalGradientsMatchesTheClosedForm() {
        // g1 = (1, 0), g2 = (0, 2): min over w1 + w2 = 1 of w1² + 4 w2² is at w1 = 4 w2, i.e. (0.8, 0.2).
        JsonPath full = apply("MGDA", "{\"losses\":[1.0,1.0],\"gradients\":[[1,0],[0,2]]}");
        assertClose(new double[] {0.8, 0.2}, doubles(full, "weights"), 1e-9, "MGDA weights");
        assertClose(new double[] {0.8, 0.4}, doubles(full, "combinedGradient"), 1e-9, "MGDA combined");
        assertEquals(2, full.getInt("tasks"));
        assertEquals("GRAM_WEIGHTING", full.getString("kind"));

        JsonPath gram = apply("mgda", "{\"losses\":[1.0,1.0],\"gram\":[[1,0],[0,4]]}");
        assertClose(new double[] {0.8, 0.2}, doubles(gram, "weights"), 1e-9, "MGDA weights from Gram");
        assertNull(gram.get("combinedGradient"), "no gradients, no combined gradient");
    }

    @Test
    void ewCombinedGradientIsTheSumOfRows() {
        double[][] g = {{0.5, -1.0, 2.0, 0.0}, {1.5, 3.0, -2.0, 4.0}, {-0.25, 0.0, 1.0, 1.0}};
        JsonPath result = apply("EW", "{\"losses\":[0.3,0.2,0.1],\"gradients\":"
                + "[[0.5,-1.0,2.0,0.0],[1.5,3.0,-2.0,4.0],[-0.25,0.0,1.0,1.0]]}");
        double[] sum = new double[4];
        for (double[] row : g) {
            for (int k = 0; k < 4; k++) {
                sum[k] += row[k];
            }
        }
        assertClose(new double[] {1, 1, 1}, doubles(result, "weights"), EPS, "EW weights");
        assertClose(sum, doubles(result, "combinedGradient"), EPS, "EW combined");
        // losses alone are enough for a loss weighting
        assertClose(new double[] {1, 1}, doubles(apply("EW", "{\"losses\":[2.0,3.0]}"), "weights"), EPS, "EW from losses");
    }

    @Test
    void pcgradProjectsConflictingGradients() {
        // exactly opposite: each projection removes the whole gradient, nothing is left
        JsonPath opposite = apply("PCGrad", "{\"gradients\":[[1,2],[-1,-2]],\"seed\":7}");
        assertClose(new double[] {0, 0}, doubles(opposite, "combinedGradient"), 1e-12, "PCGrad opposite");
        assertEquals(7L, opposite.getLong("seed"));
        // g1 = (1,0), g2 = (-1,1), g1·g2 = -1: g1' = g1 + g2/2 = (0.5,0.5), g2' = g2 + g1 = (0,1); sum (0.5,1.5)
        JsonPath partial = apply("PCGrad", "{\"losses\":[1,1],\"gradients\":[[1,0],[-1,1]]}");
        assertClose(new double[] {0.5, 1.5}, doubles(partial, "combinedGradient"), 1e-12, "PCGrad partial");
        assertClose(new double[] {2.0, 1.5}, doubles(partial, "weights"), 1e-12, "PCGrad coefficients");
        // no conflict: the gradients pass unchanged
        JsonPath aligned = apply("PCGrad", "{\"gradients\":[[1,0],[1,1]]}");
        assertClose(new double[] {2, 1}, doubles(aligned, "combinedGradient"), 1e-12, "PCGrad aligned");
    }

    @Test
    void everyWeightingCombinesAsJTransposeW() {
        double[][] g = {{0.9, -0.3, 0.2, 1.1, -0.7}, {-0.4, 0.8, 0.5, -0.2, 0.3}, {0.1, 0.2, -1.2, 0.6, 0.4}};
        String body = "{\"losses\":[0.7,1.3,0.4],\"gradients\":[[0.9,-0.3,0.2,1.1,-0.7],[-0.4,0.8,0.5,-0.2,0.3],"
                + "[0.1,0.2,-1.2,0.6,0.4]],\"seed\":3}";
        JsonPath list = given().get("/api/methods").then().statusCode(200).extract().jsonPath();
        List<String> names = list.getList("name");
        List<String> kinds = list.getList("kind");
        for (int m = 0; m < names.size(); m++) {
            JsonPath result = apply(names.get(m), body);
            double[] w = doubles(result, "weights");
            double[] combined = doubles(result, "combinedGradient");
            assertEquals(3, w.length, names.get(m));
            assertEquals(5, combined.length, names.get(m));
            if (!kinds.get(m).equals("GRADIENT_AGGREGATION")) {
                double[] expected = new double[5];
                for (int t = 0; t < 3; t++) {
                    for (int k = 0; k < 5; k++) {
                        expected[k] += w[t] * g[t][k];
                    }
                }
                assertClose(expected, combined, 1e-9, names.get(m) + " combined = Jᵀw");
            }
        }
    }

    @Test
    void parametersOverrideDefaults() {
        JsonPath result = apply("CAGrad", "{\"gradients\":[[1,0],[0,2]],\"parameters\":{\"c\":0.25}}");
        assertEquals(0.25, result.getDouble("parameters.c"), EPS);
        assertEquals(1.0, result.getDouble("parameters.rescale"), EPS);
        assertNull(result.get("seed"), "CAGrad takes no seed");
    }

    @Test
    void unknownMethodAnswersProblemJsonListingValidNames() {
        given().contentType("application/json").body("{\"losses\":[1,1],\"gram\":[[1,0],[0,1]]}")
                .when().post("/api/methods/magic/apply")
                .then().statusCode(404).contentType("application/problem+json")
                .body("field", equalTo("name"))
                .body("detail", containsString("MGDA")).body("detail", containsString("PCGrad"))
                .body("detail", containsString("Nash-MTL"));
        given().get("/api/methods/magic").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void malformedInputAnswers400NamingTheField() {
        assertBadRequest("MGDA", "{\"losses\":[1,1],\"gradients\":[[1,0,3],[0,2]]}", "gradients[1]");
        assertBadRequest("MGDA", "{\"losses\":[1,1],\"gram\":[[1,0],[0]]}", "gram[1]");
        assertBadRequest("MGDA", "{\"gram\":[[1,0,0],[0,1,0]]}", "gram[0]");
        assertBadRequest("MGDA", "{\"losses\":[1,1],\"gradients\":[[1,\"NaN\"],[0,2]]}", "gradients[0][1]");
        assertBadRequest("MGDA", "{\"losses\":[1,\"NaN\"],\"gradients\":[[1,0],[0,2]]}", "losses[1]");
        assertBadRequest("MGDA", "{\"losses\":[1,1,1],\"gradients\":[[1,0],[0,2]]}", "losses");
        assertBadRequest("MGDA", "{\"losses\":[1,1]}", "gradients");
        assertBadRequest("UW", "{\"gradients\":[[1,0],[0,2]]}", "losses");
        assertBadRequest("GradDrop", "{\"losses\":[1,1],\"gram\":[[1,0],[0,4]]}", "gradients");
        assertBadRequest("DB-MTL", "{\"losses\":[1,1],\"gram\":[[1,0],[0,4]]}", "gradients");
        assertBadRequest("MGDA", "{\"gradients\":[[1,0],[0,2]],\"gram\":[[1,0],[0,4]]}", "gram");
        assertBadRequest("MGDA", "{\"gram\":[[1,0.5],[0.2,1]]}", "gram");
        assertBadRequest("MGDA", "{\"gram\":[[-1,0],[0,1]]}", "gram[0][0]");
        assertBadRequest("MGDA", "{\"gradients\":[]}", "gradients");
        assertBadRequest("MGDA", "{\"gradients\":\"x\"}", "gradients");
        assertBadRequest("MGDA", "{\"gradients\":[[1,0],[0,2]],\"extra\":1}", "extra");
        assertBadRequest("CAGrad", "{\"gradients\":[[1,0],[0,2]],\"parameters\":{\"nope\":1}}", "parameters.nope");
        assertBadRequest("CAGrad", "{\"gradients\":[[1,0],[0,2]],\"parameters\":{\"c\":\"x\"}}", "parameters.c");
        assertBadRequest("PCGrad", "{\"gradients\":[[1,0],[0,2]],\"parameters\":{\"seed\":1}}", "parameters.seed");
        assertBadRequest("EW", "{}", "losses");
        assertBadRequest("EW", "{not json", "(body)");
        given().contentType("application/json").body("{\"losses\":[1,1],\"gradients\":[[1,0,3],[0,2]]}")
                .when().post("/api/methods/MGDA/apply")
                .then().statusCode(400).body("title", equalTo("Invalid method input"))
                .body("detail", containsString("ragged")).body("type", equalTo("about:blank"))
                .body("violations[1]", nullValue());
    }
}
