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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.kafka.DeadLetterRecords;
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
    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        TestAuth.as(TestAuth.TENANT);
    }

    @org.junit.jupiter.api.AfterEach
    void forgetToken() {
        TestAuth.clear();
    }

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
    void aStudyMayNameMethodsInAnySpellingTheMethodsApiAcceptsAndTheirCanonicalNamesMustDiffer() {
        given().get("/api/methods/nash_mtl").then().statusCode(200).body("name", equalTo("Nash-MTL"));
        given().contentType("application/json")
                .body(SPEC.replace("gw-test", "spellings").replace("[\"EW\"]", "[\"EW\",\"nash_mtl\",\"cr_mogm:upgrad\"]"))
                .when().post("/api/studies")
                .then().statusCode(201).body("runs", hasSize(2 * 2 * (2 + 3)));
        given().contentType("application/json").body(SPEC.replace("[\"EW\"]", "[\"nash_mtl\",\"NASH-MTL\"]"))
                .when().post("/api/studies")
                .then().statusCode(400).body("field", equalTo("methods[1]")).body("detail", containsString("duplicate"));
        given().contentType("application/json").body(SPEC.replace("[\"EW\"]", "[\"cr_mogm:ew\"]"))
                .when().post("/api/studies")
                .then().statusCode(400).body("field", equalTo("methods[0]"));
    }

    @Test
    void theReproductionOptionsAreValidatedNamingTheFieldAndTheProbeAddsItsTwins() {
        String probe = SPEC.replace("gw-test", "probe").replace("\"batchSize\":16", "\"batchSize\":16,"
                + "\"lossScale\":{\"task\":\"a\",\"factor\":10}");
        // 2 optimizers × 2 seeds × (2 STL + 1 MTL + 1 probe twin)
        given().contentType("application/json").body(probe).when().post("/api/studies")
                .then().statusCode(201).body("runs", hasSize(2 * 2 * (2 + 1 + 1)))
                .body("runs.label", org.hamcrest.Matchers.hasItem("mtl/adam/ew+scale(a*10.0)/seed=1"));
        given().contentType("application/json").body(probe.replace("\"factor\":10", "\"factor\":1")).when()
                .post("/api/studies").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("lossScale.factor"));
        given().contentType("application/json").body(probe.replace("\"task\":\"a\"", "\"task\":\"c\"")).when()
                .post("/api/studies").then().statusCode(400).body("field", equalTo("lossScale.task"));
        given().contentType("application/json").body(SPEC.replace("\"batchSize\":16", "\"batchSize\":16,"
                        + "\"corruptions\":{\"types\":[\"contrast\"],\"severities\":[1]}")).when()
                .post("/api/studies").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("corruptions")).body("detail", containsString("image datasets"));
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
    void kafkaSubmissionsNeedAValidTokenAndBelongToItsTenantAndBadOnesAreDeadLettered() throws Exception {
        String studyKey = UUID.randomUUID().toString();
        String suffix = UUID.randomUUID().toString();
        String team = TestAuth.token(TestAuth.TENANT);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(submission("garbage-" + suffix, "{oops", team)).get();
            producer.send(submission("invalid-" + suffix, SPEC.replace("\"seeds\":[1,2]", "\"seeds\":[]"), team)).get();
            producer.send(submission("no-token-" + suffix, SPEC, null)).get();
            producer.send(submission("bad-token-" + suffix, SPEC, "abc.def.ghi")).get();
            producer.send(submission("foreign-" + suffix, SPEC,
                    RealInfrastructure.tokens().tokenFromIssuer(TestAuth.TENANT, "https://elsewhere.example"))).get();
            producer.send(submission(studyKey, SPEC, team)).get();
            // the same submission again: idempotent on the study id
            producer.send(submission(studyKey, SPEC, team)).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/studies/" + studyKey)
                .then().statusCode(200).body("source", equalTo("kafka")).body("runs", hasSize(12)));
        Map<String, String> reasons = new HashMap<>();
        readTopic(Topics.DEAD_LETTERS, r -> {
            DeadLetter letter = DeadLetterRecords.read(r);
            if (letter.key() != null && letter.key().endsWith(suffix)) {
                assertEquals(Topics.STUDY_SUBMISSIONS, letter.topic());
                assertEquals("gateway-intake", letter.consumer(), letter.toString());
                // the connector's dead letter copies the record's headers: the submitter's token was taken out first
                assertEquals(null, r.headers().lastHeader(StudyIntake.AUTHORIZATION), "a token in a dead letter");
                reasons.put(letter.key().substring(0, letter.key().length() - suffix.length() - 1), letter.reason());
            }
        }, () -> reasons.size() >= 5);
        assertEquals(Set.of("garbage", "invalid", "no-token", "bad-token", "foreign"), reasons.keySet());
        assertTrue(reasons.get("invalid").contains("seeds"), reasons.toString());
        assertTrue(reasons.get("no-token").contains("authorization"), reasons.toString());
        assertTrue(reasons.get("bad-token").contains("token was refused"), reasons.toString());
        assertTrue(reasons.get("foreign").contains("token was refused"), reasons.toString());
        for (String key : List.of("no-token", "bad-token", "foreign")) {
            given().get("/api/studies/" + StudyIntake.studyIdOf(key + "-" + suffix)).then().statusCode(404);
        }
        TestAuth.as("team-b");
        given().get("/api/studies/" + studyKey).then().log().ifValidationFails().statusCode(404);
        ManagementInterface.management().get("/q/health/ready").then().statusCode(200);
        // health and metrics answer on the management interface only, never on the public port
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
        ManagementInterface.management().get("/q/metrics").then().statusCode(200);
    }

    private static ProducerRecord<String, byte[]> submission(String key, String body, String token) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, key,
                body.getBytes(StandardCharsets.UTF_8));
        if (token != null) {
            record.headers().add(StudyIntake.AUTHORIZATION, ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    @Test
    void everyApiEndpointNeedsAValidTokenAndATenantSeesOnlyItsOwnStudies() {
        JsonPath created = given().contentType("application/json").body(SPEC.replace("gw-test", "private-study"))
                .post("/api/studies").then().statusCode(201).extract().jsonPath();
        String studyId = created.getString("id");
        String runId = created.getString("runs[0].id");
        List<String> reads = List.of("/api/studies", "/api/studies/" + studyId, "/api/runs/" + runId, "/api/methods",
                "/api/studies/" + studyId + "/report", "/api/studies/" + studyId + "/analysis",
                "/api/runs/" + runId + "/gradients", "/api/studies/" + studyId + "/events");

        TestAuth.clear();
        for (String path : reads) {
            given().get(path).then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("Bearer")).body("detail", containsString("token"));
        }
        given().contentType("application/json").body(SPEC).post("/api/studies").then().statusCode(401);
        given().post("/api/studies/" + studyId + "/cancel").then().statusCode(401);
        var tokens = RealInfrastructure.tokens();
        for (String refused : List.of("abc.def.ghi", tokens.tokenFromIssuer(TestAuth.TENANT, "https://elsewhere.example"),
                tokens.token(TestAuth.TENANT, Duration.ofMinutes(-10)))) {
            given().header("Authorization", "Bearer " + refused).get("/api/studies/" + studyId)
                    .then().statusCode(401).contentType("application/problem+json");
        }
        given().header("Authorization", "Bearer " + tokens.tokenWithoutTenant()).get("/api/studies")
                .then().statusCode(403).contentType("application/problem+json").body("field", equalTo("tenant"));
        // the dashboard's way: the token as a cookie
        given().cookie("mtlab_token", TestAuth.token(TestAuth.TENANT)).get("/api/studies/" + studyId)
                .then().statusCode(200).body("name", equalTo("private-study"));

        TestAuth.as("team-b");
        given().get("/api/studies").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(studyId)));
        for (String path : reads.subList(1, reads.size())) {
            if (path.equals("/api/methods")) {
                continue;
            }
            given().get(path).then().statusCode(404).contentType("application/problem+json")
                    .body(org.hamcrest.Matchers.not(containsString("private-study")));
        }
        given().post("/api/studies/" + studyId + "/cancel").then().statusCode(404);
        given().get("/api/methods").then().statusCode(200);

        TestAuth.as(TestAuth.TENANT);
        given().get("/api/studies").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(studyId));
        given().get("/api/runs/" + runId).then().statusCode(200);
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
