package org.mtlab.trainer.probe;

import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Counts the {@code hold-probe} channel's partition assignments and revocations. */
@ApplicationScoped
@IfBuildProfile("hold-probe")
@Identifier("hold-probe-rebalances")
public class HoldProbeRebalances implements KafkaConsumerRebalanceListener {
    private final AtomicInteger assigned = new AtomicInteger();
    private final AtomicInteger revoked = new AtomicInteger();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            assigned.incrementAndGet();
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            revoked.incrementAndGet();
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    public int assigned() {
        return assigned.get();
    }

    public int revoked() {
        return revoked.get();
    }
}
