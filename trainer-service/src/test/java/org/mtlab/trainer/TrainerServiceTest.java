package org.mtlab.trainer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.kafka.DeadLetterRecords;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;
import org.mtlab.trainer.engine.Checkpoints;
import org.mtlab.trainer.engine.MultiTaskTrainer;
import org.mtlab.trainer.engine.TrainingListener;
import org.mtlab.trainer.engine.TrainingOutcome;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "postgres", value = "false"))
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class TrainerServiceTest {
    @jakarta.inject.Inject
    TrainerService service;
    @jakarta.inject.Inject
    io.smallrye.reactive.messaging.providers.extension.HealthCenter health;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "mtlab.trainer.checkpoint-dir")
    java.nio.file.Path checkpointDir;

    static TrainingRequest request(String method) {
        return request(method, 200, 2, 32);
    }

    static TrainingRequest request(String method, int samples, int epochs, int batch) {
        return new TrainingRequest(1, UUID.randomUUID(), UUID.randomUUID(), 1, RunKind.MTL, List.of("a", "b"),
                List.of("a", "b"), new StudySpec.DatasetSpec("synthetic", Map.of("dimension", 6, "samples", samples, "seed", 3)),
                new StudySpec.ModelSpec("mlp", List.of(8)), new StudySpec.OptimizerSpec("adam", 0.01, null), method, 7,
                epochs, batch, new StudySpec.TelemetrySpec(1, true));
    }

    /**
     * max.poll.interval.ms is 2 s in tests (application.properties, %test). A run that trains far longer must still
     * complete with its offset committed by the same group member: had training blocked the poll loop, the member
     * would have been expelled and its commit refused.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void aRunLongerThanThePollIntervalCompletesWithoutARebalance() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        TrainingRequest slow = request("ew", 4000, 40, 4);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "t2"))) {
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, slow.runId().toString(), slow.encode())).get();
        }
        long started = System.nanoTime();
        long assignmentsBefore = service.partitionAssignments();
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "test-" + UUID.randomUUID(), "r2"))) {
            c.subscribe(List.of(Topics.RUN_EVENTS));
            await().atMost(Duration.ofSeconds(240)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    RunEvent e = RunEvent.decode(r.value());
                    if (e.runId().equals(slow.runId())) {
                        events.add(e);
                    }
                });
                return events.stream().anyMatch(e -> e.type() == RunEvent.Type.COMPLETED);
            });
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds > 6, "the run must outlast the 2 s poll interval several times, took " + seconds + " s");
        assertEquals(assignmentsBefore, service.partitionAssignments(), "no rebalance while the run trained");
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var committed = admin.listConsumerGroupOffsets("mtlab-trainers").partitionsToOffsetAndMetadata().get();
                var end = admin.listOffsets(committed.keySet().stream()
                        .collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
                committed.forEach((tp, offset) -> assertEquals(end.get(tp).offset(), offset.offset(), "lag on " + tp));
            });
        }
    }

    /**
     * A request whose run has a checkpoint (here: left by an earlier attempt that stopped after step 5) resumes from
     * it: only the steps after it are trained and reported, under the request's attempt, and the checkpoint is gone
     * once the outcome is out.
     */
    @Test
    @org.junit.jupiter.api.Order(3)
    void aRedeliveredRunResumesFromItsCheckpointAndDeletesIt() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        TrainingRequest run = request("ew", 200, 2, 32); // 160 training samples: 5 steps per epoch
        Checkpoints checkpoints = new Checkpoints(checkpointDir, 0);
        java.util.concurrent.atomic.AtomicLong steps = new java.util.concurrent.atomic.AtomicLong();
        TrainingOutcome earlier = new MultiTaskTrainer(ai.djl.Device.cpu(), null, checkpoints).train(run,
                new TrainingListener() {
                    @Override
                    public void gradients(GradientEvent event) {
                        steps.set(event.step());
                    }
                }, () -> steps.get() >= 7);
        assertTrue(earlier.cancelled());
        assertTrue(checkpoints.exists(run.runId()));

        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "t3"))) {
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, run.runId().toString(), run.encode())).get();
        }
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        List<GradientEvent> gradients = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "test-" + UUID.randomUUID(), "r3"))) {
            c.subscribe(List.of(Topics.RUN_EVENTS, Topics.GRADIENTS));
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.topic().equals(Topics.RUN_EVENTS)) {
                        RunEvent e = RunEvent.decode(r.value());
                        if (e.runId().equals(run.runId())) {
                            events.add(e);
                        }
                    } else {
                        GradientEvent g = GradientEventCodec.decode(r.value());
                        if (g.runId().equals(run.runId())) {
                            gradients.add(g);
                        }
                    }
                });
                // one partition per topic and run, in order: once step 10's telemetry is in, all of it is
                return events.stream().anyMatch(e -> e.type() == RunEvent.Type.COMPLETED)
                        && gradients.stream().anyMatch(g -> g.step() == 10);
            });
        }
        assertEquals(List.of(8L, 9L, 10L), gradients.stream().map(GradientEvent::step).toList(),
                "only the steps after the checkpoint");
        assertTrue(gradients.stream().allMatch(g -> g.attempt() == run.attempt()));
        RunEvent completed = events.get(events.size() - 1);
        assertEquals(RunEvent.Type.COMPLETED, completed.type());
        assertEquals(10, completed.step());
        assertEquals(1, events.stream().filter(e -> e.type() == RunEvent.Type.EVAL).count(), "epoch 2 only");
        await().atMost(Duration.ofSeconds(20)).until(() -> !checkpoints.exists(run.runId()));
    }

    /**
     * Poison pills on one partition, ahead of a good request: an unreadable request (dead-lettered at once) and a
     * request whose CSV file does not exist (the run fails with the reason: what only the trainer can see fails the
     * run, it is not retried). The good request behind them completes.
     */
    @Test
    @org.junit.jupiter.api.Order(4)
    void poisonPillRequestsAreDeadLetteredAndTheRequestBehindThemCompletes() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        TrainingRequest good = request("ew");
        TrainingRequest base = request("ew");
        TrainingRequest missingFile = new TrainingRequest(base.schemaVersion(), base.runId(), base.studyId(),
                base.attempt(), base.kind(), base.datasetTasks(), base.tasks(), new StudySpec.DatasetSpec("csv", Map.of(
                        "path", "/nonexistent/mtlab-" + UUID.randomUUID() + ".csv",
                        "targets", Map.of("a", "regression", "b", "regression"))),
                base.model(), base.optimizer(), base.method(), base.seed(), base.epochs(), base.batchSize(),
                base.telemetry(), base.decision());
        String junkKey = "junk-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "poison"))) {
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, 0, junkKey, "\u0000\u0001".getBytes(StandardCharsets.UTF_8))).get();
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, 0, missingFile.runId().toString(), missingFile.encode())).get();
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, 0, good.runId().toString(), good.encode())).get();
        }
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        List<DeadLetter> letters = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "test-" + UUID.randomUUID(), "r"))) {
            c.subscribe(List.of(Topics.RUN_EVENTS, Topics.DEAD_LETTERS));
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.topic().equals(Topics.RUN_EVENTS)) {
                        events.add(RunEvent.decode(r.value()));
                    } else {
                        DeadLetter letter = DeadLetterRecords.read(r);
                        if (letter.key().equals(junkKey) || letter.key().equals(missingFile.runId().toString())) {
                            letters.add(letter);
                        }
                    }
                });
                return letters.size() == 1
                        && events.stream().anyMatch(e -> e.runId().equals(missingFile.runId()) && e.type() == RunEvent.Type.FAILED)
                        && events.stream().anyMatch(e -> e.runId().equals(good.runId()) && e.type() == RunEvent.Type.COMPLETED);
            });
        }
        assertEquals(junkKey, letters.get(0).key());
        assertEquals(0, letters.get(0).partition());
        assertTrue(letters.get(0).reason().contains("not valid JSON"), letters.get(0).reason());
        RunEvent failed = events.stream().filter(e -> e.runId().equals(missingFile.runId())
                && e.type() == RunEvent.Type.FAILED).findFirst().orElseThrow();
        assertTrue(failed.message().contains("CSV file not found"), failed.message());
        assertTrue(health.getLiveness().isOk(), "the channels are alive: " + health.getLiveness().getChannels());
    }

    @Test
    @org.junit.jupiter.api.Order(1) // counts the group's committed offsets: the first to send requests
    void trainsRequestsPublishesEventsCommitsAfterTheOutcomeAndDeadLettersGarbage() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        TrainingRequest good = request("ew");
        TrainingRequest unsupported = request("no-such-method");
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "t"))) {
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, "junk", "{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8))).get();
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, unsupported.runId().toString(), unsupported.encode())).get();
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, good.runId().toString(), good.encode())).get();
        }
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        List<GradientEvent> gradients = new CopyOnWriteArrayList<>();
        List<DeadLetter> letters = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "test-" + UUID.randomUUID(), "r"))) {
            c.subscribe(List.of(Topics.RUN_EVENTS, Topics.GRADIENTS, Topics.DEAD_LETTERS));
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    switch (r.topic()) {
                        case Topics.RUN_EVENTS -> events.add(RunEvent.decode(r.value()));
                        case Topics.GRADIENTS -> gradients.add(GradientEventCodec.decode(r.value()));
                        default -> letters.add(DeadLetterRecords.read(r));
                    }
                });
                return letters.size() == 1
                        && events.stream().anyMatch(e -> e.runId().equals(unsupported.runId()) && e.type() == RunEvent.Type.FAILED)
                        && events.stream().anyMatch(e -> e.runId().equals(good.runId()) && e.type() == RunEvent.Type.COMPLETED);
            });
        }
        assertEquals(1, letters.size(), "the unreadable request is dead-lettered");
        assertEquals("junk", letters.get(0).key());
        assertEquals(Topics.TRAINING_REQUESTS, letters.get(0).topic());
        RunEvent failed = events.stream().filter(e -> e.runId().equals(unsupported.runId())).reduce((a, b) -> b).orElseThrow();
        assertEquals(RunEvent.Type.FAILED, failed.type());
        assertTrue(failed.message().contains("no-such-method"), failed.message());

        List<RunEvent> mine = events.stream().filter(e -> e.runId().equals(good.runId())).toList();
        assertEquals(RunEvent.Type.STARTED, mine.get(0).type());
        long totalSteps = mine.get(0).totalSteps();
        assertEquals(2, mine.stream().filter(e -> e.type() == RunEvent.Type.EVAL).count(), "one evaluation per epoch");
        RunEvent completed = mine.get(mine.size() - 1);
        assertEquals(totalSteps, completed.step());
        assertTrue(completed.metrics().stream().anyMatch(m -> m.split().equals("test") && m.task().equals("b")));
        List<GradientEvent> runGradients = gradients.stream().filter(g -> g.runId().equals(good.runId())).toList();
        assertEquals(totalSteps, runGradients.size(), "telemetry every step");
        assertTrue(runGradients.stream().allMatch(GradientEvent::hasFullGradients));
        Checkpoints checkpoints = new Checkpoints(checkpointDir, 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> !checkpoints.exists(good.runId())
                && !checkpoints.exists(unsupported.runId()));

        // every request's offset is committed once its outcome is out: nothing left for the group
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("mtlab-trainers")
                        .partitionsToOffsetAndMetadata().get();
                long lag = 0;
                for (var entry : admin.listOffsets(committed.keySet().stream()
                        .collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get().entrySet()) {
                    lag += entry.getValue().offset() - committed.get(entry.getKey()).offset();
                }
                assertEquals(0, lag);
                assertEquals(3, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
            });
        }
    }

    /**
     * A partition that moves while its run trains: three more members join the group, so the trainer's consumer keeps
     * one of the four partitions (the cooperative-sticky assignor keeps the first it owned, partition 0) and gives up
     * partition 3, where a long run trains. The run stops at a checkpoint inside the revocation callback, its request
     * stays uncommitted and reaches the new holder at the same offset; once the newcomers leave, the trainer receives
     * it again (here with a cancel order already read, so it ends CANCELLED at once instead of training to the end).
     */
    @Test
    @org.junit.jupiter.api.Order(5)
    void aRunWhosePartitionMovesStopsAtACheckpointAndItsRequestGoesToTheNewHolder() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        TrainingRequest slow = request("ew", 4000, 200, 4); // tens of thousands of steps: far longer than the test
        long offset;
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "t5"))) {
            offset = p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, 3, slow.runId().toString(), slow.encode()))
                    .get().offset();
        }
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "test-" + UUID.randomUUID(), "r5"))) {
            c.subscribe(List.of(Topics.RUN_EVENTS));
            java.util.function.Predicate<RunEvent.Type> seen = type -> events.stream()
                    .anyMatch(e -> e.runId().equals(slow.runId()) && e.type() == type);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> events.add(RunEvent.decode(r.value())));
                return seen.test(RunEvent.Type.PROGRESS);
            });
            Checkpoints checkpoints = new Checkpoints(checkpointDir, 0);
            List<KafkaConsumer<String, byte[]>> newcomers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Properties props = KafkaSettings.consumer(bootstrap, "mtlab-trainers", "newcomer-" + i);
                    props.put(org.apache.kafka.clients.consumer.ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                            org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
                    props.put(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
                    KafkaConsumer<String, byte[]> newcomer = new KafkaConsumer<>(props);
                    newcomer.subscribe(List.of(Topics.TRAINING_REQUESTS));
                    newcomers.add(newcomer);
                }
                long joined = System.nanoTime();
                List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> received = new CopyOnWriteArrayList<>();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (KafkaConsumer<String, byte[]> newcomer : newcomers) {
                        newcomer.poll(Duration.ofMillis(100)).forEach(received::add);
                    }
                    return !received.isEmpty();
                });
                System.out.printf("partition handed over: the request reached a newcomer %.2f s after they joined%n",
                        (System.nanoTime() - joined) / 1e9);
                assertEquals(1, received.size(), "only the run in training was uncommitted");
                assertEquals(3, received.get(0).partition());
                assertEquals(offset, received.get(0).offset(), "the uncommitted request, at its offset");
                assertEquals(slow.runId().toString(), received.get(0).key());
                assertEquals(0, service.busyWorkers(), "the trainer stopped the run before the partition moved");
                assertTrue(checkpoints.exists(slow.runId()), "the stopped run left its checkpoint for the new holder");
                c.poll(Duration.ofMillis(500)).forEach(r -> events.add(RunEvent.decode(r.value())));
                assertTrue(!seen.test(RunEvent.Type.COMPLETED) && !seen.test(RunEvent.Type.FAILED), "no outcome: " + events);

                try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "t5c"))) {
                    p.send(new ProducerRecord<>(Topics.RUN_CONTROL, slow.runId().toString(),
                            org.mtlab.core.contract.RunControl.cancel(slow.runId(), slow.studyId(), "handed back").encode())).get();
                }
                Thread.sleep(1000); // the order is read by the trainer's own control consumer
            } finally {
                newcomers.forEach(KafkaConsumer::close); // they leave; the trainer's consumer takes the partitions back
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> events.add(RunEvent.decode(r.value())));
                return seen.test(RunEvent.Type.CANCELLED);
            });
            assertTrue(!seen.test(RunEvent.Type.COMPLETED), "one outcome");
        }
    }
}
