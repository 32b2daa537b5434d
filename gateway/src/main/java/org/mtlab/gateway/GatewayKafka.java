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
import org.mtlab.kafka.FailureClassifier;
import org.mtlab.kafka.KafkaSettings;
import org.mtlab.kafka.RetryPolicy;
import org.mtlab.kafka.TopicAdmin;

/** The gateway's Kafka side: one producer (requests, dead letters) and two consumer loops (intake, run status). */
@ApplicationScoped
public class GatewayKafka {
    /**
     * Failures by kind, with PostgreSQL's SQLState read from the reactive client's exceptions (Vert.x
     * {@code DatabaseException}, e.g. PgException): a data or integrity error is permanent, an outage transient.
     */
    static final FailureClassifier FAILURES = FailureClassifier.standard()
            .withSqlStateReader(t -> t instanceof io.vertx.sqlclient.DatabaseException db ? db.getSqlState() : null);

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
        RetryPolicy retry = RetryPolicy.from(key -> org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue(key, String.class));
        intakeLoop = new ConsumerLoop("study-intake",
                KafkaSettings.consumer(bootstrapServers, "mtlab-gateway-intake", "gateway-intake"),
                List.of(Topics.STUDY_SUBMISSIONS), intake::handle, new DeadLetterPublisher(producer, "gateway-intake"),
                retry, FAILURES).start();
        statusLoop = new ConsumerLoop("run-status",
                KafkaSettings.consumer(bootstrapServers, "mtlab-gateway-run-status", "gateway-run-status"),
                List.of(Topics.RUN_EVENTS), statusUpdater::handle, new DeadLetterPublisher(producer, "gateway-run-status"),
                retry, FAILURES).start();
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

    /** Transient failures both loops have retried so far. */
    long transientFailures() {
        return intakeLoop == null ? 0 : intakeLoop.transientFailureCount() + statusLoop.transientFailureCount();
    }

    long deadLettered() {
        return intakeLoop == null ? 0 : intakeLoop.deadLetteredCount() + statusLoop.deadLetteredCount();
    }

    public boolean consumersAlive() {
        return intakeLoop != null && intakeLoop.isAlive() && statusLoop.isAlive();
    }
}
