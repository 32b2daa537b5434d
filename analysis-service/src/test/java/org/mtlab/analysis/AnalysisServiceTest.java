package org.mtlab.analysis;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.contract.RunEvent;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.ConflictBaseline;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.kafka.DeadLetterRecords;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.gradient.GradientGeometry;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;

@QuarkusTest
@QuarkusTestResource(value = RealInfrastructure.class, restrictToAnnotatedClass = true)
class AnalysisServiceTest {
    final UUID studyId = UUID.randomUUID();

    @jakarta.inject.Inject
    AnalysisEngine engine;
    @jakarta.inject.Inject
    @io.smallrye.common.annotation.Identifier(AnalysisCheckpoints.STORE)
    AnalysisCheckpoints checkpoints;
    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource database;

    TrainingRequest request(RunKind kind, List<String> tasks, String optimizer, long seed) {
        return StudyEventsFixture.request(studyId, kind, tasks, optimizer, seed);
    }

    void startAndFinish(KafkaProducer<String, byte[]> p, TrainingRequest r, double... mse) throws Exception {
        StudyEventsFixture.started(p, r);
        StudyEventsFixture.completed(p, r, mse);
    }

    /** Per-sample gradients (g_a, g_b) on sample 0 and (2·g_a, −g_b) on sample 1; halves g_t and g_t/2. */
    static ConflictBaseline twoSampleBaseline(float[][] g) {
        double aa = 0, bb = 0, ab = 0;
        int opposite = 0;
        for (int k = 0; k < g[0].length; k++) {
            aa += (double) g[0][k] * g[0][k];
            bb += (double) g[1][k] * g[1][k];
            ab += (double) g[0][k] * g[1][k];
            opposite += (double) g[0][k] * g[1][k] < 0 ? 1 : 0;
        }
        int p = g[0].length;
        double[][] sampleGrams = {{aa, ab, bb}, {4 * aa, -2 * ab, bb}};
        int[][] sampleSigns = {{opposite}, {p - opposite}};
        double[][] taskSampleGrams = {{aa, 2 * aa, 4 * aa}, {bb, -bb, bb}};
        int[][] taskSampleSigns = {{0}, {p}};
        double[][] halves = {{aa, aa / 4, aa / 2}, {bb, bb / 4, bb / 2}};
        return new ConflictBaseline(2, p, sampleGrams, sampleSigns, taskSampleGrams, taskSampleSigns, halves,
                new int[] {0, 0}, new int[] {opposite});
    }

