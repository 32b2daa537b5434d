package org.mtlab.analysis;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;

/**
 * The decision report from run events through Kafka: the STARTED events carry the study's decision (primary task b,
 * b worth 3, a margin of 5% on a), EVAL events per epoch, COMPLETED events with the trainer's cost figures and
 * controlled timestamps. Learning rates 0.01 and 0.1: on validation 0.01 at epoch 1 is best, on test 0.1 at epoch 2
 * would be — the report must follow validation.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class DecisionReportResourceTest {
    final UUID studyId = UUID.randomUUID();
    static final List<String> AB = List.of("a", "b");
    static final StudyDecision DECISION = new StudyDecision("b",
            List.of(new StudySpec.TaskSpec("a", 1.0, 0.05), new StudySpec.TaskSpec("b", 3.0, null)), false, List.of("ew"));

    TrainingRequest request(RunKind kind, List<String> tasks, String optimizer, double lr, long seed) {
        return new TrainingRequest(1, UUID.randomUUID(), studyId, 1, kind, AB, tasks,
                new StudySpec.DatasetSpec("synthetic", null), new StudySpec.ModelSpec("mlp", List.of(4)),
                new StudySpec.OptimizerSpec(optimizer, lr, null), kind == RunKind.MTL ? "ew" : "stl", seed, 2, 8,
                StudySpec.TelemetrySpec.DEFAULT, DECISION);
    }

    static RunEvent event(RunEvent.Type type, TrainingRequest r, long at, Integer epoch, RunEvent.RunDescriptor run,
                          List<RunEvent.Metric> metrics, RunCost cost) {
        return new RunEvent(1, type, r.runId(), r.studyId(), 1, at, 10L, 20L, epoch, run, metrics, null,
                type == RunEvent.Type.STARTED ? r.decision() : null, cost);
    }

    static List<RunEvent.Metric> metrics(List<String> tasks, double validation, double test) {
        List<RunEvent.Metric> m = new ArrayList<>();
        tasks.forEach(t -> m.add(new RunEvent.Metric(t, "test", "mse", test, false)));
        tasks.forEach(t -> m.add(new RunEvent.Metric(t, "validation", "mse", validation, false)));
        return m;
    }

    /**
     * A run from t0 to t0 + wallMs; epoch e's validation/test MSE follow the rule of the class comment, scaled by
     * {@code level} (STL 1.0; MTL: a 1.02 (2% worse, within a's 5% margin), b 0.9).
     */
    void run(KafkaProducer<String, byte[]> p, TrainingRequest r, long seed, double levelA, double levelB, long t0,
             long wallMs, RunCost cost) throws Exception {
        double f = seed == 1 ? 0.99 : 1.01;
        double lr = r.optimizer().learningRate();
        StudyEventsFixture.send(p, Topics.RUN_EVENTS, r.runId(), event(RunEvent.Type.STARTED, r, t0, 0,
                new RunEvent.RunDescriptor(r.kind(), r.tasks(), r.optimizer().name(), lr, r.method(), seed,
                        List.of("trunk.0"), 20, cost.device()), null, null).encode());
        List<RunEvent.Metric> last = null;
        for (int epoch = 1; epoch <= 2; epoch++) {
            double validation = (lr == 0.01 && epoch == 1 ? 0.5 : 0.8) * f;
            double test = (lr == 0.1 && epoch == 2 ? 0.3 : 1.0) * f;
            List<RunEvent.Metric> m = new ArrayList<>();
            for (RunEvent.Metric x : metrics(r.tasks(), validation, test)) {
                double level = x.task().equals("a") ? levelA : levelB;
                m.add(new RunEvent.Metric(x.task(), x.split(), x.name(), x.value() * level, false));
            }
            StudyEventsFixture.send(p, Topics.RUN_EVENTS, r.runId(), event(RunEvent.Type.EVAL, r, t0 + epoch, epoch, null,
                    m, null).encode());
            last = m;
        }
        StudyEventsFixture.send(p, Topics.RUN_EVENTS, r.runId(), event(RunEvent.Type.COMPLETED, r, t0 + wallMs, 2, null,
                last, cost).encode());
    }

    @Test
    void decisionReportSelectsOnValidationLeadsWithThePrimaryTaskAndCountsTheCost() throws Exception {
        RunCost stl = new RunCost(80, 10_000, 1.5, 1024, "cpu");
        RunCost mtl = new RunCost(100, 12_000, 2.0, 1024, "gpu:0");
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "t"))) {
            for (double lr : new double[] {0.01, 0.1}) {
                for (long seed = 1; seed <= 2; seed++) {
                    run(p, request(RunKind.STL, List.of("a"), "sgd", lr, seed), seed, 1.0, 1.0, 1_000, 20_000, stl);
                    run(p, request(RunKind.STL, List.of("b"), "sgd", lr, seed), seed, 1.0, 1.0, 1_000, 20_000, stl);
                    run(p, request(RunKind.MTL, AB, "adam", lr, seed), seed, 1.02, 0.9, 2_000, 38_000, mtl);
                }
            }
        }
        String base = "/api/studies/" + studyId;
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> given().get(base + "/report").then().statusCode(200)
                .body("finishedRuns", equalTo(12)).body("decision.primaryTask", equalTo("b")));
        JsonPath json = StudyEventsFixture.exact(given().get(base + "/report").then().extract().asString());
        // selection: lr 0.01, epoch 1, for the MTL configuration and both STL configurations
        assertEquals(0.01, json.getDouble("configurations[0].learningRate"), 0);
        assertEquals(1, json.getInt("configurations[0].epoch"));
        assertEquals(List.of(0.01, 0.01, 0.01), json.getList("selection.choices.learningRate", Double.class));
        // reported figures: TEST at the chosen setting: STL 1.0, MTL a 1.02, b 0.9 (means over the two seeds)
        assertEquals(1.02, json.getDouble("configurations[0].perTask.a.mean"), 1e-9);
        assertEquals(0.9, json.getDouble("configurations[0].perTask.b.mean"), 1e-9);
        // value-weighted gain (1·(−2) + 3·10)/4 = 7; a's 2% loss within its 5% margin
        assertEquals(7.0, json.getDouble("configurations[0].valueWeightedGainPercent"), 1e-9);
        assertEquals("adam/ew", json.getString("verdict.recommended.configuration"));
        // two seeds: b's +10% is not beyond the Welch interval (ν ≈ 2 → t = 12.7); the verdict says so, primary first
        assertTrue(json.getString("verdict.summary").startsWith("Primary task b: no MTL configuration beats its STL "
                + "baseline beyond the seed spread; the closest, adam/ew, reaches mse 0.9000"), json.getString("verdict.summary"));
        assertEquals("NOT_DISTINGUISHABLE", json.getString("verdict.answer"));
        // a's 2% loss keeps its 5% margin by the means, but with two seeds (ν < 2 → t = 12.706) its interval reaches a
        // 20.1% loss: no measurable difference, and a margin at risk
        assertEquals("NO_MEASURABLE_DIFFERENCE_APART", json.getString("verdict.lead.decision"));
        assertTrue(json.getString("verdict.lead.sentence").endsWith("but a's 95% interval reaches a 20.1% loss, beyond "
                + "its 5.0% margin."), json.getString("verdict.lead.sentence"));
        // cost: 8 STL runs × 20 s + 4 MTL runs × 38 s on GPU; savings 100 vs 160 parameters, 3 vs 2 µs
        assertEquals((8 * 20 + 4 * 38) / 3600.0, json.getDouble("cost.studyComputeHours"), 1e-9);
        assertEquals(4 * 38 / 3600.0, json.getDouble("cost.gpuHours"), 1e-9);
        assertEquals(37.5, json.getDouble("cost.savings.parameterReductionPercent"), 1e-9);
        assertEquals(1.5, json.getDouble("cost.savings.servingSpeedup"), 1e-9);
        // the analysis view follows the same validation-only selection: the lr 0.01 runs at epoch 1, whose TEST
        // figures are STL 1.0 and MTL a 1.02, b 0.9; the final test metrics (lr 0.1, epoch 2: 0.3) are not read
        JsonPath analysis = StudyEventsFixture.exact(given().get(base + "/analysis").then().statusCode(200).extract().asString());
        assertEquals(12, analysis.getInt("finishedRuns"));
        assertEquals(6, analysis.getInt("analysis.finishedRuns"), "the selected runs: lr 0.01, three configurations × two seeds");
        assertTrue(analysis.getString("selection.rule").startsWith("selection on the validation split only"));
        assertEquals(List.of(1.0, 1.0, 1.0), analysis.getList("selection.choices.epoch", Double.class));
        assertEquals(json.getList("selection.choices.learningRate", Double.class),
                analysis.getList("selection.choices.learningRate", Double.class));
        for (int k = 0; k < 2; k++) {
            assertEquals(1.0, analysis.getDouble("analysis.stlBaselines[" + k + "].value.mean"), 1e-9);
        }
        assertEquals(1.02, analysis.getDouble("analysis.configurations[0].perTask.a.mean"), 1e-9);
        assertEquals(0.9, analysis.getDouble("analysis.configurations[0].perTask.b.mean"), 1e-9);
        assertEquals(json.getDouble("configurations[0].deltaMPercent.mean"),
                analysis.getDouble("analysis.configurations[0].deltaMPercent.mean"), 1e-12, "the report's Δm");
        String md = given().get(base + "/report.md").then().statusCode(200).extract().asString();
        assertTrue(md.contains("## Cost and savings") && md.contains("selected on validation"), md);
    }
}
