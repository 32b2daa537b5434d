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
import org.mtlab.kafka.DeadLetterRecords;
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
    private static Path work;

    @BeforeAll
    static void startStack() throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();
        work = Files.createDirectories(repo.resolve("e2e-tests/target/e2e-" + System.currentTimeMillis()));
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
        // a restarted analysis service restores exactly the statistics it had from its checkpoints: nothing lost,
        // nothing counted twice
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

    /**
     * Partial labels through the services: a CSV of 400 customers whose spend cell is empty in exactly 30% of the rows.
     * Every run completes; the labelled counts each run reports for spend (per split, from its trainer) add up to the
     * file's non-empty spend cells, 70% of the rows, while churn's cover every row; spend's metrics are finite.
     */
    @Test
    void aStudyOnACsvWithThirtyPercentOfOneTasksLabelsMissingCompletesOnTheLabelledRows() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(4);
        StringBuilder text = new StringBuilder("income,age,churn,spend\n");
        for (int i = 0; i < 400; i++) {
            double a = random.nextDouble() * 2 - 1;
            double b = random.nextDouble() * 2 - 1;
            text.append(50_000 + 20_000 * a).append(',').append(40 + 15 * b).append(',').append(a + b > 0 ? "yes" : "no")
                    .append(',').append(i % 10 < 3 ? "" : String.valueOf(3 * a - 2 * b)).append('\n');
        }
        Path csv = work.resolve("partial-labels.csv");
        Files.writeString(csv, text);
        long spendCells = Files.readAllLines(csv).stream().skip(1).filter(line -> !line.endsWith(",")).count();
        assertEquals(280, spendCells, "70% of the 400 rows keep their spend label");

        String spec = """
                {"name":"partial-labels","dataset":{"kind":"csv","params":{"path":%s,
                 "targets":{"churn":"classification","spend":"regression"},"seed":1}},
                 "tasks":[{"name":"churn"},{"name":"spend"}],"model":{"kind":"mlp","hidden":[8]},
                 "optimizers":[{"name":"adam","learningRate":0.01}],
                 "methods":["ew","famo"],"seeds":[1],"epochs":2,"batchSize":16,"telemetry":{"everySteps":5}}"""
                .formatted(org.mtlab.core.contract.Json.writeString(csv.toString()));
        String gateway = stack.gateway().url();
        String analysis = stack.analysis().url();
        String study = given().baseUri(gateway).contentType("application/json").body(spec).post("/api/studies")
                .then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                given().baseUri(gateway).get("/api/studies/" + study).then().body("status", equalTo("COMPLETED")));
        JsonPath view = exact(given().baseUri(gateway).get("/api/studies/" + study).asString());
        List<Map<String, Object>> runs = view.getList("runs");
        assertEquals(4, runs.size(), "2 STL + MTL with ew and famo");
        int withSpend = 0;
        for (Map<String, Object> run : runs) {
            assertEquals("COMPLETED", run.get("status"), run.get("label") + ": " + run.get("message"));
            @SuppressWarnings("unchecked")
            List<String> tasks = (List<String>) run.get("tasks");
            String id = String.valueOf(run.get("id"));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(analysis)
                    .get("/api/runs/" + id + "/gradients").then().statusCode(200).body("data.samples.train",
                            org.hamcrest.Matchers.notNullValue()));
            JsonPath data = exact(given().baseUri(analysis).get("/api/runs/" + id + "/gradients").asString());
            double samples = 0;
            double labelled = 0;
            for (String split : List.of("train", "validation", "test")) {
                samples += data.getDouble("data.samples." + split);
                if (tasks.contains("spend")) {
                    labelled += data.getDouble("data.labelled." + split + ".spend");
                }
                if (tasks.contains("churn")) {
                    assertEquals(data.getDouble("data.samples." + split), data.getDouble("data.labelled." + split
                            + ".churn"), run.get("label") + ": every row carries churn's label");
                }
            }
            assertEquals(400, samples, run.get("label") + ": samples over the splits");
            if (tasks.contains("spend")) {
                withSpend++;
                assertEquals(spendCells, labelled, run.get("label") + ": spend's labelled rows over the splits");
                assertEquals(0.7, labelled / samples, 1e-12);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> metrics = (List<Map<String, Object>>) run.get("finalMetrics");
                List<Map<String, Object>> spendMetrics = metrics.stream().filter(m -> "spend".equals(m.get("task")))
                        .toList();
                assertEquals(6, spendMetrics.size(), run.get("label") + ": mse, mae, loss on test and validation");
                for (Map<String, Object> m : spendMetrics) {
                    assertTrue(Double.isFinite(((Number) m.get("value")).doubleValue()), run.get("label") + " " + m);
                }
            }
        }
        assertEquals(3, withSpend, "spend's STL run and the two MTL runs");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(analysis)
                .get("/api/studies/" + study + "/analysis").then().statusCode(200)
                .body("analysis.finishedRuns", equalTo(4)));
        JsonPath result = exact(given().baseUri(analysis).get("/api/studies/" + study + "/analysis").asString());
        assertEquals(2, result.getList("analysis.runs").size());
        for (int r = 0; r < 2; r++) {
            assertTrue(Double.isFinite(result.getDouble("analysis.runs[" + r + "].deltaMPercent")));
        }
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
                c.poll(Duration.ofMillis(200)).forEach(r -> letters.add(DeadLetterRecords.read(r)));
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
