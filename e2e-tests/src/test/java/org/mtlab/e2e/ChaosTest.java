package org.mtlab.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.Topics;
import org.mtlab.devstack.KafkaProcessCluster;
import org.mtlab.devstack.LocalStack;
import org.mtlab.devstack.ServiceProcess;
import org.mtlab.kafka.KafkaSettings;

/**
 * Faults during one study, on a 3-node KRaft cluster of broker processes (replication 3, min.insync.replicas 2, acks=all, idempotent
 * producers): a trainer process is killed with SIGKILL mid-run three times (a fresh trainer is started after each
 * kill, without waiting for it), the analysis process is killed with SIGKILL mid-stream and restarted, and one broker process is killed with
 * SIGKILL for good (no controlled shutdown: its partitions' leadership moves only once the controllers declare it dead).
 *
 * <p>The same study is first run without faults. Training is deterministic on CPU and a killed run resumes from its
 * checkpoint, so the faulted study must end exactly as the reference did: every run COMPLETED with one COMPLETED
 * event on the topic, identical final metrics, and gradient statistics identical to the reference run's — which also
 * proves each {@code (run, step)} was analysed exactly once, since a step counted twice or missed changes them.
 */
class ChaosTest {
    private static KafkaProcessCluster kafka;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(repo.resolve("e2e-tests/target/chaos-" + System.currentTimeMillis()));
        kafka = KafkaProcessCluster.start(work.resolve("kafka"), 3);
        stack = LocalStack.start(repo, work, new LocalStack.External(kafka.bootstrapServers(), null, null, null, null),
                2, 1, 4, Map.of(
                        "mtlab.kafka.replication", "3",
                        // a killed member's partitions move after this long (Kafka's default is 45 s)
                        "mtlab.kafka.session-timeout", "6s",
                        // trainers on one machine share the checkpoint directory, as pods share a volume
                        "mtlab.trainer.checkpoint-dir", work.resolve("checkpoints").toString(),
                        "mtlab.trainer.checkpoint-every", "25"));
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

    static String spec(String name) {
        return """
                {"name":"%s","dataset":{"kind":"synthetic","params":{"rho":0.5,"dimension":10,"samples":4000,"seed":11}},
                 "tasks":[{"name":"a"},{"name":"b"}],"model":{"kind":"mlp","hidden":[32]},
                 "optimizers":[{"name":"adam","learningRate":0.005}],
                 "methods":["ew"],"seeds":[1,2,3,4],"epochs":6,"batchSize":16,
                 "telemetry":{"everySteps":1}}""".formatted(name);
    }

