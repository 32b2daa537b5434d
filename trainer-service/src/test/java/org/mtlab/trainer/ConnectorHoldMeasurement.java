package org.mtlab.trainer;

import static org.awaitility.Awaitility.await;

import io.smallrye.common.annotation.Identifier;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.mtlab.devstack.RealInfrastructure;
import org.mtlab.kafka.KafkaSettings;
import org.mtlab.kafka.TopicAdmin;
import org.mtlab.trainer.probe.HoldProbe;
import org.mtlab.trainer.probe.HoldProbeRebalances;

/**
 * Issue 17 part 1's measurement: can SmallRye's Kafka connector hold a training request for as long as a run lasts
 * (hours) with no rebalance and no false unhealthy report? The hours are scaled down to seconds: a record is held
 * three times {@code max.poll.interval.ms} (3 s) on a channel configured as a trainer's would be — one record per poll,
 * the smallest queue ({@code max-queue-size-factor=1}), the throttled commit strategy that commits only what is
 * acknowledged, its unprocessed-record check at 2 s (60 s by default, against runs of hours). What it measures is what
 * {@link TrainingRequestConsumer}'s Javadoc and CONTRACTS.md cite. The two subclasses run it with that check on
 * ({@link ConnectorHoldTest}) and off ({@link ConnectorHoldWithoutAgeCheckTest}), each in a Quarkus of its own.
 */
abstract class ConnectorHoldMeasurement {
    static final String TOPIC = "mtlab.probe.held-requests";
    static final int MAX_POLL_INTERVAL_MS = 3000;
    static final int UNPROCESSED_MAX_AGE_MS = 2000;
    static final long HOLD_MS = 3L * MAX_POLL_INTERVAL_MS;
    /** How often the throttled strategy commits and checks the age of what waits (5 s by default). */
    static final int COMMIT_INTERVAL_MS = 1000;

    /** The probe channel exists only in this profile ({@code @IfBuildProfile("hold-probe")} on its beans). */
    public static class HoldProfile implements QuarkusTestProfile {
        /** The throttled strategy's unprocessed-record check: at 2 s here, 0 (off) in the subclass's profile. */
        protected int unprocessedMaxAgeMs() {
            return UNPROCESSED_MAX_AGE_MS;
        }

        @Override
        public String getConfigProfile() {
            return "hold-probe";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            String channel = "mp.messaging.incoming.hold-probe.";
            return Map.ofEntries(
                    Map.entry(channel + "connector", "smallrye-kafka"),
                    Map.entry(channel + "topic", TOPIC),
                    Map.entry(channel + "group.id", "hold-probe"),
                    Map.entry(channel + "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"),
                    Map.entry(channel + "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer"),
                    Map.entry(channel + "auto.offset.reset", "earliest"),
                    Map.entry(channel + "max.poll.records", "1"),
                    Map.entry(channel + "max-queue-size-factor", "1"),
                    Map.entry(channel + "max.poll.interval.ms", String.valueOf(MAX_POLL_INTERVAL_MS)),
                    Map.entry(channel + "commit-strategy", "throttled"),
                    Map.entry(channel + "throttled.unprocessed-record-max-age.ms", String.valueOf(unprocessedMaxAgeMs())),
                    Map.entry(channel + "auto.commit.interval.ms", String.valueOf(COMMIT_INTERVAL_MS)),
                    Map.entry(channel + "consumer-rebalance-listener.name", "hold-probe-rebalances"),
                    // the topic is created by the test, after the channel subscribed: find it within half a second
                    Map.entry(channel + "metadata.max.age.ms", "500"));
        }
    }

    @Inject
    HoldProbe probe;
    @Inject
    @Identifier("hold-probe-rebalances")
    HoldProbeRebalances rebalances;
    @Inject
    HealthCenter health;
    @Inject
    KafkaClientService clients;

    /** What one hold showed. */
    record Held(int assigned, int revokedWhileHeld, double firstDownSeconds, String downReason, long furthestPosition,
                boolean pausedWhileHeld, int handedAfterRelease, boolean liveAfterRelease) {
    }

    Held holdOneRecord() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, List.of(TOPIC), 1, (short) 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "hold-probe"))) {
            for (int r = 0; r < 4; r++) {
                producer.send(new ProducerRecord<>(TOPIC, "run-" + r, new byte[] {(byte) r})).get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.received() >= 1);
        long heldAt = System.nanoTime();
        KafkaConsumer<String, byte[]> consumer = clients.getConsumer("hold-probe");
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        long furthestPosition = -1;
        boolean pausedWhileHeld = false;
        double firstDownSeconds = -1;
        String downReason = null;
        while (System.nanoTime() - heldAt < HOLD_MS * 1_000_000) {
            HealthReport liveness = health.getLiveness();
            if (!liveness.isOk() && firstDownSeconds < 0) {
                firstDownSeconds = (System.nanoTime() - heldAt) / 1e9;
                downReason = liveness.getChannels().stream().filter(c -> !c.isOk())
                        .map(c -> c.getChannel() + ": " + c.getMessage()).toList().toString();
            }
            if (firstDownSeconds < 0) {
                // the connector's consumer, asked on its own polling thread (it is closed once the channel failed)
                Long position = consumer.getPositions().await().atMost(Duration.ofSeconds(5)).get(partition);
                furthestPosition = Math.max(furthestPosition, position == null ? -1 : position);
                Set<TopicPartition> paused = consumer.paused().await().atMost(Duration.ofSeconds(5));
                pausedWhileHeld |= paused.contains(partition);
            }
            Thread.sleep(200);
        }
        int revokedWhileHeld = rebalances.revoked();
        probe.release();
        // the records behind the held one, handed over within seconds if the channel still consumes
        long releasedAt = System.nanoTime();
        while (probe.received() < 4 && System.nanoTime() - releasedAt < 6_000_000_000L) {
            Thread.sleep(100);
        }
        Held held = new Held(rebalances.assigned(), revokedWhileHeld, firstDownSeconds, downReason, furthestPosition,
                pausedWhileHeld, probe.received(), health.getLiveness().isOk());
        System.out.printf("%s: connector holding a record %d ms (max.poll.interval.ms %d): %s%n",
                getClass().getSimpleName(), HOLD_MS, MAX_POLL_INTERVAL_MS, held);
        return held;
    }
}
