package org.mtlab.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.Json;
import org.mtlab.devstack.RealInfrastructure;

/**
 * 1,200 generated bad study submissions (seeded, reproducible): wrong types, missing and unknown fields, NaN and huge
 * numbers, negative sizes, deep nesting, oversized bodies, odd unicode, broken JSON, wrong media types. Every answer
 * must be a 4xx application/problem+json that says what is wrong; not one 5xx.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class BadRequestFuzzTest {
    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        TestAuth.as(TestAuth.TENANT);
    }

    @org.junit.jupiter.api.AfterEach
    void forgetToken() {
        TestAuth.clear();
    }

    static final List<String> REQUIRED = List.of("name", "dataset", "tasks", "model", "optimizers", "methods", "seeds",
            "epochs", "batchSize");
    static final List<String> ODD = List.of("t\u0000x", "\u202Etask", "🙂", "a b", "ü".repeat(65), "", "x/y", "\uD800");

    final Random rnd = new Random(20261128);

    ObjectNode valid() {
        return (ObjectNode) Json.read(GatewayTest.SPEC, JsonNode.class);
    }

    JsonNode wrongType(JsonNode original) {
        List<JsonNode> options = new ArrayList<>(List.of(Json.MAPPER.getNodeFactory().textNode("x"),
                Json.MAPPER.getNodeFactory().booleanNode(true), Json.MAPPER.createObjectNode().put("k", 1),
                Json.MAPPER.createArrayNode().add(1).add("two"), Json.MAPPER.getNodeFactory().numberNode(7)));
        options.removeIf(o -> o.getNodeType() == original.getNodeType());
        return options.get(rnd.nextInt(options.size()));
    }

    /** Each generator returns a body (and media type) that is invalid for a reason it names. */
    List<Map.Entry<String, Function<Random, Object[]>>> generators() {
        List<Map.Entry<String, Function<Random, Object[]>>> g = new ArrayList<>();
        g.add(Map.entry("missing field", r -> {
            ObjectNode spec = valid();
            spec.remove(REQUIRED.get(r.nextInt(REQUIRED.size())));
            return json(spec);
        }));
        g.add(Map.entry("wrong type", r -> {
            ObjectNode spec = valid();
            String field = REQUIRED.get(r.nextInt(REQUIRED.size()));
            spec.set(field, wrongType(spec.get(field)));
            return json(spec);
        }));
        g.add(Map.entry("unknown field", r -> {
            ObjectNode spec = valid();
            spec.put("unknown_" + r.nextInt(1000), r.nextInt());
            return json(spec);
        }));
        g.add(Map.entry("bad number", r -> {
            ObjectNode spec = valid();
            String[] fields = {"epochs", "batchSize"};
            long[] values = {0, -1, -r.nextInt(1_000_000), 1_000_000_000L, Long.MAX_VALUE};
            spec.put(fields[r.nextInt(2)], values[r.nextInt(values.length)]);
            return json(spec);
        }));
        g.add(Map.entry("bad learning rate", r -> {
            String[] values = {"0", "-0.1", "1e400", "-1e400", "NaN", "Infinity", "11", "\"fast\"", "null"};
            return new Object[] {GatewayTest.SPEC.replace("\"learningRate\":0.01", "\"learningRate\":" + values[r.nextInt(values.length)]),
                    "application/json"};
        }));
        g.add(Map.entry("bad dataset parameter", r -> {
            ObjectNode spec = valid();
            ObjectNode params = (ObjectNode) spec.get("dataset").get("params");
            switch (r.nextInt(4)) {
                case 0 -> params.put("rho", 1 + r.nextDouble() + 0.001);
                case 1 -> params.put("dimension", -r.nextInt(100));
                case 2 -> params.put("samples", 1_000_000_000);
                default -> params.put("rho", "high");
            }
            return json(spec);
        }));
        g.add(Map.entry("odd unicode name", r -> {
            ObjectNode spec = valid();
            String odd = ODD.get(r.nextInt(ODD.size()));
            if (r.nextBoolean()) {
                ((ObjectNode) spec.get("tasks").get(0)).put("name", odd);
            } else {
                ((ArrayNode) spec.get("methods")).set(0, Json.MAPPER.getNodeFactory().textNode(odd));
            }
            return json(spec);
        }));
        g.add(Map.entry("deep nesting", r -> {
            int depth = 1500 + r.nextInt(3000);
            return new Object[] {"{\"name\":" + "[".repeat(depth) + "]".repeat(depth) + "}", "application/json"};
        }));
        g.add(Map.entry("oversized body", r -> {
            ObjectNode spec = valid();
            spec.put("name", "n".repeat(1_100_000 + r.nextInt(400_000)));
            return json(spec);
        }));
        g.add(Map.entry("broken JSON", r -> {
            String s = GatewayTest.SPEC;
            return new Object[] {s.substring(0, 1 + r.nextInt(s.length() - 2)), "application/json"};
        }));
        g.add(Map.entry("random bytes", r -> {
            byte[] bytes = new byte[1 + r.nextInt(200)];
            r.nextBytes(bytes);
            return new Object[] {bytes, "application/json"};
        }));
        g.add(Map.entry("duplicates", r -> {
            ObjectNode spec = valid();
            if (r.nextBoolean()) {
                ((ArrayNode) spec.get("seeds")).add(1);
            } else {
                ((ArrayNode) spec.get("tasks")).add(spec.get("tasks").get(0).deepCopy());
            }
            return json(spec);
        }));
        g.add(Map.entry("too many runs", r -> {
            ObjectNode spec = valid();
            ArrayNode seeds = spec.putArray("seeds");
            for (int i = 0; i < 21 + r.nextInt(50); i++) {
                seeds.add(i);
            }
            return json(spec);
        }));
        g.add(Map.entry("wrong media type", r -> new Object[] {GatewayTest.SPEC, r.nextBoolean() ? "text/plain" : "application/xml"}));
        g.add(Map.entry("empty body", r -> new Object[] {"", "application/json"}));
        return g;
    }

    static Object[] json(JsonNode node) {
        return new Object[] {Json.writeString(node), "application/json"};
    }

    @Test
    void everyBadRequestGetsA4xxProblemAndNoneA5xx() {
        var generators = generators();
        Map<String, Integer> perKind = new TreeMap<>();
        Map<Integer, Integer> perStatus = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            var generator = generators.get(i % generators.size());
            Object[] request = generator.getValue().apply(rnd);
            var spec = given().contentType(request[1] + "; charset=UTF-8");
            Response response = (request[0] instanceof byte[] bytes ? spec.body(bytes)
                    : spec.body(((String) request[0]).getBytes(StandardCharsets.UTF_8))).post("/api/studies");
            perKind.merge(generator.getKey(), 1, Integer::sum);
            perStatus.merge(response.statusCode(), 1, Integer::sum);
            String type = String.valueOf(response.contentType());
            if (response.statusCode() < 400 || response.statusCode() >= 500 || !type.startsWith("application/problem+json")
                    || response.jsonPath().getString("detail") == null) {
                failures.add(generator.getKey() + " → " + response.statusCode() + " " + type + " "
                        + response.asString().substring(0, Math.min(200, response.asString().length())));
            }
        }
        System.out.printf("bad requests by kind %s, answers by status %s%n", perKind, perStatus);
        assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())), failures.size() + " bad answers");
        assertTrue(perStatus.keySet().stream().noneMatch(s -> s >= 500));
    }
}
