package org.mtlab.analysis;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.gradient.GradientGeometry;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;

/** The study report endpoints (JSON, Markdown, HTML) on runs produced through Kafka, as the trainer would. */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class ReportResourceTest {
    final UUID studyId = UUID.randomUUID();

    TrainingRequest request(RunKind kind, List<String> tasks, String optimizer, long seed) {
        return StudyEventsFixture.request(studyId, kind, tasks, optimizer, seed);
    }

    /** STARTED, then (MTL) ten gradient steps with b's gradient opposed to a's and three times larger, COMPLETED. */
    void run(KafkaProducer<String, byte[]> p, TrainingRequest r, double... mse) throws Exception {
        StudyEventsFixture.started(p, r);
        if (r.kind() == RunKind.MTL) {
            for (int step = 0; step < 10; step++) {
                float[][] g = {{1, 0}, {-3, step % 2 == 0 ? 0.3f : -0.3f}};
                StudyEventsFixture.send(p, Topics.GRADIENTS, r.runId(), GradientEventCodec.encode(new GradientEvent(r.runId(), 1, step, 0,
                        new float[] {1, 1}, new float[] {1, 1}, new double[][] {GradientGeometry.packedGram(g, 0, 2)},
                        null, null)));
            }
        }
        StudyEventsFixture.completed(p, r, mse);
    }

    @Test
    void reportAsJsonMarkdownAndHtml() throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "t"))) {
            // STL: sgd is the better baseline (1.0 for both tasks), adam's 1.1
            for (long seed = 1; seed <= 2; seed++) {
                double d = seed == 1 ? -0.01 : 0.01;
                run(p, request(RunKind.STL, List.of("a"), "sgd", seed), 1.0 + d);
                run(p, request(RunKind.STL, List.of("b"), "sgd", seed), 1.0 + d);
                run(p, request(RunKind.STL, List.of("a"), "adam", seed), 1.1 + d);
                run(p, request(RunKind.STL, List.of("b"), "adam", seed), 1.1 + d);
                // MTL adam/ew: a −10%, b +20%; sgd/ew: a −20%, b +15% (dominated by adam/ew)
                run(p, request(RunKind.MTL, List.of("a", "b"), "adam", seed), 1.1 + d, 0.8 + d);
                run(p, request(RunKind.MTL, List.of("a", "b"), "sgd", seed), 1.2 + d, 0.85 + d);
            }
        }
        String base = "/api/studies/" + studyId;
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> given().get(base + "/report").then().statusCode(200)
                .body("finishedRuns", equalTo(12)).body("conflict.pairs.size()", equalTo(3))
                .body("conflict.pairs[0].steps", equalTo(20)));
        JsonPath json = new JsonPath(given().get(base + "/report").then().contentType(containsString("application/json"))
                .extract().asString()).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
        assertEquals("TRAIN_TOGETHER_WITH_TRADE_OFF", json.getString("verdict.answer"));
        // a is 10% worse beyond the seed spread, b 20% better: by the equal task values it pays, so the lead trains together
        assertEquals("TRAIN_TOGETHER", json.getString("verdict.lead.decision"));
        assertTrue(json.getString("verdict.lead.sentence").startsWith("Train together with adam/ew:"),
                json.getString("verdict.lead.sentence"));
        assertEquals(3, json.getList("verdict.lead.bullets").size());
        assertEquals("adam/ew", json.getString("verdict.recommended.configuration"));
        assertEquals(-5.0, json.getDouble("verdict.recommended.deltaMPercent.mean"), 1e-9);
        assertEquals("MTL_WORSE", json.getString("verdict.perTask[0].outcome"));
        assertEquals("MTL_BETTER", json.getString("verdict.perTask[1].outcome"));
        assertEquals(List.of("adam/ew"), json.getList("pareto.front"));
        assertEquals("sgd", json.getString("pareto.byOptimizer[1].optimizer"));
        assertEquals(0.0, json.getDouble("pareto.byOptimizer[1].paretoOptimal"), 0);
        List<String> warnings = json.getList("verdict.warnings");
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("Task a loses 10.0% or more under every MTL configuration")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("SGD configurations are dominated")), warnings.toString());
        assertEquals("conflicting", json.getString("conflict.pairs[0].angle"));
        assertEquals(Math.sqrt(9.09), json.getDouble("conflict.pairs[0].normRatio"), 1e-5);
        assertFalse(json.getBoolean("conflict.singleTaskBaselineAvailable"));

        String md = given().get(base + "/report.md").then().statusCode(200).contentType(containsString("text/markdown"))
                .extract().asString();
        assertTrue(md.startsWith("# Study report — " + studyId), md);
        assertTrue(md.contains("## Verdict\n\n**Train together** with adam/ew:"), md);
        assertTrue(md.contains("| sgd | 1 | 0 |"), md);
        String html = given().get(base + "/report.html").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<svg"), not(containsString("<script"))).extract().asString();
        assertTrue(html.contains("Task a loses 10.0% or more"), html);
        // the figures: the JVM build draws them (the Pareto scatter of two tasks), inlined in the HTML report
        assertTrue(html.contains("src=\"data:image/png;base64,"), "the HTML report inlines its figures");
        byte[] pareto = given().get(base + "/figures/pareto.png").then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(pareto));
        assertEquals(List.of(640, 420), List.of(image.getWidth(), image.getHeight()));
        given().get(base + "/figures/no-such.png").then().statusCode(404);

        // the study analysis keeps its endpoint and behaviour
        given().get(base + "/analysis").then().statusCode(200).body("analysis.finishedRuns", equalTo(12));
        UUID unknown = UUID.randomUUID();
        for (String suffix : List.of("/report", "/report.md", "/report.html", "/analysis")) {
            given().get("/api/studies/" + unknown + suffix).then().statusCode(404);
        }
    }
}
