package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The decision fields of a study spec: primary task, values, margins, learning-rate grids, quick mode. */
class DecisionSpecTest {
    static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew", "mgda", "pcgrad"));

    static final String DECISION_SPEC = """
            {"name": "ranking first", "primaryTask": "y2",
             "dataset": {"kind": "synthetic", "params": {"rho": 0.5, "dimension": 20}},
             "tasks": [{"name": "y1", "value": 1, "margin": 0.05}, {"name": "y2", "value": 3, "margin": 0},
                       {"name": "y3"}],
             "model": {"kind": "mlp", "hidden": [16]},
             "optimizers": [{"name": "adam", "learningRates": [0.001, 0.01]},
                            {"name": "sgd", "learningRate": 0.05, "momentum": 0.9}],
             "methods": ["ew", "mgda"], "seeds": [1, 2], "epochs": 3, "batchSize": 32}""";

    static StudySpec decisionSpec() {
        return Json.read(DECISION_SPEC, StudySpec.class);
    }

    @Test
    void decisionFieldsAreReadValidatedAndDefaulted() {
        StudySpec spec = decisionSpec();
        assertEquals(List.of(), VALIDATOR.validate(spec));
        assertEquals("y2", spec.primaryTaskOrDefault());
        assertEquals(3.0, spec.tasks().get(1).valueOrDefault());
        assertEquals(0.0, spec.tasks().get(1).margin());
        assertEquals(1.0, spec.tasks().get(2).valueOrDefault(), "value defaults to 1");
        assertNull(spec.tasks().get(2).margin(), "no margin: no constraint");
        assertEquals(List.of(0.001, 0.01), spec.optimizers().get(0).learningRateGrid());
        assertEquals(List.of(0.05), spec.optimizers().get(1).learningRateGrid(), "learningRate is the one-value grid");
        StudySpec plain = JsonContractsTest.spec();
        assertEquals("y1", plain.primaryTaskOrDefault(), "without primaryTask the first task is primary");
        assertEquals(spec, Json.read(Json.write(spec), StudySpec.class));
    }

    @Test
    void everyBadDecisionFieldIsNamed() {
        String bad = DECISION_SPEC.replace("\"primaryTask\": \"y2\"", "\"primaryTask\": \"y9\"")
                .replace("\"value\": 1,", "\"value\": 0,").replace("\"margin\": 0}", "\"margin\": -0.1}")
                .replace("\"learningRates\": [0.001, 0.01]", "\"learningRates\": [0.001, 0.001, 20]")
                .replace("\"learningRate\": 0.05,", "\"learningRate\": 0.05, \"learningRates\": [],");
        List<String> fields = VALIDATOR.validate(Json.read(bad, StudySpec.class)).stream().map(Violation::field).toList();
        assertEquals(Set.of("primaryTask", "tasks[0].value", "tasks[1].margin", "optimizers[0].learningRates[1]",
                "optimizers[0].learningRates[2]", "optimizers[1].learningRate", "optimizers[1].learningRates"),
                Set.copyOf(fields), fields.toString());
        String none = DECISION_SPEC.replace("\"learningRate\": 0.05,", "");
        assertEquals(List.of("optimizers[1].learningRate"),
                VALIDATOR.validate(Json.read(none, StudySpec.class)).stream().map(Violation::field).toList());
        String eleven = DECISION_SPEC.replace("[0.001, 0.01]", "[1,2,3,4,5,6,7,8,9,10,0.5]");
        assertEquals(List.of("optimizers[0].learningRates"),
                VALIDATOR.validate(Json.read(eleven, StudySpec.class)).stream().map(Violation::field).toList());
    }

    @Test
    void expansionRunsEveryLearningRateAndPutsItInTheRequest() {
        StudySpec spec = decisionSpec();
        List<RunPlan> runs = StudyExpansion.expand(spec);
        // (2 adam rates + 1 sgd rate) × 2 seeds × (3 STL + 2 MTL)
        assertEquals(3 * 2 * 5, runs.size());
        assertEquals(runs.size(), StudyExpansion.runCount(spec));
        assertEquals(runs.size(), runs.stream().map(RunPlan::label).distinct().count(), "labels identify runs");
        List<Double> adamRates = new ArrayList<>();
        for (RunPlan plan : runs) {
            TrainingRequest request = TrainingRequest.decode(TrainingRequest.of(UUID.randomUUID(), UUID.randomUUID(),
                    plan, spec).encode());
            assertNull(request.optimizer().learningRates(), "a request carries one learning rate");
            if (plan.optimizer().name().equals("adam")) {
                adamRates.add(request.optimizer().learningRate());
            }
            assertEquals("y2", request.decision().primaryTask());
            assertEquals(3.0, request.decision().valueOf("y2"));
            assertEquals(0.05, request.decision().marginOf("y1"));
        }
        assertEquals(10L, adamRates.stream().filter(r -> r == 0.001).count());
        assertEquals(10L, adamRates.stream().filter(r -> r == 0.01).count());
    }

