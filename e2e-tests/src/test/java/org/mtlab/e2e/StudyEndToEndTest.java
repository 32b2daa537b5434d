package org.mtlab.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.Topics;
import org.mtlab.devstack.LocalStack;
import org.mtlab.kafka.KafkaSettings;

/**
 * The spine, end to end: gateway, analysis and trainer as separate processes from their built jars, one real Kafka
 * broker process and one real PostgreSQL; studies submitted through REST and trained with DJL.
 */
class StudyEndToEndTest {
    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(repo.resolve("e2e-tests/target/e2e-" + System.currentTimeMillis()));
        stack = LocalStack.start(repo, work, LocalStack.External.none(), 1, 1, 4, Map.of());
        E2eAuth.use(stack);
    }

    @AfterAll
    static void stopStack() throws Exception {
        E2eAuth.clear();
        if (stack != null) {
            stack.close();
        }
    }

    static String spec(String name, double rho) {
        return """
                {"name":"%s","dataset":{"kind":"synthetic","params":{"rho":%s,"dimension":10,"samples":2000,"seed":5}},
                 "tasks":[{"name":"y1"},{"name":"y2"}],"model":{"kind":"mlp","hidden":[16]},
                 "optimizers":[{"name":"adam","learningRate":0.01}],
                 "methods":["ew"],"seeds":[1],"epochs":3,"batchSize":32,
                 "telemetry":{"everySteps":1,"fullGradients":true}}""".formatted(name, rho);
    }

    static JsonPath exact(String body) {
        return new JsonPath(body).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @Test
    void studiesRunEndToEndAndTheAnalysisAgreesWithTheRawGradients() throws Exception {
        String gateway = stack.gateway().url();
        String analysis = stack.analysis().url();
        Map<Double, String> studies = new HashMap<>();
        for (double rho : List.of(0.9, 0.0)) {
            studies.put(rho, given().baseUri(gateway).contentType("application/json").body(spec("rho-" + rho, rho))
                    .post("/api/studies").then().statusCode(201).extract().path("id"));
        }
        for (String study : studies.values()) {
            await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                    given().baseUri(gateway).get("/api/studies/" + study).then().body("status", equalTo("COMPLETED")));
        }

        Map<Double, Double> meanCosine = new HashMap<>();
        Map<Double, Double> standardError = new HashMap<>();
        for (var entry : studies.entrySet()) {
            JsonPath study = exact(given().baseUri(gateway).get("/api/studies/" + entry.getValue()).asString());
            assertEquals(3, study.getList("runs").size());
            String mtlRun = study.getString("runs.find { it.kind == 'MTL' }.id");
            long steps = study.getLong("runs.find { it.kind == 'MTL' }.step");
            assertTrue(steps > 0);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(analysis)
                    .get("/api/runs/" + mtlRun + "/gradients").then().statusCode(200)
                    .body("analysedSteps", equalTo((int) steps)));
            JsonPath grads = exact(given().baseUri(analysis).get("/api/runs/" + mtlRun + "/gradients").asString());
            double analysed = grads.getDouble("statistics.pairs[0].cosine.mean");
            double independent = meanCosineFromFullGradients(stack, UUID.fromString(mtlRun), steps);
            assertEquals(independent, analysed, 1e-6, "analysis cosine vs cosine recomputed from full gradients");
            meanCosine.put(entry.getKey(), analysed);
            standardError.put(entry.getKey(), grads.getDouble("statistics.pairs[0].cosine.std")
                    / Math.sqrt(grads.getDouble("statistics.pairs[0].cosine.count")));

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(analysis)
                    .get("/api/studies/" + entry.getValue() + "/analysis").then().statusCode(200)
                    .body("analysis.finishedRuns", equalTo(3)));
            JsonPath result = exact(given().baseUri(analysis).get("/api/studies/" + entry.getValue() + "/analysis").asString());
            assertEquals(2, result.getList("analysis.stlBaselines").size());
            assertEquals(1, result.getList("analysis.runs").size());
            assertTrue(Double.isFinite(result.getDouble("analysis.runs[0].deltaMPercent")));
        }
        // a restarted analysis service rebuilds exactly the statistics it had: nothing lost, nothing counted twice
        String run = exact(given().baseUri(gateway).get("/api/studies/" + studies.get(0.9)).asString())
                .getString("runs.find { it.kind == 'MTL' }.id");
        String before = given().baseUri(analysis).get("/api/runs/" + run + "/gradients").jsonPath().getString("statistics");
        String restarted = stack.restartAnalysis(0).url();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(before,
                given().baseUri(restarted).get("/api/runs/" + run + "/gradients").jsonPath().getString("statistics")));

        // "clearly higher": the difference of the mean cosines exceeds three standard errors of that difference
        double difference = meanCosine.get(0.9) - meanCosine.get(0.0);
        double se = Math.hypot(standardError.get(0.9), standardError.get(0.0));
        System.out.printf("mean cosine by rho %s, standard errors %s%n", meanCosine, standardError);
        assertTrue(difference > 3 * se, "correlated tasks must show more aligned gradients: mean cosine " + meanCosine
                + ", standard errors " + standardError);
    }

    /** Mean over steps of cos(g1, g2), computed here from the full per-task gradients the trainer published. */
    static double meanCosineFromFullGradients(LocalStack stack, UUID runId, long steps) {
        Map<Long, Double> cosineByStep = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(stack.kafkaBootstrap(),
                "e2e-" + UUID.randomUUID(), "e2e-reader"))) {
            c.subscribe(List.of(Topics.GRADIENTS));
            long deadline = System.currentTimeMillis() + 60_000;
            while (cosineByStep.size() < steps && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (!r.key().equals(runId.toString())) {
                        return;
                    }
                    GradientEvent e = GradientEventCodec.decode(r.value());
                    float[] a = e.fullGradients()[0];
                    float[] b = e.fullGradients()[1];
                    double dot = 0, na = 0, nb = 0;
                    for (int k = 0; k < a.length; k++) {
                        dot += (double) a[k] * b[k];
                        na += (double) a[k] * a[k];
                        nb += (double) b[k] * b[k];
                    }
                    cosineByStep.put(e.step(), dot / Math.sqrt(na * nb));
                });
            }
        }
        assertEquals(steps, cosineByStep.size(), "one gradient event per step");
        return cosineByStep.values().stream().mapToDouble(d -> d).average().orElseThrow();
    }

    @Test
    void badInputIsRefusedAndTheServicesKeepServing() throws Exception {
        given().baseUri(stack.gateway().url()).contentType("application/json")
                .body(spec("bad", 0.5).replace("\"seeds\":[1]", "\"seeds\":\"one\""))
                .post("/api/studies").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("seeds"));
        String key = "bad-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(stack.kafkaBootstrap(), "e2e"))) {
            p.send(new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, key, "{\"name\":".getBytes(StandardCharsets.UTF_8))).get();
        }
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(stack.kafkaBootstrap(),
                "e2e-dlq-" + UUID.randomUUID(), "e2e-dlq"))) {
            c.subscribe(List.of(Topics.DEAD_LETTERS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> letters.add(DeadLetter.decode(r.value())));
                return letters.stream().anyMatch(l -> key.equals(l.key()));
            });
        }
        for (var service : List.of(stack.gateway(), stack.analysis(), stack.trainers().get(0))) {
            given().baseUri(service.managementUrl()).get("/q/health/ready").then().statusCode(200);
            // health and metrics are not on the public port
            given().baseUri(service.url()).get("/q/health/ready").then().statusCode(404);
            given().baseUri(service.url()).get("/q/metrics").then().statusCode(404);
        }
    }
}
