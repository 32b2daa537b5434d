package org.mtlab.analysis;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.CheckpointStateStore;
import io.smallrye.reactive.messaging.kafka.commit.ProcessingState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;
import org.mtlab.kafka.TopicAdmin;

/**
 * The analysis' checkpoint store, for the Kafka connector's {@code checkpoint} commit strategy
 * ({@code checkpoint.state-store=analysis-checkpoints} on the {@code analysis-events} channel): the state of each
 * topic-partition's runs and the offset to resume from, in PostgreSQL through Hibernate Reactive
 * ({@link PartitionCheckpointEntity}).
 *
 * <p>The runs' state lives in the {@link AnalysisEngine}, not in the connector's per-record processing state (that
 * holds only the marker {@link InEngine#STATE}): when the connector persists a checkpoint, this store takes the offsets
 * it was given, then, on a worker thread, an {@link AnalysisEngine#image image} of the engine's runs of each
 * topic-partition (run by run, each under its own lock, so the consumer goes on with the other runs), and upserts the
 * rows on a Vert.x context of its own. The connector moved each offset only after the records below it were in the
 * engine, so an image holds at least every record below its offset, possibly a few more; those come again after a
 * restore and count once (a gradient step is counted once, a run event applied twice leaves the same facts). On
 * assignment the connector asks for the checkpoints; this store restores their runs into the engine and the connector
 * seeks to their offsets, so a restarted analysis reads only what came after.
 *
 * <p>Why the connector's strategy with our own store rather than Hibernate Reactive's ready-made one: that one keeps
 * the connector's processing state as the entity, which would mean copying every run's statistics at every record.
 */
@ApplicationScoped
@Identifier(AnalysisCheckpoints.STORE)
public class AnalysisCheckpoints implements CheckpointStateStore.Factory {
    private static final Logger LOG = Logger.getLogger(AnalysisCheckpoints.class);
    static final String STORE = "analysis-checkpoints";

    /** The connector's processing state of a topic-partition: its runs' state is held by the engine. */
    public enum InEngine {
        STATE
    }

    @Inject
    AnalysisEngine engine;
    @Inject
    Mutiny.SessionFactory sessions;
    @Inject
    io.vertx.core.Vertx vertx;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** Since when storing checkpoints fails (epoch milliseconds; 0 while the last attempt succeeded). */
    private volatile long failingSinceMs;
    private volatile String lastFailure;
    private volatile long lastStoredAtMs;

    /** Topic name → Kafka topic id, looked up once per topic and process. */
    private final Map<String, String> topicIds = new ConcurrentHashMap<>();

    /** The channel's store (one channel uses this factory). */
    private volatile Store channelStore;
    /** Set once the last checkpoints are stored at shutdown: the connector's own attempt after it would fail. */
    private volatile boolean stopped;

    @Override
    public CheckpointStateStore create(KafkaConnectorIncomingConfiguration config, io.vertx.mutiny.core.Vertx vertx,
                                       KafkaConsumer<?, ?> consumer, Class<?> stateType) {
        Store store = store((String) consumer.configuration().get(ConsumerConfig.GROUP_ID_CONFIG));
        channelStore = store;
        return store;
    }

