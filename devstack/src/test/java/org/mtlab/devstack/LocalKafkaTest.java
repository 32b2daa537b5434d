package org.mtlab.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class LocalKafkaTest {
    @Test
    void threeBrokersReplicateATopicThreeTimes() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(3)) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic("t", 2, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                        .all().get(60, TimeUnit.SECONDS);
                var description = admin.describeTopics(List.of("t")).allTopicNames().get(60, TimeUnit.SECONDS).get("t");
                assertEquals(3, description.partitions().get(0).replicas().size());
                assertEquals(3, admin.describeCluster().nodes().get().size());
            }
        }
    }
}
