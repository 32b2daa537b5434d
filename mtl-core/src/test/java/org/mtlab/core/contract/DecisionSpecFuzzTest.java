package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 2,000 seeded mutations of the decision fields (primary task, values, margins, learning-rate grids, quick) through
 * the gateway's path — read, validate, expand. Each must be refused with a named field (a ContractException or
 * violations: a 400) or be valid and expand to exactly the run count the validator checked; no other exception,
 * which the gateway would turn into a 5xx.
 */
class DecisionSpecFuzzTest {
    static final String[] VALUES = {"0", "-1", "1e400", "-1e400", "0.5", "3", "1000001", "\"x\"", "true", "null",
            "[]", "{}", "1e-300", "11", "0.01"};

    @Test
    void everyMutationIsAFieldNamedRefusalOrAValidExpansion() {
        Random rnd = new Random(20261129);
        int refused = 0;
        int valid = 0;
        for (int i = 0; i < 2000; i++) {
            String json = mutate(rnd);
            StudySpec spec;
            try {
                spec = Json.read(json, StudySpec.class);
            } catch (ContractException e) {
                refused++;
                continue;
            }
            List<Violation> violations = DecisionSpecTest.VALIDATOR.validate(spec);
            if (!violations.isEmpty()) {
                assertTrue(violations.stream().allMatch(v -> v.field() != null && !v.field().isBlank()), json);
                refused++;
                continue;
            }
            List<RunPlan> runs = StudyExpansion.expand(spec);
            assertEquals(StudyExpansion.runCount(spec), runs.size(), json);
            assertTrue(runs.size() <= (spec.quickOrDefault() ? StudySpecValidator.QUICK_MAX_RUNS : StudySpecValidator.MAX_RUNS));
            assertTrue(runs.stream().allMatch(r -> r.optimizer().learningRate() != null && r.optimizer().learningRates() == null));
            TrainingRequest.decode(TrainingRequest.of(java.util.UUID.randomUUID(), java.util.UUID.randomUUID(), runs.get(0),
                    spec).encode());
            valid++;
        }
        assertTrue(refused > 1000 && valid > 50, refused + " refused, " + valid + " valid");
    }

    static String mutate(Random rnd) {
        String v = VALUES[rnd.nextInt(VALUES.length)];
        String json = DecisionSpecTest.DECISION_SPEC;
        return switch (rnd.nextInt(8)) {
            case 0 -> json.replace("\"primaryTask\": \"y2\"", "\"primaryTask\": " + (rnd.nextBoolean() ? v : "\"y" + rnd.nextInt(5) + "\""));
            case 1 -> json.replace("\"value\": 3", "\"value\": " + v);
            case 2 -> json.replace("\"margin\": 0.05", "\"margin\": " + v);
            case 3 -> json.replace("[0.001, 0.01]", rnd.nextBoolean() ? v : "[" + v + ", 0.01]");
            case 4 -> json.replace("\"learningRate\": 0.05,", rnd.nextBoolean() ? "" : "\"learningRate\": 0.05, \"learningRates\": " + v + ",");
            case 5 -> json.replace("\"primaryTask\": \"y2\"", "\"primaryTask\": \"y2\", \"quick\": " + v);
            case 6 -> json.replace("\"primaryTask\": \"y2\"", "\"primaryTask\": \"y" + (1 + rnd.nextInt(3)) + "\", \"quick\": true")
                    .replace("[1, 2]", rnd.nextBoolean() ? "[1]" : "[1, 2, 3]");
            default -> json.replace("{\"name\": \"y3\"}", "{\"name\": \"y3\", \"value\": " + v + ", \"margin\": "
                    + VALUES[rnd.nextInt(VALUES.length)] + "}");
        };
    }
}
