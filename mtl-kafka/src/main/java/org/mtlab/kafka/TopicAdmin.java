package org.mtlab.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates missing topics at service start for local stacks; in Kubernetes, Strimzi KafkaTopic resources own them
 * and this is switched off ({@code mtlab.kafka.create-topics=false}).
 */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    public static void ensureTopics(String bootstrapServers, Collection<String> topics, int partitions, short replication)
            throws InterruptedException, ExecutionException, TimeoutException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, replication)
                            .configs(Map.of("min.insync.replicas", String.valueOf(Math.min(2, replication)))));
                }
            }
            try {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // another service created it first: that is the outcome we wanted
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** The topics' Kafka ids (a topic deleted and created again under its name gets a new one); absent topics left out. */
    public static Map<String, String> topicIds(String bootstrapServers, Collection<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Map<String, String> ids = new java.util.HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS)
                    .forEach((name, description) -> ids.put(name, description.topicId().toString()));
            return ids;
        }
    }
}
