package org.mtlab.trainer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.kafka.DeadLetterRecords;
import org.mtlab.core.contract.RunControl;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;

/** Cancel orders on {@code mtlab.run-control}, against a real broker and real training. */
@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "postgres", value = "false"))
class RunCancellationTest {

    @Test
    void aCancelledRunStopsWithinSecondsAndAnOrderThatArrivesFirstKeepsTheRunFromStarting() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        // far longer than the test: tens of thousands of steps
        TrainingRequest slow = TrainerServiceTest.request("ew", 4000, 200, 4);
        TrainingRequest neverStarted = TrainerServiceTest.request("ew");
        TrainingRequest after = TrainerServiceTest.request("ew");
        String reason = "cancelled: wrong learning rate";
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "cancel-test"));
             KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap,
                     "test-" + UUID.randomUUID(), "cancel-reader"))) {
            c.subscribe(List.of(Topics.RUN_EVENTS, Topics.DEAD_LETTERS));
            List<RunEvent> events = new ArrayList<>();
            List<DeadLetter> letters = new ArrayList<>();
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, slow.runId().toString(), slow.encode())).get();
            awaitEvent(c, events, letters, e -> e.runId().equals(slow.runId()) && e.type() == RunEvent.Type.PROGRESS);

            long ordered = System.nanoTime();
            p.send(new ProducerRecord<>(Topics.RUN_CONTROL, slow.runId().toString(),
                    RunControl.cancel(slow.runId(), slow.studyId(), reason).encode())).get();
            RunEvent cancelled = awaitEvent(c, events, letters,
                    e -> e.runId().equals(slow.runId()) && e.type() == RunEvent.Type.CANCELLED);
            double seconds = (System.nanoTime() - ordered) / 1e9;
            System.out.printf("cancel order to CANCELLED event: %.2f s, after step %d%n", seconds, cancelled.step());
            assertTrue(seconds < 10, "a cancelled run stops promptly, took " + seconds + " s");
            assertEquals(reason, cancelled.message());
            RunEvent started = events.stream().filter(e -> e.runId().equals(slow.runId())
                    && e.type() == RunEvent.Type.STARTED).findFirst().orElseThrow();
            assertTrue(cancelled.step() > 0 && cancelled.step() < started.totalSteps(), "stopped mid-run");

            // an order that arrives before the request: the run never starts
            p.send(new ProducerRecord<>(Topics.RUN_CONTROL, neverStarted.runId().toString(),
                    RunControl.cancel(neverStarted.runId(), neverStarted.studyId(), reason).encode())).get();
            Thread.sleep(1000); // the order is read by the trainer's own control consumer, independently of requests
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, neverStarted.runId().toString(), neverStarted.encode())).get();
            RunEvent notRun = awaitEvent(c, events, letters,
                    e -> e.runId().equals(neverStarted.runId()) && e.type() == RunEvent.Type.CANCELLED);
            assertEquals(0L, notRun.step());
            assertTrue(events.stream().noneMatch(e -> e.runId().equals(neverStarted.runId())
                    && e.type() == RunEvent.Type.STARTED), "a run cancelled before it started never starts");

            // a bad order goes to the DLQ with a reason; the trainer keeps working: the next run completes
            p.send(new ProducerRecord<>(Topics.RUN_CONTROL, "garbage", "{\"type\":\"CANCEL\"".getBytes(StandardCharsets.UTF_8))).get();
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, after.runId().toString(), after.encode())).get();
            awaitEvent(c, events, letters, e -> e.runId().equals(after.runId()) && e.type() == RunEvent.Type.COMPLETED);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                poll(c, events, letters);
                return letters.stream().anyMatch(l -> "garbage".equals(l.key()) && Topics.RUN_CONTROL.equals(l.topic()));
            });
            assertTrue(events.stream().noneMatch(e -> e.runId().equals(slow.runId()) && e.type() == RunEvent.Type.COMPLETED));
        }
    }

    private static RunEvent awaitEvent(KafkaConsumer<String, byte[]> c, List<RunEvent> events, List<DeadLetter> letters,
                                       Predicate<RunEvent> wanted) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            poll(c, events, letters);
            return events.stream().anyMatch(wanted);
        });
        return events.stream().filter(wanted).findFirst().orElseThrow();
    }

    private static void poll(KafkaConsumer<String, byte[]> c, List<RunEvent> events, List<DeadLetter> letters) {
        c.poll(Duration.ofMillis(200)).forEach(r -> {
            if (r.topic().equals(Topics.RUN_EVENTS)) {
                events.add(RunEvent.decode(r.value()));
            } else {
                letters.add(DeadLetterRecords.read(r));
            }
        });
    }
}