    @Test
    void countsEachStepOnceComputesCosineAndStudyResults() throws Exception {
        Random rnd = new Random(11);
        TrainingRequest mtl = request(RunKind.MTL, List.of("a", "b"), "adam", 1);
        double cosineSum = 0;
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "t"))) {
            for (int step = 0; step < 10; step++) {
                float[][] g = StudyEventsFixture.gaussianGradients(rnd, 2, 5);
                double dot = 0, na = 0, nb = 0;
                for (int k = 0; k < 5; k++) {
                    dot += (double) g[0][k] * g[1][k];
                    na += (double) g[0][k] * g[0][k];
                    nb += (double) g[1][k] * g[1][k];
                }
                cosineSum += dot / Math.sqrt(na * nb);
                GradientEvent plain = new GradientEvent(mtl.runId(), 1, step, 0, new float[] {1, 1},
                        new float[] {1, 1}, new double[][] {GradientGeometry.packedGram(g, 0, 5)}, null, null);
                // every other step carries a single-task baseline of two samples: task a's per-sample gradients
                // g_a and 2·g_a (cosine 1, magnitude similarity 0.8), task b's g_b and −g_b (cosine −1)
                byte[] event = GradientEventCodec.encode(step % 2 == 0 ? plain.withBaseline(twoSampleBaseline(g)) : plain);
                StudyEventsFixture.send(p, Topics.GRADIENTS, mtl.runId(), event);
                if (step % 3 == 0) {
                    StudyEventsFixture.send(p, Topics.GRADIENTS, mtl.runId(), event); // redelivered duplicate
                }
            }
            // bad records: random bytes, a key that does not match the run, a truncated event
            StudyEventsFixture.send(p, Topics.GRADIENTS, mtl.runId(), new byte[] {1, 2, 3});
            StudyEventsFixture.send(p, Topics.GRADIENTS, UUID.randomUUID(), GradientEventCodec.encode(new GradientEvent(mtl.runId(), 1, 99, 0,
                    new float[] {1, 1}, new float[] {1, 1}, new double[][] {{1, 0, 1}}, null, null)));
            startAndFinish(p, mtl, 0.8, 1.2);
            startAndFinish(p, request(RunKind.STL, List.of("a"), "adam", 1), 1.0);
            startAndFinish(p, request(RunKind.STL, List.of("b"), "adam", 1), 1.0);
        }
        double expectedCosine = cosineSum / 10;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/" + mtl.runId() + "/gradients")
                .then().statusCode(200).body("analysedSteps", equalTo(10)).body("status", equalTo("COMPLETED")));
        JsonPath run = StudyEventsFixture.exact(given().get("/api/runs/" + mtl.runId() + "/gradients").then().extract().asString());
        assertEquals(expectedCosine, run.getDouble("statistics.pairs[0].cosine.mean"), 1e-9);
        assertEquals("a", run.getString("statistics.pairs[0].taskA"));
        String prometheus = ManagementInterface.management().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(prometheus.matches("(?s).*mtlab_grad_cosine\\{[^}]*run=\"" + mtl.runId() + "\"[^}]*task_a=\"a\"[^}]*\\}.*"),
                "cosine gauge exported for the run's task pair");
        // the provisioned Grafana dashboard queries only metrics this service exports
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("../k8s/base/grafana/mtlab-dashboard.json"));
        java.util.regex.Matcher queried = java.util.regex.Pattern.compile("mtlab_[a-z0-9_]+").matcher(dashboard);
        int checked = 0;
        while (queried.find()) {
            assertTrue(prometheus.matches("(?s).*\\n" + queried.group() + "[{ ].*"), "dashboard queries " + queried.group()
                    + ", which the analysis service does not export");
            checked++;
        }
        assertTrue(checked >= 15, "the dashboard's queries were found, the single-task baseline panels' among them");
        // the baseline gauges carry the figures asserted below through the REST view: task a's two samples point
        // the same way (cosine 1, magnitude similarity 0.8), task b's are opposite (cosine −1, every sign differs)
        String run0 = mtl.runId().toString();
        assertEquals(0.0, gauge(prometheus, "mtlab_baseline_inter_task_cosine", run0, "task_a=\"a\""), 1e-12);
        assertEquals(1.0, gauge(prometheus, "mtlab_baseline_single_task_cosine", run0, "kind=\"inter_sample\"", "task=\"a\""), 1e-12);
        assertEquals(0.8, gauge(prometheus, "mtlab_baseline_single_task_magnitude_similarity", run0,
                "kind=\"inter_sample\"", "task=\"a\""), 1e-12);
        assertEquals(1.0, gauge(prometheus, "mtlab_baseline_single_task_sign_disagreement_ratio", run0,
                "kind=\"inter_sample\"", "task=\"b\""), 1e-12);
        assertEquals(1.0, gauge(prometheus, "mtlab_baseline_single_task_cosine", run0, "kind=\"inter_batch\"", "task=\"b\""), 1e-12);
        assertEquals(-1.0, gauge(prometheus, "mtlab_baseline_inter_sample_cosine_quantile", run0, "quantile=\"0.975\"",
                "task=\"b\""), 1e-12);
        // the dashboard's band: the widest of a's [1, 1] and b's [−1, −1] over epoch 0's steps 0..9; the median of
        // the same-sample cosines, ±cos(g_a, g_b) on each baseline step, is 0
        assertEquals(1, run.getList("baselineBands").size());
        assertEquals(-1.0, run.getDouble("baselineBands[0].epochs[0].cosineLow"), 1e-12);
        assertEquals(1.0, run.getDouble("baselineBands[0].epochs[0].cosineHigh"), 1e-12);
        assertEquals(0.0, run.getDouble("baselineBands[0].epochs[0].sameSampleCosineMedian"), 1e-12);
        assertEquals(0.8, run.getDouble("baselineBands[0].epochs[0].magnitudeLow"), 1e-12);
        assertEquals(0, run.getInt("baselineBands[0].epochs[0].firstStep"));
        assertEquals(9, run.getInt("baselineBands[0].epochs[0].lastStep"));
        assertTrue(run.getDouble("statistics.paretoStationarity.mean") >= 0);
        assertEquals(10.0, run.getDouble("statistics.epochs[0].pairs[0].cosine.count"));
        // the single-task baseline beside the inter-task figures: 5 steps carried one, duplicates counted once
        assertEquals(5, run.getInt("statistics.baseline.steps"));
        assertEquals(1.0, run.getDouble("statistics.baseline.tasks[0].interSample.cosine.mean"), 1e-12);
        assertEquals(0.8, run.getDouble("statistics.baseline.tasks[0].interSample.magnitudeSimilarity.mean"), 1e-12);
        assertEquals(-1.0, run.getDouble("statistics.baseline.tasks[1].interSample.cosine.mean"), 1e-12);
        assertEquals(1.0, run.getDouble("statistics.baseline.tasks[1].interSample.signDisagreement.mean"), 1e-12);
        assertEquals(1.0, run.getDouble("statistics.baseline.tasks[1].interBatch.cosine.mean"), 1e-12);
        assertEquals(10, run.getInt("statistics.baseline.pairs[0].sameSample.cosine.count"));
        assertEquals(0.0, run.getDouble("statistics.baseline.pairs[0].sameSample.cosine.mean"), 1e-12,
                "cos(g_a, g_b) on sample 0 and its negative on sample 1");
        assertEquals(-1.0, run.getDouble("statistics.baseline.epochs[0].tasks[1].interSample.cosine.p97_5"), 1e-12);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/studies/" + studyId + "/analysis")
                .then().statusCode(200).body("analysis.finishedRuns", equalTo(3)));
        JsonPath study = StudyEventsFixture.exact(given().get("/api/studies/" + studyId + "/analysis").then().extract().asString());
        // a: 0.8 vs 1.0 (−20%), b: 1.2 vs 1.0 (+20%) → Δm% = 0 (lower is better), improvement fraction 0
        assertEquals(0.0, study.getDouble("analysis.runs[0].deltaMPercent"), 1e-9);
        assertTrue(study.getString("analysis.deltaMConventions").contains("LOWER is better"));
        assertEquals(2, study.getList("analysis.paretoPoints").size());

        ManagementInterface.management().get("/q/metrics").then().body(containsString("mtlab_analysis_live_series"));
        // bounded cardinality: a finished run's series disappear after the retention (8 s in tests)
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertTrue(!ManagementInterface.management().get("/q/metrics").asString()
                .contains("run=\"" + mtl.runId() + "\""), "series of a finished run removed"));

        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(
                RealInfrastructure.kafka().bootstrapServers(), "dlq-reader", "r"))) {
            c.subscribe(List.of(Topics.DEAD_LETTERS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (letters.size() < 2 && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    DeadLetter letter = DeadLetterRecords.read(r);
                    // this test's two bad records (other tests dead-letter records of their own runs)
                    if (mtl.runId().toString().equals(letter.key()) || letter.reason().contains(mtl.runId().toString())) {
                        letters.add(letter);
                    }
                });
            }
        }
        assertEquals(2, letters.size());
        assertTrue(letters.stream().anyMatch(l -> l.reason().contains("keyed")), letters.toString());
        ManagementInterface.management().get("/q/health/ready").then().statusCode(200);
    }

    /** The value of the one sample line of {@code name} for {@code run} whose labels contain all of {@code labels}. */
    static double gauge(String prometheus, String name, String run, String... labels) {
        List<Double> values = new ArrayList<>();
        for (String line : prometheus.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("run=\"" + run + "\"")
                    && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                values.add(Double.parseDouble(line.substring(line.lastIndexOf('}') + 1).trim().split(" ")[0]));
            }
        }
        assertEquals(1, values.size(), name + " " + List.of(labels) + " exported once for run " + run);
        return values.get(0);
    }

    /**
     * Poison pills on the run events: an undecodable record and a record whose key names another run, both on the
     * run's partition ahead of its good STARTED event — both dead-lettered at once with their reason, the good event
     * applied.
     */
    @Test
    void badRunEventsAreDeadLetteredAndTheNextEventOnThePartitionIsApplied() throws Exception {
        TrainingRequest run = request(RunKind.MTL, List.of("a", "b"), "adam", 11);
        TrainingRequest other = request(RunKind.MTL, List.of("a", "b"), "adam", 12);
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "poison"))) {
            StudyEventsFixture.send(p, Topics.RUN_EVENTS, run.runId(), "{\"type\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StudyEventsFixture.send(p, Topics.RUN_EVENTS, run.runId(), org.mtlab.core.contract.RunEvent.progress(other, 1, 10, 1).encode());
            StudyEventsFixture.started(p, run);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/" + run.runId() + "/gradients")
                .then().statusCode(200).body("optimizer", equalTo("adam")));
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "dlq-" + UUID.randomUUID(), "r"))) {
            c.subscribe(List.of(Topics.DEAD_LETTERS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (letters.size() < 2 && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    DeadLetter letter = DeadLetterRecords.read(r);
                    if (run.runId().toString().equals(letter.key()) && letter.topic().equals(Topics.RUN_EVENTS)) {
                        letters.add(letter);
                    }
                });
            }
        }
        assertEquals(2, letters.size(), letters.toString());
        assertTrue(!letters.get(0).reason().isBlank(), letters.get(0).reason());
        assertTrue(letters.get(1).reason().contains("carries run " + other.runId()), letters.get(1).reason());
    }

    /** Generated bad gradient records, interleaved with good ones: every bad one dead-lettered, every good one counted. */
    @Test
    void generatedBadGradientRecordsAreDeadLetteredAndGoodOnesAllCounted() throws Exception {
        Random rnd = new Random(7);
        TrainingRequest run = request(RunKind.MTL, List.of("a", "b"), "sgd", 3);
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        int good = 0;
        int bad = 0;
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "fuzz"))) {
            StudyEventsFixture.started(p, run);
            for (int step = 0; step < 300; step++) {
                float[][] g = {{(float) rnd.nextGaussian(), (float) rnd.nextGaussian()}, {(float) rnd.nextGaussian(), 1}};
                GradientEvent event = new GradientEvent(run.runId(), 1, step, 0, new float[] {1, 1},
                        new float[] {1, 1}, new double[][] {GradientGeometry.packedGram(g, 0, 2)}, null, null);
                // every other good event in representation space (version 3, flag bit 2): counted alike
                byte[] valid = GradientEventCodec.encode(step % 2 == 0 ? event
                        : event.inSpace(GradientEvent.Space.REPRESENTATION));
                StudyEventsFixture.send(p, Topics.GRADIENTS, run.runId(), valid);
                good++;
                String kind;
                byte[] broken;
                switch (step % 6) {
                    case 0 -> { kind = "truncated"; broken = java.util.Arrays.copyOf(valid, rnd.nextInt(valid.length)); }
                    case 1 -> { kind = "over-long"; broken = java.util.Arrays.copyOf(valid, valid.length + 1 + rnd.nextInt(16)); }
                    case 2 -> { kind = "unknown version"; broken = valid.clone(); broken[0] = (byte) (GradientEventCodec.VERSION + 1 + rnd.nextInt(100)); }
                    case 3 -> {
                        kind = "wrong task count";
                        float[][] three = {{1, 0}, {0, 1}, {1, 1}};
                        broken = GradientEventCodec.encode(new GradientEvent(run.runId(), 1, 10_000 + step, 0, new float[3],
                                new float[] {1, 1, 1}, new double[][] {GradientGeometry.packedGram(three, 0, 2)}, null, null));
                    }
                    case 4 -> {
                        kind = "non-finite value";
                        broken = valid.clone();
                        // the first loss: bytes 38..41
                        java.nio.ByteBuffer.wrap(broken).putFloat(38, rnd.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY);
                    }
                    default -> { kind = "random bytes"; broken = new byte[1 + rnd.nextInt(300)]; rnd.nextBytes(broken); }
                }
                StudyEventsFixture.send(p, Topics.GRADIENTS, run.runId(), broken);
                kinds.merge(kind, 1, Integer::sum);
                bad++;
            }
        }
        int expectedGood = good;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/runs/" + run.runId() + "/gradients")
                .then().statusCode(200).body("analysedSteps", equalTo(expectedGood)));
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "dlq-" + UUID.randomUUID(), "r"))) {
            c.subscribe(List.of(Topics.DEAD_LETTERS));
            long deadline = System.currentTimeMillis() + 60_000;
            while (letters.size() < bad && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    DeadLetter letter = DeadLetterRecords.read(r);
                    if (run.runId().toString().equals(letter.key())) {
                        letters.add(letter);
                    }
                });
            }
        }
        System.out.printf("bad gradient records by kind %s: %d dead-lettered, %d good counted%n", kinds, letters.size(), good);
        assertEquals(bad, letters.size(), "every bad record dead-lettered once");
        assertTrue(letters.stream().allMatch(l -> l.reason() != null && !l.reason().isBlank() && l.originalValue() != null));
        ManagementInterface.management().get("/q/health/ready").then().statusCode(200);
    }

    /**
     * The channel's checkpoints hold each topic-partition's runs (the statistics bit for bit, the run events' facts)
     * with the offset after them, and a rebalance restores the runs from them instead of reading the partitions again.
     */
    @Test
    void checkpointsHoldTheRunsStateAndARebalanceRestoresIt() throws Exception {
        TrainingRequest mtl = request(RunKind.MTL, List.of("a", "b"), "sgd", 7);
        Random rnd = new Random(5);
        RecordMetadata lastGradient = null;
        RecordMetadata lastRunEvent;
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(RealInfrastructure.kafka().bootstrapServers(), "t"))) {
            StudyEventsFixture.started(p, mtl);
            for (int step = 0; step < 40; step++) {
                float[][] g = StudyEventsFixture.gaussianGradients(rnd, 2, 6);
                GradientEvent plain = new GradientEvent(mtl.runId(), 1, step, step / 15, new float[] {1, 1},
                        new float[] {1, 1}, new double[][] {GradientGeometry.packedGram(g, 0, 3),
                        GradientGeometry.packedGram(g, 3, 6)}, null, null);
                byte[] event = GradientEventCodec.encode(step % 4 == 0 ? plain.withBaseline(twoSampleBaseline(g)) : plain);
                lastGradient = p.send(new ProducerRecord<>(Topics.GRADIENTS, mtl.runId().toString(), event)).get();
            }
            lastRunEvent = p.send(new ProducerRecord<>(Topics.RUN_EVENTS, mtl.runId().toString(),
                    RunEvent.completed(mtl, 40, 1, List.of(new RunEvent.Metric("a", "test", "mse", 0.5, false),
                            new RunEvent.Metric("b", "test", "mse", 0.7, false))).encode())).get();
        }
        assertEquals(lastGradient.partition(), lastRunEvent.partition(), "a run's two topics share the partition number");
        TopicPartition gradients = new TopicPartition(Topics.GRADIENTS, lastGradient.partition());
        TopicPartition runEvents = new TopicPartition(Topics.RUN_EVENTS, lastRunEvent.partition());
        long gradientsEnd = lastGradient.offset() + 1;
        long runEventsEnd = lastRunEvent.offset() + 1;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runs/" + mtl.runId() + "/gradients")
                .then().statusCode(200).body("analysedSteps", equalTo(40)).body("status", equalTo("COMPLETED")));
        // stored every auto.commit.interval.ms: both partitions' checkpoints reach past the run's last records
        await().atMost(Duration.ofSeconds(30)).until(() -> nextOffset(gradients) >= gradientsEnd
                && nextOffset(runEvents) >= runEventsEnd);
        RunState live = engine.run(mtl.runId());
        RunGradientStatistics.Snapshot statistics = live.snapshot();
        assertEquals(40, statistics.analysedSteps());
        assertEquals(statistics, RunGradientStatistics.fromBytes(PartitionImage.decode(checkpoint(gradients))
                .get(mtl.runId())).snapshot(mtl.tasks()), "the stored statistics are the live ones");

        // a rebalance: the partitions leave this instance and come back, their runs restored from the checkpoints
        List<TopicPartition> both = List.of(gradients, runEvents);
        engine.revoked(both);
        assertNull(engine.run(mtl.runId()));
        var resumed = checkpoints.store("mtlab-analysis").fetchProcessingState(both)
                .await().atMost(Duration.ofSeconds(30));
        engine.assigned(both);
        assertEquals(nextOffset(gradients), resumed.get(gradients).getOffset(), "reading resumes after the checkpoint");
        assertEquals(nextOffset(runEvents), resumed.get(runEvents).getOffset());
        RunState restored = engine.run(mtl.runId());
        assertEquals(statistics, restored.snapshot());
        assertEquals("COMPLETED", restored.status());
        assertEquals(live.descriptor(), restored.descriptor());
        assertEquals(live.finalMetrics(), restored.finalMetrics());
        assertEquals(live.startedEventMs(), restored.startedEventMs());
        assertEquals(live.endedEventMs(), restored.endedEventMs());
        given().get("/api/runs/" + mtl.runId() + "/gradients").then().statusCode(200).body("analysedSteps", equalTo(40));

        // a checkpoint of an earlier topic of that name (deleted, created again), or one that cannot be read, is not
        // restored: its partition is read from offset 0
        String realTopicId = topicId(gradients);
        byte[] realState = checkpoint(gradients);
        try {
            for (int damage = 0; damage < 2; damage++) {
                if (damage == 0) {
                    setTopicId(gradients, UUID.randomUUID().toString());
                } else {
                    setTopicId(gradients, realTopicId);
                    byte[] truncated = java.util.Arrays.copyOf(realState, realState.length - 9);
                    update("update analysis_checkpoint set state = ? where checkpoint_id = ?", gradients, truncated);
                }
                engine.revoked(both);
                resumed = checkpoints.store("mtlab-analysis").fetchProcessingState(both).await().atMost(Duration.ofSeconds(30));
                engine.assigned(both);
                assertFalse(resumed.containsKey(gradients));
                assertTrue(resumed.containsKey(runEvents));
                assertNull(engine.run(mtl.runId()).snapshot(), "no gradient statistics restored");
                assertEquals("COMPLETED", engine.run(mtl.runId()).status());
            }
        } finally {
            update("update analysis_checkpoint set state = ? where checkpoint_id = ?", gradients, realState);
            setTopicId(gradients, realTopicId);
            engine.revoked(both);
            checkpoints.store("mtlab-analysis").fetchProcessingState(both).await().atMost(Duration.ofSeconds(30));
            engine.assigned(both);
        }
        assertEquals(statistics, engine.run(mtl.runId()).snapshot());
    }

    private long nextOffset(TopicPartition tp) throws Exception {
        return query("select next_offset from analysis_checkpoint where checkpoint_id = ?", tp,
                r -> r.next() ? r.getLong(1) : -1L);
    }

    private byte[] checkpoint(TopicPartition tp) throws Exception {
        return query("select state from analysis_checkpoint where checkpoint_id = ?", tp,
                r -> r.next() ? r.getBytes(1) : null);
    }

    private String topicId(TopicPartition tp) throws Exception {
        return query("select topic_id from analysis_checkpoint where checkpoint_id = ?", tp,
                r -> r.next() ? r.getString(1) : null);
    }

    private void setTopicId(TopicPartition tp, String topicId) throws Exception {
        update("update analysis_checkpoint set topic_id = ? where checkpoint_id = ?", tp, topicId);
    }

    private void update(String sql, TopicPartition tp, Object value) throws Exception {
        try (var c = database.getConnection(); var s = c.prepareStatement(sql)) {
            s.setObject(1, value);
            s.setString(2, PartitionCheckpointEntity.idOf("mtlab-analysis", tp.topic(), tp.partition()));
            assertEquals(1, s.executeUpdate());
        }
    }

    private interface Rows<T> {
        T read(java.sql.ResultSet rows) throws java.sql.SQLException;
    }

    private <T> T query(String sql, TopicPartition tp, Rows<T> read) throws Exception {
        try (var c = database.getConnection(); var s = c.prepareStatement(sql)) {
            s.setString(1, PartitionCheckpointEntity.idOf("mtlab-analysis", tp.topic(), tp.partition()));
            try (var rows = s.executeQuery()) {
                return read.read(rows);
            }
        }
    }
}
