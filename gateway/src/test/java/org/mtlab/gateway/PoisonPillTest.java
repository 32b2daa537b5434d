package org.mtlab.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.kafka.DeadLetterRecords;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.ChannelConsumer;
import org.mtlab.kafka.FailureClassifier;
import org.mtlab.kafka.RetryPolicy;
import org.mtlab.kafka.KafkaSettings;

/**
 * Poison pills, as a new user would send them: text with a NUL character (which PostgreSQL cannot store) over REST
 * and Kafka, and bad run events. Each bad record reaches {@code mtlab.dlq} with its reason within seconds and the
 * good record behind it on the same partition is processed; over REST the answer is 400 naming the field.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class PoisonPillTest {
    /** Both records of a test go to this partition, so that the good one is behind the bad one. */
    private static final int PARTITION = 0;

    @BeforeEach
    void authenticate() {
        TestAuth.as(TestAuth.TENANT);
    }

    @AfterEach
    void forgetToken() {
        TestAuth.clear();
    }

    @Test
    void aNulInTheNameAnswers400NamingTheField() {
        given().contentType("application/json").body(GatewayTest.SPEC.replace("\"gw-test\"", "\"gw\\u0000test\""))
                .post("/api/studies").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("name")).body("detail", containsString("control characters"))
                .body("detail", containsString("U+0000"));
        given().contentType("application/json").body(GatewayTest.SPEC.replace("{\"name\":\"b\"}", "{\"name\":\"b\\u001b[2J\"}"))
                .post("/api/studies").then().statusCode(400).body("field", equalTo("tasks[1].name"));
        given().get("/api/studies").then().statusCode(200).body("name", org.hamcrest.Matchers.not(
                org.hamcrest.Matchers.hasItem(containsString("gw\u0000test"))));

        String studyId = given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies")
                .then().statusCode(201).extract().path("id");
        given().contentType("application/json").body("{\"reason\":\"wrong\\u0000data\"}")
                .post("/api/studies/" + studyId + "/cancel")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("reason"));
        // free text: a line break is kept
        given().contentType("application/json").body("{\"reason\":\"wrong data\\nsee ticket 7\"}")
                .post("/api/studies/" + studyId + "/cancel")
                .then().statusCode(202).body("runs[0].message", equalTo("cancelled: wrong data\nsee ticket 7"));
    }

    @Test
    void aNulInASubmittedNameIsDeadLetteredAtOnceAndTheNextSubmissionIsProcessed() throws Exception {
        String badKey = "nul-name-" + UUID.randomUUID();
        String goodKey = UUID.randomUUID().toString();
        String token = TestAuth.token(TestAuth.TENANT);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(submission(badKey, GatewayTest.SPEC.replace("\"gw-test\"", "\"gw\\u0000test\""), token)).get();
            producer.send(submission(goodKey, GatewayTest.SPEC, token)).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/studies/" + goodKey)
                .then().statusCode(200).body("runs", hasSize(12)));
        DeadLetter letter = deadLetter(Topics.STUDY_SUBMISSIONS, badKey);
        assertEquals(PARTITION, letter.partition());
        assertTrue(letter.reason().contains("name: must not contain control characters"), letter.reason());
        given().get("/api/studies/" + StudyIntake.studyIdOf(badKey)).then().statusCode(404);
    }

    @Test
    void badRunEventsAreDeadLetteredAtOnceAndTheNextEventIsApplied() throws Exception {
        String studyId = given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies")
                .then().statusCode(201).extract().path("id");
        String runId = given().get("/api/studies/" + studyId).then().extract().path("runs[0].id");
        TrainingRequest request = requestOf(UUID.fromString(studyId), runId);
        String unknownRun = UUID.randomUUID().toString();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.RUN_EVENTS, PARTITION, runId,
                    "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8))).get();
            RunEvent p = RunEvent.progress(request, 1, 2, 1);
            producer.send(new ProducerRecord<>(Topics.RUN_EVENTS, PARTITION, unknownRun, new RunEvent(p.schemaVersion(),
                    p.type(), UUID.fromString(unknownRun), p.studyId(), p.attempt(), p.timestampMs(), p.step(),
                    p.totalSteps(), p.epoch(), null, null, null).encode())).get();
            // a trainer's failure message with a NUL: stored with U+FFFD, the run's outcome is not lost
            producer.send(new ProducerRecord<>(Topics.RUN_EVENTS, PARTITION, runId,
                    RunEvent.failed(request, "diverged\u0000 at step 3").encode())).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/" + runId)
                .then().body("status", equalTo("FAILED")).body("message", equalTo("diverged\uFFFD at step 3")));
        DeadLetter garbage = deadLetter(Topics.RUN_EVENTS, runId);
        assertEquals("{\"not\":\"an event\"}", new String(garbage.originalValue(), StandardCharsets.UTF_8));
        assertEquals(PARTITION, garbage.partition());
        assertTrue(!garbage.reason().isBlank() && garbage.consumer().equals("gateway-run-status"), garbage.toString());
        String unknown = deadLetter(Topics.RUN_EVENTS, unknownRun).reason();
        assertTrue(unknown.contains("is not known to the gateway"), unknown);
    }

    /**
     * What PostgreSQL itself answers, through Hibernate Reactive, to a NUL in text and to a duplicate key: the
     * gateway's classifier finds SQLState 22021 / 23505 in the cause chain and calls them permanent; a closed port
     * would be transient (see DatabaseOutageTest for the outage itself).
     */
    @Test
    void theDatabasesDataAndIntegrityErrorsArePermanent() {
        Throwable nul = persistFailure(study(UUID.randomUUID(), "nul\u0000name"));
        FailureClassifier.Failure data = GatewayKafka.FAILURES.classify(nul);
        assertEquals(FailureClassifier.Kind.PERMANENT, data.kind(), data.reason());
        assertTrue(data.reason().contains("SQLState 22021"), data.reason());

        UUID id = UUID.randomUUID();
        assertEquals(null, persistFailure(study(id, "first")));
        Throwable duplicate = persistFailure(study(id, "second"));
        FailureClassifier.Failure integrity = GatewayKafka.FAILURES.classify(duplicate);
        assertEquals(FailureClassifier.Kind.PERMANENT, integrity.kind(), integrity.reason());
        assertTrue(integrity.reason().contains("SQLState 23505"), integrity.reason());
        // Hibernate Reactive puts a java.sql.SQLException in the chain, so the standard rules see it too; the
        // Vert.x reader covers the reactive client used without Hibernate
        assertEquals(FailureClassifier.Kind.PERMANENT, FailureClassifier.standard().classify(nul).kind());
    }

    private static StudyEntity study(UUID id, String name) {
        StudyEntity s = new StudyEntity();
        s.id = id;
        s.name = name;
        s.spec = "{}";
        s.source = "test";
        s.tenant = "poison-pill-test";
        s.createdAt = Instant.now();
        return s;
    }

    /** The error of persisting {@code study} in a transaction of its own, or null when it was stored. */
    private static Throwable persistFailure(StudyEntity study) {
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(study::persist));
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private static ProducerRecord<String, byte[]> submission(String key, String body, String token) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, PARTITION, key,
                body.getBytes(StandardCharsets.UTF_8));
        record.headers().add(StudyIntake.AUTHORIZATION, ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "poison"));
    }

    private static final Map<String, DeadLetter> LETTERS = new HashMap<>();

    /** The dead letter of the record keyed {@code key} from {@code topic}, waiting up to 30 s for it. */
    static synchronized DeadLetter deadLetter(String topic, String key) {
        DeadLetter found = LETTERS.get(topic + "/" + key);
        if (found != null) {
            return found;
        }
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(
                RealInfrastructure.kafka().bootstrapServers(), "dlq-" + UUID.randomUUID(), "dlq-reader"))) {
            c.subscribe(List.of(Topics.DEAD_LETTERS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    DeadLetter letter = DeadLetterRecords.read(r);
                    LETTERS.put(letter.topic() + "/" + letter.key(), letter);
                }
                if (LETTERS.containsKey(topic + "/" + key)) {
                    return LETTERS.get(topic + "/" + key);
                }
            }
        }
        throw new AssertionError("no dead letter for " + topic + "/" + key);
    }

    private static TrainingRequest requestOf(UUID studyId, String runId) {
        List<TrainingRequest> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(
                RealInfrastructure.kafka().bootstrapServers(), "req-" + UUID.randomUUID(), "req-reader"))) {
            c.subscribe(List.of(Topics.TRAINING_REQUESTS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    TrainingRequest request = TrainingRequest.decode(r.value());
                    if (request.studyId().equals(studyId) && request.runId().toString().equals(runId)) {
                        out.add(request);
                    }
                }
            }
        }
        assertNotNull(out.isEmpty() ? null : out.get(0), "the run's training request");
        return out.get(0);
    }

    /** What a channel did with one message: acknowledged it, or nacked it with this reason. */
    private record Outcome(boolean acked, String refusedFor) {
    }

    /** One Kafka message through {@link ChannelConsumer#consume}, its acknowledgement or refusal recorded. */
    private static Outcome consume(ChannelConsumer consumer, String value, ChannelConsumer.RecordHandler handler) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("test.channel", 0, 7L, "k",
                value.getBytes(StandardCharsets.UTF_8));
        java.util.concurrent.atomic.AtomicBoolean acked = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> refused = new java.util.concurrent.atomic.AtomicReference<>();
        org.eclipse.microprofile.reactive.messaging.Message<byte[]> message = org.eclipse.microprofile.reactive.messaging
                .Message.of(record.value(), org.eclipse.microprofile.reactive.messaging.Metadata.of(
                        new io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata<>(record, "test")),
                        () -> {
                            acked.set(true);
                            return java.util.concurrent.CompletableFuture.completedFuture(null);
                        },
                        reason -> {
                            refused.set(reason);
                            return java.util.concurrent.CompletableFuture.completedFuture(null);
                        });
        consumer.consume(message, handler).toCompletableFuture().join();
        return new Outcome(acked.get(), refused.get() == null ? null : refused.get().getMessage());
    }

    /**
     * On a channel, a record that keeps failing transiently is tried exactly the retry policy's attempts, with the
     * policy's backoff (SmallRye Fault Tolerance), then refused with why; the record behind it is handled.
     */
    @Test
    void aTransientFailureIsTriedExactlyThePolicysAttemptsThenRefused() {
        RetryPolicy quick = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(80), 4, Duration.ofSeconds(30));
        ChannelConsumer consumer = new ChannelConsumer("retry-test", quick, FailureClassifier.standard());
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        long started = System.nanoTime();
        Outcome stuck = consume(consumer, "stuck", record -> {
            attempts.incrementAndGet();
            throw new java.util.concurrent.CompletionException(
                    new java.net.ConnectException("Connection refused: localhost/127.0.0.1:5432"));
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(quick.maxAttempts(), attempts.get(), "tried exactly the policy's attempts");
        assertTrue(took.toMillis() >= 20 + 40 + 80, "backed off 20, 40, then 80 ms (the maximum): " + took);
        assertTrue(!stuck.acked() && stuck.refusedFor() != null, "refused, not acknowledged");
        assertTrue(stuck.refusedFor().contains("gave up after 4 attempts")
                && stuck.refusedFor().contains("ConnectException"), stuck.refusedFor());
        assertEquals(quick.maxAttempts(), consumer.transientFailureCount());
        assertEquals(1, consumer.deadLetteredCount());
        List<String> handled = new ArrayList<>();
        Outcome next = consume(consumer, "next", record -> handled.add(new String(record.value(), StandardCharsets.UTF_8)));
        assertTrue(next.acked() && next.refusedFor() == null);
        assertEquals(List.of("next"), handled);
        assertEquals(1, consumer.handledCount());
    }

    /** A database data error (SQLState class 22: a NUL in text) is permanent: refused at its first attempt, with why. */
    @Test
    void aDataErrorIsRefusedAtItsFirstAttempt() {
        ChannelConsumer consumer = new ChannelConsumer("data-test",
                new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(80), 4, Duration.ofSeconds(30)),
                FailureClassifier.standard());
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        Outcome outcome = consume(consumer, "nul", record -> {
            attempts.incrementAndGet();
            throw new java.util.concurrent.CompletionException(new IllegalStateException("insert failed",
                    new java.sql.SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021")));
        });
        assertEquals(1, attempts.get(), "a permanent failure is not retried");
        assertEquals(0, consumer.transientFailureCount());
        assertTrue(outcome.refusedFor() != null && outcome.refusedFor().contains("SQLState 22021"), outcome.refusedFor());
    }
}
