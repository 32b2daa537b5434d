package org.mtlab.gateway;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.mtlab.core.contract.Topics;
import org.mtlab.kafka.ChannelConsumer;
import org.mtlab.kafka.FailureClassifier;
import org.mtlab.kafka.RetryPolicy;
import org.mtlab.kafka.TopicAdmin;

/**
 * The gateway's Kafka flows, as SmallRye Reactive Messaging channels (configured in application.properties): the
 * study intake ({@code study-submissions}) and the run status ({@code run-events}) consumed here, the training
 * requests and cancel orders emitted by the {@link OutboxRelay}. Records of one channel are handled one at a time,
 * in order, on a worker thread; failures by kind ({@link ChannelConsumer}): a permanent one goes to the dead-letter
 * topic at once, a transient one is retried with exponential backoff within the retry policy, then dead-lettered.
 */
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

    private ChannelConsumer intakeConsumer;
    private ChannelConsumer statusConsumer;

    @PostConstruct
    void createConsumers() {
        RetryPolicy retry = RetryPolicy.from(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
        intakeConsumer = new ChannelConsumer("gateway-intake", retry, FAILURES);
        statusConsumer = new ChannelConsumer("gateway-run-status", retry, FAILURES);
    }

    void start(@Observes StartupEvent event) throws Exception {
        if (createTopics) {
            TopicAdmin.ensureTopics(bootstrapServers, Topics.ALL, partitions, replication);
        }
        outbox.start();
    }

    void stop(@Observes ShutdownEvent event) {
        outbox.stop();
    }

    /**
     * A study submitted on {@code mtlab.study-submissions}. Its submitter's token is taken out of the record before
     * anything else, so that a dead letter of the submission never carries it.
     */
    @Incoming("study-submissions")
    @Blocking(ordered = true)
    public CompletionStage<Void> studySubmitted(Message<byte[]> submission) {
        String authorization = StudyIntake.takeAuthorization(submission);
        return intakeConsumer.consume(submission, record -> intake.handle(record, authorization));
    }

    /** A trainer's run event on {@code mtlab.run-events}: the run's status, progress and outcome. */
    @Incoming("run-events")
    @Blocking(ordered = true)
    public CompletionStage<Void> runEvent(Message<byte[]> event) {
        return statusConsumer.consume(event, statusUpdater::handle);
    }

    /** Transient failures both consumers have retried so far. */
    long transientFailures() {
        return intakeConsumer.transientFailureCount() + statusConsumer.transientFailureCount();
    }

    long deadLettered() {
        return intakeConsumer.deadLetteredCount() + statusConsumer.deadLetteredCount();
    }
}
