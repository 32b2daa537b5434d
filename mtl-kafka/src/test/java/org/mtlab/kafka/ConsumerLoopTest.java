package org.mtlab.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/** Against a real KRaft broker: bad records are dead-lettered with their reason, good ones keep flowing, transient failures retry. */
class ConsumerLoopTest {
    private static LocalKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = LocalKafka.start(1);
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of("test.input", "test.lag", Topics.DEAD_LETTERS), 1, (short) 1);
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
                    List.of("test.input"), handler, new DeadLetterPublisher(producer, "test"), Duration.ofMillis(50)).start()) {
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
        List<DeadLetter> letters = readAll(Topics.DEAD_LETTERS, 2);
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
             }, new DeadLetterPublisher(producer, "lag"), Duration.ofMillis(50)).start()) {
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

    private static List<DeadLetter> readAll(String topic, int expected) {
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(kafka.bootstrapServers(), "reader", "r"))) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(DeadLetter.decode(r.value()));
                }
            }
        }
        return out;
    }
}
