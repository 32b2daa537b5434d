package org.mtlab.trainer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.RunControl;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;

/**
 * {@code mtlab.trainer.workers=2}: the training-requests channel runs as two copies, two members of the trainers'
 * group in one process, and trains two runs at once — never more, since each copy hands over its next request only
 * once its run has an outcome.
 */
@QuarkusTest
@TestProfile(TrainerWorkersTest.TwoWorkers.class)
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "postgres", value = "false"))
class TrainerWorkersTest {
    public static final class TwoWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mtlab.trainer.workers", "2");
        }
    }

    @jakarta.inject.Inject
    TrainerService service;

    @Test
    void twoWorkersTrainTwoRunsAtOnceAndNoMore() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        // one long run per partition: each copy of the channel holds two of the four partitions
        List<TrainingRequest> slow = new ArrayList<>();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "workers"))) {
            for (int partition = 0; partition < 4; partition++) {
                TrainingRequest run = TrainerServiceTest.request("ew", 4000, 200, 4);
                slow.add(run);
                p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, partition, run.runId().toString(), run.encode())).get();
            }
        }
        Set<UUID> ids = slow.stream().map(TrainingRequest::runId).collect(Collectors.toSet());
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        AtomicLong mostBusy = new AtomicLong();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "test-" + UUID.randomUUID(), "w"));
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "workers-cancel"))) {
            c.subscribe(List.of(Topics.RUN_EVENTS));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> events.add(RunEvent.decode(r.value())));
                mostBusy.accumulateAndGet(service.busyWorkers(), Math::max);
                return progressing(events, ids).size() == 2;
            });
            Thread.sleep(2000); // two runs go on training; a third would start now if the copies took more than one each
            c.poll(Duration.ofMillis(200)).forEach(r -> events.add(RunEvent.decode(r.value())));
            mostBusy.accumulateAndGet(service.busyWorkers(), Math::max);
            assertEquals(2, progressing(events, ids).size(), "two runs train at once");
            assertEquals(2, service.busyWorkers());
            // the two waiting runs are cancelled first, so that they never start; then the two in training
            Set<UUID> training = progressing(events, ids);
            List<TrainingRequest> waitingFirst = new ArrayList<>(slow);
            waitingFirst.sort(java.util.Comparator.comparing(run -> training.contains(run.runId())));
            for (TrainingRequest run : waitingFirst) {
                p.send(new ProducerRecord<>(Topics.RUN_CONTROL, run.runId().toString(),
                        RunControl.cancel(run.runId(), run.studyId(), "enough").encode())).get();
                if (run == waitingFirst.get(1)) {
                    Thread.sleep(1000); // read by the trainer's control consumer before the running ones stop
                }
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> events.add(RunEvent.decode(r.value())));
                mostBusy.accumulateAndGet(service.busyWorkers(), Math::max);
                return events.stream().filter(e -> ids.contains(e.runId()) && e.type() == RunEvent.Type.CANCELLED).count() == 4;
            });
        }
        assertEquals(2, mostBusy.get(), "never more than two runs at once");
        assertEquals(2, events.stream().filter(e -> ids.contains(e.runId()) && e.type() == RunEvent.Type.STARTED).count(),
                "the two runs behind were cancelled before they started");
    }

    private static Set<UUID> progressing(List<RunEvent> events, Set<UUID> ids) {
        return events.stream().filter(e -> ids.contains(e.runId()) && e.type() == RunEvent.Type.PROGRESS)
                .map(RunEvent::runId).collect(Collectors.toSet());
    }
}
