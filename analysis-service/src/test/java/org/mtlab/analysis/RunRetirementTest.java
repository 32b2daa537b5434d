package org.mtlab.analysis;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.mtlab.core.gradient.GradientGeometry;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;

/**
 * A finished run leaves the analyser's memory and checkpoints once its summary is persisted and it has not changed for
 * the run retention (3 s here): its statistics are then served from PostgreSQL, the same as before, and a late event
 * of it is dropped instead of bringing back a partial run.
 */
@QuarkusTest
@TestProfile(RunRetirementTest.ShortRetention.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class RunRetirementTest {
    public static final class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mtlab.analysis.run-retention", "3s");
        }
    }

    @jakarta.inject.Inject
    AnalysisEngine engine;

    @Test
    void aFinishedPersistedRunIsRetiredAndStillServedAndALateEventDoesNotBringItBack() throws Exception {
        TrainingRequest run = StudyEventsFixture.request(UUID.randomUUID(), RunKind.MTL, List.of("a", "b"), "adam", 3);
        Random rnd = new Random(17);
        GradientEvent last = null;
        RecordMetadata gradientRecord = null;
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "t"))) {
            StudyEventsFixture.started(p, run);
            for (int step = 0; step < 20; step++) {
                float[][] g = StudyEventsFixture.gaussianGradients(rnd, 2, 4);
                last = new GradientEvent(run.runId(), 1, step, step / 10, new float[] {1, 1}, new float[] {1, 1},
                        new double[][] {GradientGeometry.packedGram(g, 0, 4)}, null, null);
                gradientRecord = p.send(new ProducerRecord<>(Topics.GRADIENTS, run.runId().toString(),
                        GradientEventCodec.encode(last))).get();
            }
            StudyEventsFixture.completed(p, run, 0.5, 0.7);
        }
        String url = "/api/runs/" + run.runId() + "/gradients";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get(url).then().statusCode(200)
                .body("analysedSteps", equalTo(20)).body("status", equalTo("COMPLETED")));
        assertTrue(engine.run(run.runId()) != null, "served from memory while the run is recent");
        Map<String, Object> live = StudyEventsFixture.exact(given().get(url).then().extract().asString()).getMap("$");

        await().atMost(Duration.ofSeconds(30)).until(() -> engine.run(run.runId()) == null);
        TopicPartition gradients = new TopicPartition(Topics.GRADIENTS, gradientRecord.partition());
        assertFalse(PartitionImage.decode(engine.image(gradients).bytes()).containsKey(run.runId()),
                "the partition's next checkpoint leaves the retired run out");
        Map<String, Object> persisted = StudyEventsFixture.exact(given().get(url).then().statusCode(200).extract().asString())
                .getMap("$");
        assertEquals(live, persisted, "the same statistics, now read from PostgreSQL");

        // a late (duplicate) gradient event of the retired run: dropped, counted, the persisted statistics unchanged
        double before = retiredRunEvents();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "late"))) {
            p.send(new ProducerRecord<>(Topics.GRADIENTS, run.runId().toString(), GradientEventCodec.encode(last))).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> retiredRunEvents() == before + 1);
        assertNull(engine.run(run.runId()), "the late event does not bring back a partial run");
        Thread.sleep(1500); // more than a flush interval: a resurrected run would have overwritten the row by now
        assertEquals(persisted, StudyEventsFixture.exact(given().get(url).then().statusCode(200).extract().asString())
                .getMap("$"));
    }

    private static double retiredRunEvents() {
        String prometheus = ManagementInterface.management().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : prometheus.split("\n")) {
            if (line.startsWith("mtlab_analysis_events_retired_runs_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("mtlab_analysis_events_retired_runs_total not exported");
    }
}
