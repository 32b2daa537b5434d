package org.mtlab.gateway;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.mtlab.core.contract.Topics;
import org.mtlab.kafka.ConsumerLoop;
import org.mtlab.kafka.DeadLetterPublisher;
import org.mtlab.kafka.KafkaSettings;
import org.mtlab.kafka.TopicAdmin;

/** The gateway's Kafka side: one producer (requests, dead letters) and two consumer loops (intake, run status). */
@ApplicationScoped
public class GatewayKafka {
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @ConfigProperty(name = "mtlab.kafka.create-topics")
    boolean createTopics;
    @ConfigProperty(name = "mtlab.kafka.partitions")
    int partitions;
    @ConfigProperty(name = "mtlab.kafka.replication")
    short replication;

    @Inject
    StudyIntake intake;
    @Inject
    RunStatusUpdater statusUpdater;
    @Inject
    OutboxRelay outbox;

    private KafkaProducer<String, byte[]> producer;
    private ConsumerLoop intakeLoop;
    private ConsumerLoop statusLoop;

    void start(@Observes StartupEvent event) throws Exception {
        if (createTopics) {
            TopicAdmin.ensureTopics(bootstrapServers, Topics.ALL, partitions, replication);
        }
        producer = new KafkaProducer<>(KafkaSettings.producer(bootstrapServers, "gateway"));
        intakeLoop = new ConsumerLoop("study-intake",
                KafkaSettings.consumer(bootstrapServers, "mtlab-gateway-intake", "gateway-intake"),
                List.of(Topics.STUDY_SUBMISSIONS), intake::handle, new DeadLetterPublisher(producer, "gateway-intake")).start();
        statusLoop = new ConsumerLoop("run-status",
                KafkaSettings.consumer(bootstrapServers, "mtlab-gateway-run-status", "gateway-run-status"),
                List.of(Topics.RUN_EVENTS), statusUpdater::handle, new DeadLetterPublisher(producer, "gateway-run-status")).start();
        outbox.start(producer);
    }

    void stop(@Observes ShutdownEvent event) {
        outbox.stop();
        if (intakeLoop != null) {
            intakeLoop.close();
            statusLoop.close();
            producer.close();
        }
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    public boolean consumersAlive() {
        return intakeLoop != null && intakeLoop.isAlive() && statusLoop.isAlive();
    }
}
