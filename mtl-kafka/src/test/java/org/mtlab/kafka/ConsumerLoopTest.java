package org.mtlab.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.ContractException;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.core.contract.Topics;
import org.mtlab.devstack.LocalKafka;

/**
 * Against a real KRaft broker: bad records are dead-lettered with their reason, good ones keep flowing, transient
 * failures retry within their budget and are then dead-lettered.
 */
class ConsumerLoopTest {
    /** Quick retries, so that a test sees a budget run out in well under a second. */
    private static final RetryPolicy QUICK = new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(200), 4,
            Duration.ofSeconds(30));
    private static LocalKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = LocalKafka.start(1);
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of("test.input", "test.lag", "test.budget",
                "test.data-error", Topics.DEAD_LETTERS), 1, (short) 1);
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of("test.pause"), 2, (short) 1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void deadLettersBadRecordsAndRetriesTransientFailures() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger transientFailures = new AtomicInteger();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(kafka.bootstrapServers(), "t"))) {
            ConsumerLoop.RecordHandler handler = record -> {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                if (value.startsWith("bad")) {
                    throw new ContractException("value", "refused " + value);
                }
                if (value.equals("flaky") && transientFailures.getAndIncrement() < 2) {
                    throw new IllegalStateException("database unavailable");
                }
                handled.add(value);
            };
            try (ConsumerLoop loop = new ConsumerLoop("test", KafkaSettings.consumer(kafka.bootstrapServers(), "g1", "c1"),
                    List.of("test.input"), handler, new DeadLetterPublisher(producer, "test"), QUICK, FailureClassifier.standard()).start()) {
                for (String v : List.of("a", "bad-1", "b", "flaky", "bad-2", "c")) {
                    producer.send(new ProducerRecord<>("test.input", "k", v.getBytes(StandardCharsets.UTF_8))).get();
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 4);
                assertEquals(List.of("a", "b", "flaky", "c"), handled, "good records in order, none lost or doubled");
                assertEquals(2, loop.deadLetteredCount());
                assertEquals(3, transientFailures.get(), "the flaky record was retried until it succeeded");
                assertTrue(loop.isAlive());
            }
        }
        List<DeadLetter> letters = deadLettersFrom("test.input", 2);
        assertEquals(2, letters.size());
        assertEquals("bad-1", new String(letters.get(0).originalValue(), StandardCharsets.UTF_8));
        assertEquals("test.input", letters.get(0).topic());
        assertTrue(letters.get(1).reason().contains("refused bad-2"), letters.get(1).reason());
    }

    /** The lag counts records written but not yet read: it rises behind a slow handler and returns to 0. */
    @Test
    void lagCountsTheRecordsNotYetRead() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        java.util.Properties properties = KafkaSettings.consumer(kafka.bootstrapServers(), "g-lag", "c-lag");
        properties.put(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        int records = 30;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(kafka.bootstrapServers(), "lag"));
             ConsumerLoop loop = new ConsumerLoop("lag", properties, List.of("test.lag"), record -> {
                 Thread.sleep(100); // a slow handler: the records pile up behind it
                 handled.incrementAndGet();
             }, new DeadLetterPublisher(producer, "lag"), QUICK, FailureClassifier.standard()).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !loop.assignment().isEmpty());
            assertEquals(0, loop.lag(), "nothing written, nothing behind");
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>("test.lag", "k", new byte[] {(byte) i}));
            }
            producer.flush();
            long[] highest = {0};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                highest[0] = Math.max(highest[0], loop.lag());
                return handled.get() == records && loop.lag() == 0;
            });
            assertTrue(highest[0] >= records / 3 && highest[0] <= records, "highest lag seen " + highest[0]);
        }
    }

    /** A record that keeps failing transiently is given up after its attempts, with the reason; the next one flows. */
    @Test
    void aTransientFailureIsRetriedWithinItsBudgetThenDeadLettered() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(kafka.bootstrapServers(), "b"));
             ConsumerLoop loop = new ConsumerLoop("budget", KafkaSettings.consumer(kafka.bootstrapServers(), "g-budget", "c-b"),
                     List.of("test.budget"), record -> {
                         String value = new String(record.value(), StandardCharsets.UTF_8);
                         if (value.equals("stuck")) {
                             attempts.incrementAndGet();
                             throw new CompletionException(new ConnectException("Connection refused: localhost/127.0.0.1:5432"));
                         }
                         handled.add(value);
                     }, new DeadLetterPublisher(producer, "budget"), QUICK, FailureClassifier.standard()).start()) {
            for (String v : List.of("first", "stuck", "next")) {
                producer.send(new ProducerRecord<>("test.budget", "k", v.getBytes(StandardCharsets.UTF_8))).get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 2);
            assertEquals(List.of("first", "next"), handled);
            assertEquals(QUICK.maxAttempts(), attempts.get(), "tried exactly the policy's attempts");
            assertEquals(1, loop.deadLetteredCount());
            assertEquals(QUICK.maxAttempts(), loop.transientFailureCount());
        }
        DeadLetter letter = deadLettersFrom("test.budget", 1).get(0);
        assertEquals("stuck", new String(letter.originalValue(), StandardCharsets.UTF_8));
        assertTrue(letter.reason().contains("gave up after 4 attempts") && letter.reason().contains("ConnectException"),
                letter.reason());
    }

    /** A database data error (SQLState class 22) is permanent: dead-lettered at its first failure. */
    @Test
    void aDatabaseDataErrorIsDeadLetteredAtOnce() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(kafka.bootstrapServers(), "d"));
             ConsumerLoop loop = new ConsumerLoop("data", KafkaSettings.consumer(kafka.bootstrapServers(), "g-data", "c-d"),
                     List.of("test.data-error"), record -> {
                         String value = new String(record.value(), StandardCharsets.UTF_8);
                         if (value.contains("\u0000")) {
                             attempts.incrementAndGet();
                             throw new CompletionException(new IllegalStateException("transaction failed",
                                     new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021")));
                         }
                         handled.add(value);
                     }, new DeadLetterPublisher(producer, "data"), QUICK, FailureClassifier.standard()).start()) {
            for (String v : List.of("bad\u0000name", "good")) {
                producer.send(new ProducerRecord<>("test.data-error", "k", v.getBytes(StandardCharsets.UTF_8))).get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 1);
            assertEquals(List.of("good"), handled);
            assertEquals(1, attempts.get(), "a permanent failure is not retried");
            assertEquals(0, loop.transientFailureCount());
        }
        DeadLetter letter = deadLettersFrom("test.data-error", 1).get(0);
        assertTrue(letter.reason().contains("SQLState 22021"), letter.reason());
    }

    /** While one partition waits to retry its record, the others keep flowing. */
    @Test
    void aPartitionWaitingToRetryDoesNotHoldTheOthers() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        RetryPolicy slow = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), 10, Duration.ofSeconds(60));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(kafka.bootstrapServers(), "p"));
             ConsumerLoop loop = new ConsumerLoop("pause", KafkaSettings.consumer(kafka.bootstrapServers(), "g-pause", "c-p"),
                     List.of("test.pause"), record -> {
                         String value = new String(record.value(), StandardCharsets.UTF_8);
                         if (value.equals("slow") && failures.getAndIncrement() < 2) {
                             throw new java.util.concurrent.TimeoutException("database did not answer");
                         }
                         handled.add(value);
                     }, new DeadLetterPublisher(producer, "pause"), slow, FailureClassifier.standard()).start()) {
            producer.send(new ProducerRecord<>("test.pause", 0, "k0", "slow".getBytes(StandardCharsets.UTF_8))).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> failures.get() >= 1);
            for (String v : List.of("p1-a", "p1-b")) {
                producer.send(new ProducerRecord<>("test.pause", 1, "k1", v.getBytes(StandardCharsets.UTF_8))).get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 3);
            // "slow" needs two retry delays (1 s, then 2 s) after its first failure; partition 1 did not wait for them
            assertEquals(List.of("p1-a", "p1-b", "slow"), handled);
            assertEquals(0, loop.deadLetteredCount());
        }
    }

    private static List<DeadLetter> deadLettersFrom(String originalTopic, int expected) {
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(kafka.bootstrapServers(),
                "reader-" + java.util.UUID.randomUUID(), "r"))) {
            c.subscribe(List.of(Topics.DEAD_LETTERS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    DeadLetter letter = DeadLetterRecords.read(r);
                    if (letter.topic().equals(originalTopic)) {
                        out.add(letter);
                    }
                }
            }
        }
        return out;
    }
}
