package org.mtlab.devstack;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka cluster in KRaft mode inside this JVM (Kafka's own test kit): brokers that speak the wire protocol
 * on loopback ports. Used by tests; the demo runs {@link StandaloneKafka} as a separate process instead.
 */
public final class LocalKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private LocalKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static LocalKafka start(int brokers) throws Exception {
        // one broker: a combined broker+controller node; several: that many brokers and a single controller
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(brokers == 1)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", String.valueOf(brokers))
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", String.valueOf(brokers))
                .setConfigProp("transaction.state.log.min.isr", String.valueOf(Math.min(2, brokers)))
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new LocalKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public int brokerCount() {
        return cluster.brokers().size();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
