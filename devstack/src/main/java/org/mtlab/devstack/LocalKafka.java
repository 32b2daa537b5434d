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

    /** Node ids of the brokers still running. */
    public java.util.List<Integer> runningBrokers() {
        return cluster.brokers().entrySet().stream().filter(e -> !e.getValue().isShutdown()).map(java.util.Map.Entry::getKey)
                .sorted().toList();
    }

    /**
     * Takes one broker out of the cluster (the in-JVM kit cannot kill a broker, so this is a shutdown without
     * restart: its replicas stay out of sync and leadership moves to the others for good).
     */
    public void stopBroker(int nodeId) {
        var broker = cluster.brokers().get(nodeId);
        if (broker == null) {
            throw new IllegalArgumentException("no broker " + nodeId + "; brokers: " + cluster.brokers().keySet());
        }
        broker.shutdown();
        broker.awaitShutdown();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