    @Test
    void killedTrainersAndAnalyserAndAStoppedBrokerLoseNothingAndChangeNothing() throws Exception {
        String gateway = stack.gateway().url();
        long referenceStart = System.nanoTime();
        String reference = submit(gateway, "reference");
        awaitCompleted(gateway, reference, Duration.ofMinutes(6));
        long referenceMs = (System.nanoTime() - referenceStart) / 1_000_000;

        long chaosStart = System.nanoTime();
        String chaos = submit(gateway, "chaos");
        Set<Integer> aliveTrainers = new LinkedHashSet<>(List.of(0, 1));
        List<String> faults = new ArrayList<>();
        for (int kill = 1; kill <= 3; kill++) {
            int victim = awaitBusyTrainerMidRun(gateway, chaos, aliveTrainers);
            stack.killTrainer(victim);
            aliveTrainers.remove(victim);
            faults.add("kill -9 trainer " + victim);
            if (kill == 1) {
                stack.killAndRestartAnalysis(0);
                faults.add("kill -9 analysis, restarted");
            }
            if (kill == 2) {
                int broker = kafka.runningNodes().get(0);
                kafka.kill(broker);
                faults.add("kill -9 broker " + broker);
            }
            aliveTrainers.add(stack.startTrainer());
        }
        awaitCompleted(gateway, chaos, Duration.ofMinutes(10));
        long chaosMs = (System.nanoTime() - chaosStart) / 1_000_000;
        System.out.printf("chaos: %s; reference study %d ms, faulted study %d ms%n", faults, referenceMs, chaosMs);

        JsonPath referenceStudy = given().baseUri(gateway).get("/api/studies/" + reference).jsonPath();
        JsonPath chaosStudy = given().baseUri(gateway).get("/api/studies/" + chaos).jsonPath();
        Map<String, Map<String, Object>> referenceRuns = byConfiguration(referenceStudy);
        Map<String, Map<String, Object>> chaosRuns = byConfiguration(chaosStudy);
        assertEquals(12, chaosRuns.size());
        assertEquals(referenceRuns.keySet(), chaosRuns.keySet());

        Map<String, Integer> completedEvents = completedEventsByRun();
        String analysis = stack.analysis().url();
        for (var entry : chaosRuns.entrySet()) {
            Map<String, Object> run = entry.getValue();
            Map<String, Object> twin = referenceRuns.get(entry.getKey());
            assertEquals("COMPLETED", run.get("status"), entry.getKey());
            assertEquals(1, completedEvents.getOrDefault((String) run.get("id"), 0),
                    "one COMPLETED event for " + entry.getKey());
            assertEquals(twin.get("step"), run.get("step"), "steps of " + entry.getKey());
            assertEquals(twin.get("finalMetrics"), run.get("finalMetrics"), "final metrics of " + entry.getKey()
                    + " equal those of the fault-free run with the same seed");

            int steps = ((Number) run.get("step")).intValue();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().baseUri(analysis)
                    .get("/api/runs/" + run.get("id") + "/gradients").then().statusCode(200)
                    .body("analysedSteps", equalTo(steps)));
            String expected = given().baseUri(analysis).get("/api/runs/" + twin.get("id") + "/gradients")
                    .jsonPath().getString("statistics");
            String actual = given().baseUri(analysis).get("/api/runs/" + run.get("id") + "/gradients")
                    .jsonPath().getString("statistics");
            assertNotNull(actual);
            assertEquals(expected, actual, "gradient statistics of " + entry.getKey());
        }
        for (int index : aliveTrainers) {
            stack.trainers().get(index).awaitReady(Duration.ofSeconds(60));
        }
        given().baseUri(stack.analysis().managementUrl()).get("/q/health/ready").then().statusCode(200);
        given().baseUri(stack.gateway().managementUrl()).get("/q/health/ready").then().statusCode(200);
    }

    private static String submit(String gateway, String name) {
        return given().baseUri(gateway).contentType("application/json").body(spec(name)).post("/api/studies")
                .then().statusCode(201).extract().path("id");
    }

    private static void awaitCompleted(String gateway, String study, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                given().baseUri(gateway).get("/api/studies/" + study).then().body("status", equalTo("COMPLETED")));
    }

    /** Waits until a run of the study is well into training and returns a live trainer that is training a run. */
    private static int awaitBusyTrainerMidRun(String gateway, String study, Set<Integer> alive) {
        int[] victim = {-1};
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonPath s = given().baseUri(gateway).get("/api/studies/" + study).jsonPath();
            assertFalse("COMPLETED".equals(s.getString("status")), "the study ended before three trainers were killed");
            List<Map<String, Object>> runs = s.getList("runs");
            boolean midRun = runs.stream().anyMatch(r -> "RUNNING".equals(r.get("status"))
                    && ((Number) r.get("progress")).doubleValue() > 0.2 && ((Number) r.get("progress")).doubleValue() < 0.8);
            if (!midRun) {
                return false;
            }
            for (int index : alive) {
                if (busy(stack.trainers().get(index))) {
                    victim[0] = index;
                    return true;
                }
            }
            return false;
        });
        return victim[0];
    }

    private static boolean busy(ServiceProcess trainer) {
        try {
            return ScaleOutTest.gauge(trainer, "mtlab_trainer_busy_workers") > 0;
        } catch (Exception stillStarting) { // RestAssured rethrows ConnectException unchecked
            return false;
        }
    }

    private static Map<String, Map<String, Object>> byConfiguration(JsonPath study) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        List<Map<String, Object>> runs = study.getList("runs");
        for (Map<String, Object> run : runs) {
            String key = run.get("kind") + " " + run.get("tasks") + " " + run.get("optimizer") + " " + run.get("method")
                    + " seed " + run.get("seed");
            assertTrue(out.put(key, run) == null, "one run per configuration: " + key);
        }
        return out;
    }

    /** COMPLETED events per run id, read from the whole run-events topic. */
    private static Map<String, Integer> completedEventsByRun() {
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(stack.kafkaBootstrap(),
                "chaos-reader-" + System.nanoTime(), "chaos-reader"))) {
            c.subscribe(List.of(Topics.RUN_EVENTS));
            long quietSince = System.currentTimeMillis();
            long deadline = System.currentTimeMillis() + 60_000;
            // read until the topic has been quiet for 3 s (everything was produced before the study completed)
            while (System.currentTimeMillis() - quietSince < 3000 && System.currentTimeMillis() < deadline) {
                var records = c.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
                for (var record : records) {
                    RunEvent event = RunEvent.decode(record.value());
                    if (event.type() == RunEvent.Type.COMPLETED) {
                        counts.merge(event.runId().toString(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }
}
