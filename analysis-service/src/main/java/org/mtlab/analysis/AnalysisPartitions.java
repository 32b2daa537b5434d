package org.mtlab.analysis;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The {@code analysis-events} channel's rebalance listener (named in application.properties): the analysis state
 * follows the partitions, see {@link AnalysisEngine}. Called on the connector's polling thread, after the checkpoint
 * commit strategy has stored the checkpoints of revoked partitions, or restored those of assigned ones.
 */
@ApplicationScoped
@Identifier("analysis-partitions")
public class AnalysisPartitions implements KafkaConsumerRebalanceListener {
    @Inject
    AnalysisEngine engine;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        engine.assigned(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        engine.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        engine.revoked(partitions);
    }
}