    /**
     * Stores the held partitions' last checkpoints as the service stops. The connector stores them too when it
     * terminates, but by then Quarkus has closed the database pool ("Pool closed"), and a restart would resume from
     * the last periodic checkpoint instead.
     */
    void storeLast(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
        Store store = channelStore;
        Map<TopicPartition, Long> offsets = engine.checkpointableOffsets();
        try {
            if (store != null && !offsets.isEmpty()) {
                io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> store.write(offsets));
                LOG.infof("stored the last checkpoints of %s", offsets);
            }
        } catch (Throwable e) {
            LOG.warnf("storing the last checkpoints at shutdown failed (a restart resumes from the previous ones): %s",
                    e.toString());
        } finally {
            stopped = true;
        }
    }

    /** The store of one consumer group's checkpoints (through the bean, never its client proxy's fields). */
    Store store(String group) {
        return new Store(group);
    }

    final class Store implements CheckpointStateStore {
        private final String group;

        Store(String group) {
            this.group = group;
        }

        @Override
        public Uni<Map<TopicPartition, ProcessingState<?>>> fetchProcessingState(Collection<TopicPartition> partitions) {
            List<Object> ids = partitions.stream()
                    .map(tp -> (Object) PartitionCheckpointEntity.idOf(group, tp.topic(), tp.partition())).toList();
            Set<String> topics = partitions.stream().map(TopicPartition::topic).collect(Collectors.toSet());
            return Uni.createFrom().item(() -> currentTopicIds(topics))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .chain(current -> onDatabaseContext(() -> sessions.withSession(
                                    session -> session.find(PartitionCheckpointEntity.class, ids.toArray())))
                            .map(rows -> restore(rows, current)));
        }

        private Map<TopicPartition, ProcessingState<?>> restore(List<PartitionCheckpointEntity> rows,
                                                                Map<String, String> current) {
            Map<TopicPartition, ProcessingState<?>> states = new HashMap<>();
            for (PartitionCheckpointEntity row : rows) {
                if (row == null) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(row.topic, row.partition);
                if (!row.topicId.equals(current.get(row.topic))) {
                    LOG.warnf("checkpoint of %s is of an earlier topic of that name (id %s, now %s): reading the "
                            + "partition from the beginning", tp, row.topicId, current.get(row.topic));
                    continue;
                }
                int runs;
                try {
                    runs = engine.restore(tp, row.state);
                } catch (IllegalArgumentException e) {
                    LOG.errorf("checkpoint of %s cannot be read (%s): reading the partition from the beginning",
                            tp, e.getMessage());
                    continue;
                }
                LOG.infof("restored %s: %d runs, resuming at offset %d (checkpoint of %s)", tp, runs, row.nextOffset,
                        row.updatedAt);
                states.put(tp, new ProcessingState<>(InEngine.STATE, row.nextOffset));
            }
            return states;
        }

        @Override
        public Uni<Void> persistProcessingState(Map<TopicPartition, ProcessingState<?>> states) {
            // the offsets now, on the connector's thread; the images after, on a worker: each image holds at least the
            // records below its offset (they were in the engine before the connector moved the offset past them)
            Map<TopicPartition, Long> offsets = new HashMap<>();
            states.forEach((tp, state) -> {
                if (!ProcessingState.isEmptyOrNull(state) && topicIds.containsKey(tp.topic())) {
                    offsets.put(tp, state.getOffset());
                }
            });
            if (offsets.isEmpty() || stopped) {
                return Uni.createFrom().voidItem();
            }
            return write(offsets);
        }

        /** Images of the partitions' runs (on a worker), upserted with the offsets. */
        Uni<Void> write(Map<TopicPartition, Long> offsets) {
            return Uni.createFrom().item(() -> rows(offsets))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .chain(rows -> rows.isEmpty() ? Uni.createFrom().voidItem()
                            // an upsert: no read of the rows it replaces
                            : onDatabaseContext(() -> sessions.withStatelessTransaction(
                                    session -> session.upsertMultiple(rows))))
                    .invoke(stored -> storedAll())
                    .onFailure().invoke(e -> {
                        failed(e);
                        LOG.warnf("storing the checkpoints of %s failed (the connector tries again at its next "
                                + "interval): %s", offsets.keySet(), e.toString());
                    });
        }

        private List<PartitionCheckpointEntity> rows(Map<TopicPartition, Long> offsets) {
            List<PartitionCheckpointEntity> rows = new ArrayList<>();
            Instant now = Instant.now();
            offsets.forEach((tp, offset) -> {
                AnalysisEngine.Image image = topicIds.containsKey(tp.topic()) ? engine.image(tp) : null;
                if (image == null) {
                    return;
                }
                PartitionCheckpointEntity row = new PartitionCheckpointEntity();
                row.id = PartitionCheckpointEntity.idOf(group, tp.topic(), tp.partition());
                row.consumerGroup = group;
                row.topic = tp.topic();
                row.partition = tp.partition();
                row.topicId = topicIds.get(tp.topic());
                row.nextOffset = offset;
                row.runs = image.runs();
                row.state = image.bytes();
                row.updatedAt = now;
                rows.add(row);
            });
            if (LOG.isDebugEnabled()) {
                LOG.debugf("storing checkpoints %s", rows.stream().map(r -> r.id + "@" + r.nextOffset + " ("
                        + r.state.length + " bytes)").toList());
            }
            return rows;
        }
    }

    private void storedAll() {
        failingSinceMs = 0;
        lastStoredAtMs = System.currentTimeMillis();
    }

    private void failed(Throwable e) {
        if (failingSinceMs == 0) {
            failingSinceMs = System.currentTimeMillis();
        }
        lastFailure = e.toString();
    }

    /** Since when storing checkpoints fails, in epoch milliseconds; 0 when the last attempt succeeded. */
    long failingSinceMs() {
        return failingSinceMs;
    }

    String lastFailure() {
        return lastFailure;
    }

    long lastStoredAtMs() {
        return lastStoredAtMs;
    }

    private Map<String, String> currentTopicIds(Set<String> topics) {
        if (!topicIds.keySet().containsAll(topics)) {
            try {
                topicIds.putAll(TopicAdmin.topicIds(bootstrapServers, topics));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the topics' ids", e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the ids of topics " + topics + ": " + e, e);
            }
        }
        return Map.copyOf(topicIds);
    }

    /** Hibernate Reactive needs a safe duplicated Vert.x context of its own (as Quarkus' own checkpoint stores do). */
    private <T> Uni<T> onDatabaseContext(Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().<T>deferred(work).runSubscriptionOn(task -> {
            io.vertx.core.Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> task.run());
        });
    }
}
