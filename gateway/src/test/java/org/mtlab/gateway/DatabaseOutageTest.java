package org.mtlab.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mtlab.devstack.RealInfrastructure;

/**
 * PostgreSQL down for a while: 503 with Retry-After, never 500; once it is back, nothing accepted before is missing.
 * A Kafka submission during the outage fails transiently, is retried within its budget and stored once the database
 * is back: nothing lost, nothing dead-lettered.
 */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class DatabaseOutageTest {
    @org.junit.jupiter.api.BeforeEach
    void authenticate() {
        TestAuth.as(TestAuth.TENANT);
    }

    @org.junit.jupiter.api.AfterEach
    void forgetToken() {
        TestAuth.clear();
    }


    @jakarta.inject.Inject
    GatewayKafka kafka;

    @Test
    void answers503WithRetryAfterWhileTheDatabaseIsDownAndLosesNothing() throws Exception {
        String before = given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies")
                .then().statusCode(201).extract().path("id");
        long deadLetteredBefore = kafka.deadLettered();
        long transientBefore = kafka.transientFailures();
        String submittedDuringOutage = java.util.UUID.randomUUID().toString();
        RealInfrastructure.stopPostgres();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies")
                            .then().statusCode(503).header("Retry-After", notNullValue())
                            .contentType("application/problem+json"));
            given().get("/api/studies/" + before).then().statusCode(503).header("Retry-After", equalTo("5"));
            given().get("/api/studies").then().statusCode(503);
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                    org.mtlab.kafka.KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "outage"))) {
                var record = new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(
                        org.mtlab.core.contract.Topics.STUDY_SUBMISSIONS, submittedDuringOutage,
                        GatewayTest.SPEC.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                record.headers().add(StudyIntake.AUTHORIZATION,
                        ("Bearer " + TestAuth.token(TestAuth.TENANT)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                producer.send(record).get();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> kafka.transientFailures() > transientBefore);
        } finally {
            RealInfrastructure.startPostgres();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/studies/" + before)
                .then().statusCode(200).body("runs.size()", equalTo(12)));
        given().contentType("application/json").body(GatewayTest.SPEC).post("/api/studies").then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/studies/" + submittedDuringOutage)
                .then().statusCode(200).body("source", equalTo("kafka")).body("runs.size()", equalTo(12)));
        org.junit.jupiter.api.Assertions.assertEquals(deadLetteredBefore, kafka.deadLettered(),
                "a transient outage within the retry budget dead-letters nothing");
    }
}
