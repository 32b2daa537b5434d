package org.mtlab.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.core.contract.RunControl;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class GatewayTest {
    static final String SPEC = """
            {"name":"gw-test","dataset":{"kind":"synthetic","params":{"rho":0.5,"dimension":8,"samples":200}},
             "tasks":[{"name":"a"},{"name":"b"}],"model":{"kind":"mlp","hidden":[8]},
             "optimizers":[{"name":"sgd","learningRate":0.01},{"name":"adam","learningRate":0.001}],
             "methods":["EW"],"seeds":[1,2],"epochs":2,"batchSize":16}""";

    @Test
    void submittedStudyIsPersistedExpandedAndPublishedOncePerRun() {
        JsonPath created = given().contentType("application/json").body(SPEC)
                .when().post("/api/studies")
                .then().statusCode(201).header("Location", containsString("/api/studies/"))
                .body("runs", hasSize(2 * 2 * (2 + 1))).extract().jsonPath();
        String studyId = created.getString("id");
        Set<String> runIds = new HashSet<>(created.getList("runs.id"));
        assertEquals(12, runIds.size());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/studies/" + studyId)
                .then().body("runsByStatus.QUEUED", equalTo(12)));

        List<TrainingRequest> requests = readRequestsOf(UUID.fromString(studyId), 12);
        assertEquals(runIds, new HashSet<>(requests.stream().map(r -> r.runId().toString()).toList()),
                "exactly one request per persisted run");
        assertEquals(8, requests.stream().filter(r -> r.kind() == RunKind.STL).count());
        assertTrue(requests.stream().filter(r -> r.kind() == RunKind.MTL).allMatch(r -> r.tasks().equals(List.of("a", "b"))));
        given().get("/api/studies").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(studyId));
    }

    @Test
    void invalidSpecAnswers400ProblemJsonNamingTheField() {
        given().contentType("application/json").body(SPEC.replace("\"learningRate\":0.01", "\"learningRate\":-1"))
                .when().post("/api/studies")
                .then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("optimizers[0].learningRate")).body("status", equalTo(400));
        given().contentType("application/json").body(SPEC.replace("\"EW\"", "\"magic\""))
                .when().post("/api/studies")
                .then().statusCode(400).body("field", equalTo("methods[0]")).body("detail", containsString("known: [")).body("detail", containsString("nash-mtl"));
        given().contentType("application/json").body("{\"name\": \"n\", \"tasks\": \"x\"}")
                .when().post("/api/studies")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("tasks"));
        given().contentType("application/json").body("{not json")
                .when().post("/api/studies").then().statusCode(400).body("field", equalTo("(body)"));
        given().get("/api/studies/not-a-uuid").then().statusCode(400).body("field", equalTo("id"));
        given().get("/api/runs/" + UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void kafkaSubmissionsArePersistedAndMalformedOnesDeadLettered() throws Exception {
        String studyKey = UUID.randomUUID().toString();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, "garbage", "{oops".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, "invalid",
                    SPEC.replace("\"seeds\":[1,2]", "\"seeds\":[]").getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, studyKey, SPEC.getBytes(StandardCharsets.UTF_8))).get();
            // the same submission again: idempotent on the study id
            producer.send(new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, studyKey, SPEC.getBytes(StandardCharsets.UTF_8))).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/studies/" + studyKey)
                .then().statusCode(200).body("source", equalTo("kafka")).body("runs", hasSize(12)));
        List<DeadLetter> letters = readDeadLetters(2);
        assertEquals(Set.of("garbage", "invalid"), new HashSet<>(letters.stream().map(DeadLetter::key).toList()));
        assertTrue(letters.stream().anyMatch(l -> l.reason().contains("seeds")), letters.toString());
        assertTrue(letters.stream().allMatch(l -> l.topic().equals(Topics.STUDY_SUBMISSIONS)));
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void runStatusFollowsRunEventsAndNeverGoesBack() throws Exception {
        String studyId = given().contentType("application/json").body(SPEC).post("/api/studies")
                .then().statusCode(201).extract().path("id");
        String runId = given().get("/api/studies/" + studyId).then().extract().path("runs[0].id");
        TrainingRequest request = readRequestsOf(UUID.fromString(studyId), 12).stream()
                .filter(r -> r.runId().toString().equals(runId)).findFirst().orElseThrow();
        List<RunEvent.Metric> metrics = List.of(new RunEvent.Metric("a", "test", "mse", 0.5, false));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (RunEvent e : List.of(
                    RunEvent.started(request, 20, new RunEvent.RunDescriptor(RunKind.STL, List.of("a"), "sgd", 0.01, "stl", 1,
                            List.of("trunk.0"), 72, "cpu")),
                    RunEvent.progress(request, 10, 20, 1),
                    RunEvent.completed(request, 20, 2, metrics),
                    RunEvent.progress(request, 15, 20, 1))) {
                producer.send(new ProducerRecord<>(Topics.RUN_EVENTS, runId, e.encode())).get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/" + runId)
                .then().body("status", equalTo("COMPLETED")).body("step", equalTo(20))
                .body("progress", equalTo(1.0f)).body("finalMetrics[0].value", equalTo(0.5f)));
    }

    @Test
    void cancellingAStudyCancelsItsUnfinishedRunsAndOrdersTheTrainersToStopThem() {
        JsonPath created = given().contentType("application/json").body(SPEC.replace("gw-test", "to-cancel"))
                .post("/api/studies").then().statusCode(201).extract().jsonPath();
        String studyId = created.getString("id");
        Set<String> runIds = new HashSet<>(created.getList("runs.id"));

        given().contentType("application/json").body("{\"reason\":\"wrong dataset\"}")
                .post("/api/studies/" + studyId + "/cancel")
                .then().statusCode(202).body("status", equalTo("CANCELLED")).body("runsByStatus.CANCELLED", equalTo(12))
                .body("runs.message", org.hamcrest.Matchers.everyItem(equalTo("cancelled: wrong dataset")));

        List<RunControl> orders = new ArrayList<>();
        readTopic(Topics.RUN_CONTROL, r -> {
            RunControl order = RunControl.decode(r.value());
            if (order.studyId().toString().equals(studyId)) {
                orders.add(order);
            }
        }, () -> orders.size() >= 12);
        assertEquals(runIds, new HashSet<>(orders.stream().map(o -> o.runId().toString()).toList()),
                "one cancel order per run");
        assertTrue(orders.stream().allMatch(o -> o.type() == RunControl.Type.CANCEL
                && o.reason().equals("cancelled: wrong dataset")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/studies/" + studyId)
                .then().body("runsByStatus.CANCELLED", equalTo(12)));

        given().post("/api/studies/" + studyId + "/cancel").then().statusCode(409)
                .contentType("application/problem+json").body("field", equalTo("id"));
        given().post("/api/studies/" + UUID.randomUUID() + "/cancel").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType("application/json").body("{\"reason\":5}").post("/api/studies/" + studyId + "/cancel")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("reason"));
        given().contentType("application/json").body("{\"why\":\"x\"}").post("/api/studies/" + studyId + "/cancel")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/json").body("{\"reason\":\"" + "x".repeat(2000) + "\"}")
                .post("/api/studies/" + studyId + "/cancel").then().statusCode(400).body("field", equalTo("reason"));
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "test"));
    }

    private static List<TrainingRequest> readRequestsOf(UUID studyId, int expected) {
        List<TrainingRequest> out = new ArrayList<>();
        readTopic(Topics.TRAINING_REQUESTS, r -> {
            TrainingRequest request = TrainingRequest.decode(r.value());
            if (request.studyId().equals(studyId)) {
                out.add(request);
            }
        }, () -> out.size() >= expected);
        return out;
    }

    private static List<DeadLetter> readDeadLetters(int expected) {
        List<DeadLetter> out = new ArrayList<>();
        readTopic(Topics.DEAD_LETTERS, r -> out.add(DeadLetter.decode(r.value())), () -> out.size() >= expected);
        return out;
    }

    private static void readTopic(String topic, java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink,
                                  java.util.function.BooleanSupplier done) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(
                RealInfrastructure.kafka().bootstrapServers(), "test-" + UUID.randomUUID(), "test-reader"))) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(sink);
            }
        }
    }
}