    @Test
    void quickModeTakesThePrimaryTaskAndTheMostValuableOtherWithEwSgdFirst() {
        String quickJson = DECISION_SPEC.replace("\"primaryTask\": \"y2\"", "\"primaryTask\": \"y2\", \"quick\": true")
                .replace("{\"name\": \"y3\"}", "{\"name\": \"y3\", \"value\": 2}");
        StudySpec quick = Json.read(quickJson, StudySpec.class);
        assertEquals(List.of(), VALIDATOR.validate(quick));
        assertEquals(List.of("y2", "y3"), StudyExpansion.quickTasks(quick), "y3 (value 2) beats y1 (value 1)");
        List<RunPlan> runs = StudyExpansion.expand(quick);
        // 3 learning rates × 2 seeds × (2 STL + 1 MTL)
        assertEquals(18, runs.size());
        assertEquals(18, StudyExpansion.runCount(quick));
        assertTrue(runs.stream().filter(r -> r.kind() == RunKind.MTL).allMatch(r -> r.method().equals("ew")
                && r.tasks().equals(List.of("y2", "y3"))));
        assertEquals("sgd", runs.get(0).optimizer().name(), "SGD first");
        assertEquals("adam", runs.get(runs.size() - 1).optimizer().name());
        TrainingRequest request = TrainingRequest.of(UUID.randomUUID(), UUID.randomUUID(), runs.get(0), quick);
        assertEquals(List.of("y1", "y2", "y3"), request.datasetTasks(), "data generated for every task of the study");
        assertTrue(request.decision().quick());
        assertEquals(List.of("ew", "mgda"), request.decision().methods());
    }

    @Test
    void runLimitsSayWhatToCut() {
        String big = DECISION_SPEC.replace("[0.001, 0.01]", "[1,2,3,4,5,6,7,8,9,10]").replace("[1, 2]",
                "[1,2,3,4,5,6,7,8,9,10]");
        // (10 + 1) rates × 10 seeds × 5 runs = 550 > 500
        Violation v = VALIDATOR.validate(Json.read(big, StudySpec.class)).get(0);
        assertEquals("seeds", v.field());
        assertTrue(v.message().contains("550 runs") && v.message().contains("fewer learning rates")
                && v.message().contains("\"quick\": true"), v.message());
        String quickBig = DECISION_SPEC.replace("\"primaryTask\": \"y2\"", "\"primaryTask\": \"y2\", \"quick\": true")
                .replace("[1, 2]", "[1, 2, 3]");
        // 3 rates × 3 seeds × 3 runs = 27 > 24
        Violation q = VALIDATOR.validate(Json.read(quickBig, StudySpec.class)).get(0);
        assertEquals("quick", q.field());
        assertTrue(q.message().contains("27 runs") && q.message().contains("24"), q.message());
    }

    @Test
    void startedCarriesTheDecisionAndCompletedTheCostOldEventsStillRead() {
        StudySpec spec = decisionSpec();
        TrainingRequest r = TrainingRequest.of(UUID.randomUUID(), UUID.randomUUID(), StudyExpansion.expand(spec).get(0), spec);
        RunEvent started = RunEvent.started(r, 10, new RunEvent.RunDescriptor(RunKind.STL, List.of("y1"), "adam", 0.001,
                "stl", 1, List.of("trunk.0"), 10, "cpu"));
        assertEquals(r.decision(), RunEvent.decode(started.encode()).decision());
        RunCost cost = new RunCost(1234, 5678, 1.5, 1024, "cpu");
        RunEvent completed = RunEvent.completed(r, 10, 3, List.of(new RunEvent.Metric("y1", "test", "mse", 1, false)), cost);
        assertEquals(cost, RunEvent.decode(completed.encode()).cost());
        // a version-1 event from an older trainer: no decision, no cost
        String old = "{\"schemaVersion\":1,\"type\":\"COMPLETED\",\"runId\":\"" + r.runId() + "\",\"studyId\":\""
                + r.studyId() + "\",\"attempt\":1,\"timestampMs\":5,\"metrics\":[]}";
        RunEvent back = RunEvent.decode(old.getBytes(StandardCharsets.UTF_8));
        assertNull(back.cost());
        assertNull(back.decision());
        String negative = new String(completed.encode(), StandardCharsets.UTF_8).replace("\"parameters\":1234", "\"parameters\":-1");
        assertEquals("cost", org.junit.jupiter.api.Assertions.assertThrows(ContractException.class,
                () -> RunEvent.decode(negative.getBytes(StandardCharsets.UTF_8))).field());
    }
}
