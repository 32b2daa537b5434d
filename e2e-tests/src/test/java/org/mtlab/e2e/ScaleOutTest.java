package org.mtlab.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.Topics;
import org.mtlab.devstack.LocalKafka;
import org.mtlab.devstack.LocalStack;
import org.mtlab.devstack.ServiceProcess;
import org.mtlab.kafka.KafkaSettings;

/**
 * Scale-out on one machine: a 3-broker KRaft cluster, two trainer processes and two analysis processes. One analysis
 * process is stopped mid-study; its partitions move to the other, which rebuilds their state. The survivor's
 * statistics must equal a single-instance analysis of the same events, computed here from the topic itself.
 */
class ScaleOutTest {
    private static LocalKafka kafka;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(repo.resolve("e2e-tests/target/scale-out-" + System.currentTimeMillis()));
        kafka = LocalKafka.start(3);
        stack = LocalStack.start(repo, work, new LocalStack.External(kafka.bootstrapServers(), null, null, null, null),
                2, 2, 4, Map.of("mtlab.kafka.replication", "3"));
        E2eAuth.use(stack);
    }

    @AfterAll
    static void stop() throws Exception {
        E2eAuth.clear();
        if (stack != null) {
            stack.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static final String SPEC = """
            {"name":"scale-out","dataset":{"kind":"synthetic","params":{"rho":0.5,"dimension":10,"samples":1200,"seed":3}},
             "tasks":[{"name":"a"},{"name":"b"}],"model":{"kind":"mlp","hidden":[16]},
             "optimizers":[{"name":"sgd","learningRate":0.01},{"name":"adam","learningRate":0.005}],
             "methods":["ew"],"seeds":[1,2],"epochs":4,"batchSize":32,
             "telemetry":{"everySteps":1}}""";

    static double gauge(ServiceProcess service, String name) {
        String metrics = given().baseUri(service.managementUrl()).get("/q/metrics").asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    @Test
    void twoTrainersAndTwoAnalysersShareAStudyAndLoseNothingWhenAnAnalyserStops() throws Exception {
        for (ServiceProcess analysis : stack.analysers()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> gauge(analysis, "mtlab_analysis_partitions_assigned") > 0);
        }
        String gateway = stack.gateway().url();
        String studyId = given().baseUri(gateway).contentType("application/json").body(SPEC).post("/api/studies")
                .then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Integer completed = given().baseUri(gateway).get("/api/studies/" + studyId).jsonPath().get("runsByStatus.COMPLETED");
            return completed != null && completed >= 3;
        });
        ServiceProcess stopped = stack.analysers().get(1);
        stopped.close();
        ServiceProcess survivor = stack.analysers().get(0);
        await().atMost(Duration.ofSeconds(90)).until(() -> gauge(survivor, "mtlab_analysis_partitions_assigned") == 8);

        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                given().baseUri(gateway).get("/api/studies/" + studyId).then().body("status", equalTo("COMPLETED")));
        JsonPath study = given().baseUri(gateway).get("/api/studies/" + studyId).jsonPath();
        assertEquals(12, study.getList("runs").size());

        // a trainer counts a run once it has committed the request, just after the outcome the gateway already saw
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge(stack.trainers().get(0), "mtlab_trainer_runs_finished")
                + gauge(stack.trainers().get(1), "mtlab_trainer_runs_finished") >= 12);
        Thread.sleep(2000); // a run trained twice would be counted by now too
        double trained0 = gauge(stack.trainers().get(0), "mtlab_trainer_runs_finished");
        double trained1 = gauge(stack.trainers().get(1), "mtlab_trainer_runs_finished");
        assertTrue(trained0 > 0 && trained1 > 0, "both trainers trained runs: " + trained0 + " and " + trained1);
        assertEquals(12, trained0 + trained1, 0, "every run trained exactly once");

        Map<UUID, RunGradientStatistics> reference = singleInstanceAnalysis(study);
        List<Map<String, Object>> runs = study.getList("runs");
        for (Map<String, Object> run : runs) {
            UUID runId = UUID.fromString((String) run.get("id"));
            long steps = ((Number) run.get("step")).longValue();
            RunGradientStatistics.Snapshot expected = reference.get(runId).snapshot(null);
            assertEquals(steps, expected.analysedSteps(), "every step's event is on the topic");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(survivor.url())
                    .get("/api/runs/" + runId + "/gradients").then().body("analysedSteps", equalTo((int) steps)));
            JsonPath actual = new JsonPath(given().baseUri(survivor.url()).get("/api/runs/" + runId + "/gradients").asString())
                    .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
            assertEquals(expected.tasks().get(0).gradientNorm().mean(), actual.getDouble("statistics.tasks[0].gradientNorm.mean"),
                    1e-12, "norm statistics of " + run.get("label"));
            if (!expected.pairs().isEmpty()) {
                assertEquals(expected.pairs().get(0).cosine().mean(), actual.getDouble("statistics.pairs[0].cosine.mean"), 1e-12);
                assertEquals(expected.pairs().get(0).cosine().negativeFraction(),
                        actual.getDouble("statistics.pairs[0].cosine.negativeFraction"), 1e-12);
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(survivor.url())
                .get("/api/studies/" + studyId + "/analysis").then().body("analysis.finishedRuns", equalTo(12)));
    }

    /** The statistics one analysis instance would compute from every gradient event of the study's runs. */
    private static Map<UUID, RunGradientStatistics> singleInstanceAnalysis(JsonPath study) {
        Map<UUID, RunGradientStatistics> byRun = new HashMap<>();
        List<Map<String, Object>> runs = study.getList("runs");
        long expectedEvents = 0;
        for (Map<String, Object> run : runs) {
            byRun.put(UUID.fromString((String) run.get("id")), new RunGradientStatistics(((List<?>) run.get("tasks")).size()));
            expectedEvents += ((Number) run.get("step")).longValue();
        }
        long seen = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(stack.kafkaBootstrap(),
                "reference-" + UUID.randomUUID(), "reference"))) {
            c.subscribe(List.of(Topics.GRADIENTS));
            long deadline = System.currentTimeMillis() + 60_000;
            while (seen < expectedEvents && System.currentTimeMillis() < deadline) {
                for (var record : c.poll(Duration.ofMillis(200))) {
                    GradientEvent event = GradientEventCodec.decode(record.value());
                    RunGradientStatistics stats = byRun.get(event.runId());
                    if (stats != null && stats.add(event)) {
                        seen++;
                    }
                }
            }
        }
        assertEquals(expectedEvents, seen);
        return byRun;
    }
}
