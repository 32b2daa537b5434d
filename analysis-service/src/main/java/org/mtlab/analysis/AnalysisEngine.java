package org.mtlab.analysis;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.commit.CheckpointMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.Topics;
import org.mtlab.kafka.ChannelConsumer;
import org.mtlab.kafka.FailureClassifier;
import org.mtlab.kafka.KafkaSettings;
import org.mtlab.kafka.RecordRejectedException;
import org.mtlab.kafka.TopicAdmin;

/**
 * Consumes gradient events and run events — one SmallRye Reactive Messaging channel, {@code analysis-events}, over
 * both topics, because both are keyed by run id and one consumer subscribed to both gets the same partition numbers
 * of each from the range assignor, so a run's gradients and run events meet in one instance — and keeps per-run
 * state in memory.
 *
 * <p>State follows partitions. The channel commits by checkpoints ({@link AnalysisCheckpoints}): every
 * {@code auto.commit.interval.ms}, at a rebalance and at shutdown, the connector stores, per topic-partition, the
 * offset to resume from with an {@link #image} of the runs that partition's records built. When partitions are
 * assigned, their runs are {@link #restore restored} from those checkpoints and only the records after them are read
 * (a partition without a checkpoint is read from the beginning); when they leave, the state of their runs is dropped,
 * and a record of a partition this instance no longer holds is ignored. A restarted instance, or one that takes over
 * a partition, therefore ends with exactly the statistics of an uninterrupted one, and each (run, step) counts once
 * because {@link org.mtlab.core.analysis.RunGradientStatistics} ignores steps it has seen (an image may hold a few
 * records beyond its offset: they come again and count once).
 *
 * <p>A record that cannot be analysed (undecodable, inconsistent with its run) is dead-lettered by the channel at
 * once: the analysis computes in memory only, so a failure would repeat on every retry.
 */
@ApplicationScoped
public class AnalysisEngine {
    private static final Logger LOG = Logger.getLogger(AnalysisEngine.class);
    static final String CHANNEL = "analysis-events";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @ConfigProperty(name = "mtlab.kafka.create-topics")
    boolean createTopics;
    @ConfigProperty(name = "mtlab.kafka.partitions")
    int partitions;
    @ConfigProperty(name = "mtlab.kafka.replication")
    short replication;
    /** How long a killed analyser's partitions wait before another analyser (or its restart) takes them over. */
    @ConfigProperty(name = "mtlab.kafka.session-timeout")
    java.time.Duration sessionTimeout;

    /** How often the runs' Pareto stationarity is computed off the consumer thread (see {@link #settle()}). */
    @ConfigProperty(name = "mtlab.analysis.settle-interval")
    java.time.Duration settleInterval;

    @Inject
    GradientMetrics metrics;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;
    @Inject
    KafkaClientService kafkaClients;
    /** From a gradient event's production (its record timestamp) to its statistics being updated, i.e. visible. */
    private io.micrometer.core.instrument.Timer eventDelay;
    /** Steps counted into the statistics (one thread writes; exported as a counter without a per-event meter call). */
    private final java.util.concurrent.atomic.LongAdder eventsAnalysed = new java.util.concurrent.atomic.LongAdder();
    private volatile long assignedAtMs;

    private final Map<UUID, RunState> runs = new ConcurrentHashMap<>();
    /** How many retired runs are remembered, so that a late event of one is dropped rather than resurrect it. */
    static final int RETIRED_REMEMBERED = 100_000;
    /** Runs retired from memory, oldest first ({@link #retireFinished}); guarded by {@code this}. */
    private final Set<UUID> retired = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > RETIRED_REMEMBERED;
        }
    });
    /** Per gradients partition, the latest record timestamp read; guarded by {@code this}. */
    private long[] gradientsReadUntilMs = new long[0];
    /** Events of runs already retired, dropped (a retrained run whose trainer lost its finished mark). */
    private final java.util.concurrent.atomic.LongAdder eventsOfRetiredRuns = new java.util.concurrent.atomic.LongAdder();
    /** Per held topic-partition, the offset after the last record in the state or the dead-letter topic. */
    private final Map<TopicPartition, Long> checkpointable = new ConcurrentHashMap<>();
    private final ChannelConsumer consumer = ChannelConsumer.withoutRetries("analysis", FailureClassifier.standard());
    /** The partitions (of both topics) this instance holds; guarded by {@code this} with the state that follows them. */
    private volatile Set<TopicPartition> assignment = Set.of();
    private java.util.concurrent.ScheduledExecutorService settler;
    /** The lag gauge's last reading and when it was taken (read by metric scrapes, one at a time in practice). */
    private volatile double lastLag = Double.NaN;
    private volatile long lagReadAtNanos = System.nanoTime() - 2_000_000_000L;

    void start(@Observes StartupEvent event) throws Exception {
        if (createTopics) {
            TopicAdmin.ensureTopics(bootstrapServers, Topics.ALL, partitions, replication);
        }
        eventDelay = io.micrometer.core.instrument.Timer.builder("mtlab.analysis.event.delay")
                .description("time from a gradient event's production to its statistics being visible")
                .publishPercentiles(0.5, 0.99).register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("mtlab.analysis.events.analysed", eventsAnalysed,
                        java.util.concurrent.atomic.LongAdder::doubleValue)
                .description("gradient events counted into the statistics (duplicates excluded)").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("mtlab.analysis.events.retired.runs", eventsOfRetiredRuns,
                        java.util.concurrent.atomic.LongAdder::doubleValue)
                .description("events of runs already retired from memory, dropped").register(registry);
        io.micrometer.core.instrument.Gauge.builder("mtlab.analysis.runs.in.memory", runs, Map::size)
                .description("runs whose state this instance holds (finished ones leave after the run retention)")
                .register(registry);
        settler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "analysis-stationarity");
            t.setDaemon(true);
            return t;
        });
        settler.scheduleWithFixedDelay(this::settle, settleInterval.toMillis(), settleInterval.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        io.micrometer.core.instrument.Gauge.builder("mtlab.analysis.stationarity.unsettled", runs,
                        r -> r.values().stream().mapToLong(RunState::unsettledSteps).sum())
                .baseUnit("steps").description("steps analysed whose Pareto stationarity is still to be computed "
                        + "(settled off the consumer thread every settle interval, or when read)")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("mtlab.analysis.consumer.lag", this, AnalysisEngine::lag)
                .baseUnit("records").description("gradient and run events on this instance's partitions not yet read")
                .register(registry);
    }

    void stop(@Observes ShutdownEvent event) {
        if (settler != null) {
            settler.shutdownNow();
        }
    }

    /**
     * The channel's consumer settings that come from durations in the configuration: a member that dies without
     * leaving keeps its partitions for the session timeout; heartbeats go at a third of it, as Kafka requires.
     */
    @Produces
    @Identifier("analysis-consumer")
    Map<String, Object> consumerSettings() {
        return KafkaSettings.sessionTimeout(sessionTimeout);
    }

    /**
     * A poll's gradient and run events, on the channel's event loop (the handler only computes in memory). The channel
     * delivers batches: one dispatch per poll rather than per record, which measured 0.58× the raw client's
     * throughput (BENCHMARKS.md). A record that fails is nacked alone, and the channel's dead-letter strategy writes it
     * to {@code mtlab.dlq}; once every refused record is written there, each topic-partition's checkpoint moves past
     * its latest record in the batch (the connector gives only those checkpoint metadata).
     */
    @Incoming(CHANNEL)
    public CompletionStage<Void> events(KafkaRecordBatch<String, byte[]> batch) {
        List<CompletableFuture<Void>> refused = null;
        for (KafkaRecord<String, byte[]> record : batch) {
            CompletionStage<Void> deadLetter = consumer.handleOrRefuse(record, this::handle);
            if (deadLetter != null) {
                refused = refused == null ? new ArrayList<>() : refused;
                refused.add(deadLetter.toCompletableFuture());
            }
        }
        if (refused == null) {
            return advanceCheckpoints(batch);
        }
        return CompletableFuture.allOf(refused.toArray(CompletableFuture[]::new))
                .thenCompose(written -> advanceCheckpoints(batch));
    }

    /**
     * Moves each topic-partition's checkpoint past the batch's latest record, once every record of the batch is in the
     * engine's state or in the dead-letter topic (the connector moves the checkpoint's offset when it is set, not when
     * the record is acknowledged), then acknowledges the batch.
     */
    private CompletionStage<Void> advanceCheckpoints(KafkaRecordBatch<String, byte[]> batch) {
        for (var entry : batch.getLatestOffsetRecords().entrySet()) {
            KafkaRecord<String, byte[]> latest = entry.getValue();
            checkpointable.merge(entry.getKey(), latest.getMetadata(
                            io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                    .map(m -> m.getOffset() + 1).orElse(0L), Math::max);
            CheckpointMetadata<AnalysisCheckpoints.InEngine> checkpoint = CheckpointMetadata.fromMessage(latest);
            if (checkpoint != null) {
                checkpoint.setNext(AnalysisCheckpoints.InEngine.STATE);
            }
        }
        return batch.ack();
    }

    synchronized void handle(ConsumerRecord<String, byte[]> record) {
        if (!assignment.contains(new TopicPartition(record.topic(), record.partition()))) {
            // read before its partition left this instance: the new owner replays it
            return;
        }
        if (record.topic().equals(Topics.GRADIENTS)) {
            var gradients = GradientEventCodec.decode(record.value());
            checkKey(record, gradients.runId());
            readUntil(record.partition(), record.timestamp());
            RunState state = stateUnlessRetired(gradients.runId(), record.partition());
            if (state == null) {
                return;
            }
            if (state.addGradients(gradients)) {
                eventsAnalysed.increment();
            }
            if (gradients.hasBaseline() && state.descriptor() != null) {
                metrics.trackBaseline(state);
            }
            if (record.timestamp() >= assignedAtMs) {
                // live events only: replayed history after an assignment is old by construction
                eventDelay.record(Math.max(0, System.currentTimeMillis() - record.timestamp()), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } else {
            RunEvent runEvent = RunEvent.decode(record.value());
            checkKey(record, runEvent.runId());
            RunState state = stateUnlessRetired(runEvent.runId(), record.partition());
            if (state == null) {
                return;
            }
            state.apply(runEvent);
            if (runEvent.type() == RunEvent.Type.STARTED) {
                metrics.track(state);
            }
        }
    }

    private void readUntil(int partition, long timestampMs) {
        if (partition >= gradientsReadUntilMs.length) {
            gradientsReadUntilMs = java.util.Arrays.copyOf(gradientsReadUntilMs, partition + 1);
        }
        gradientsReadUntilMs[partition] = Math.max(gradientsReadUntilMs[partition], timestampMs);
    }

    /**
     * Retires from memory, and so from the checkpoints, the finished runs unchanged for {@code retention} whose
     * summaries are persisted ({@link RunState#quietFor}) and whose gradient events were all read
     * ({@link RunState#outcomeReadBy}, or the gradients partition read to its end); the REST API then reads them from PostgreSQL as it reads
     * another instance's runs. Without it a long-lived analyser would keep every run it ever saw, and each partition's
     * checkpoint would grow with history. Called by {@link SummaryWriter} right after a flush succeeded. A later event
     * of a retired run is dropped and counted ({@code mtlab.analysis.events.retired.runs}).
     *
     * @return the runs retired
     */
    List<UUID> retireFinished(java.time.Duration retention) {
        long now = System.currentTimeMillis();
        // the consumer is asked (on its polling thread, outside this lock) only when a run waits on it
        Set<Integer> caughtUp = anyQuietRunAwaitingGradients(now, retention) ? gradientsPartitionsCaughtUp() : Set.of();
        List<UUID> gone = new ArrayList<>();
        synchronized (this) {
            for (var it = runs.values().iterator(); it.hasNext(); ) {
                RunState state = it.next();
                if (heldWhole(state.partition) && state.quietFor(now, retention) && (caughtUp.contains(state.partition)
                        || state.outcomeReadBy(gradientsReadUntil(state.partition)))) {
                    it.remove();
                    retired.add(state.runId);
                    gone.add(state.runId);
                }
            }
        }
        gone.forEach(metrics::forget);
        if (!gone.isEmpty()) {
            LOG.infof("retired %d finished run(s) from memory (summaries persisted)", gone.size());
        }
        return gone;
    }

    private synchronized boolean anyQuietRunAwaitingGradients(long now, java.time.Duration retention) {
        for (RunState state : runs.values()) {
            if (heldWhole(state.partition) && state.quietFor(now, retention)
                    && !state.outcomeReadBy(gradientsReadUntil(state.partition))) {
                return true;
            }
        }
        return false;
    }

    /** Whether this instance holds partition {@code p} of both topics (a run's state comes from both). */
    private boolean heldWhole(int p) {
        return assignment.contains(new TopicPartition(Topics.GRADIENTS, p))
                && assignment.contains(new TopicPartition(Topics.RUN_EVENTS, p));
    }

    private long gradientsReadUntil(int p) {
        return p < gradientsReadUntilMs.length ? gradientsReadUntilMs[p] : 0;
    }

    /** The gradients partitions this instance has read to their end (empty when that cannot be told now). */
    private Set<Integer> gradientsPartitionsCaughtUp() {
        try {
            Set<Integer> done = new HashSet<>();
            currentLags().forEach((partition, lag) -> {
                if (partition.topic().equals(Topics.GRADIENTS) && lag.isPresent() && lag.getAsLong() == 0) {
                    done.add(partition.partition());
                }
            });
            return done;
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    /** Per assigned partition, the consumer's cached lag (empty until a fetch told it), read on its polling thread. */
    private Map<TopicPartition, java.util.OptionalLong> currentLags() {
        return kafkaClients.<String, byte[]>getConsumer(CHANNEL).runOnPollingThread(c -> {
            Map<TopicPartition, java.util.OptionalLong> lags = new java.util.HashMap<>();
            for (TopicPartition partition : c.assignment()) {
                lags.put(partition, c.currentLag(partition));
            }
            return lags;
        }).await().atMost(java.time.Duration.ofSeconds(2));
    }

    /**
     * Computes the Pareto stationarity (a small QP per step, the costliest figure of a step) of the steps added since
     * the last pass, here rather than on the consumer thread; a read of the statistics settles whatever is left.
     */
    void settle() {
        try {
            for (RunState state : runs.values()) {
                state.settle();
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "computing Pareto stationarity failed; the next read computes it");
        }
    }

    private static void checkKey(ConsumerRecord<String, byte[]> record, UUID runId) {
        if (!runId.toString().equals(record.key())) {
            throw new RecordRejectedException("record keyed '" + record.key() + "' carries run " + runId
                    + ": records must be keyed by their run id");
        }
    }

    /** The run's state; null, counted, when the run was retired (the set is looked up only for a run not in memory). */
    private RunState stateUnlessRetired(UUID runId, int partition) {
        RunState state = runs.get(runId);
        if (state == null && retired.contains(runId)) {
            eventsOfRetiredRuns.increment();
            return null;
        }
        return state != null ? state : stateOf(runId, partition);
    }

    private RunState stateOf(UUID runId, int partition) {
        return runs.computeIfAbsent(runId, id -> new RunState(id, partition));
    }

    /**
     * Partitions arrived (on the connector's polling thread, after {@link AnalysisCheckpoints} restored their runs and
     * the connector sought to their checkpoints' offsets, or to the beginning where a partition has none).
     */
    synchronized void assigned(Collection<TopicPartition> assigned) {
        LOG.infof("assigned %s", assigned);
        assignedAtMs = System.currentTimeMillis();
        Set<TopicPartition> now = new HashSet<>(assignment);
        now.addAll(assigned);
        assignment = Set.copyOf(now);
    }

    /** What a checkpoint stores of a topic-partition: {@link PartitionImage} of its runs, and how many. */
    record Image(int runs, byte[] bytes) {
    }

    /**
     * The state the records of one topic-partition built, per run: the gradient statistics for the gradients topic,
     * the facts of the run events for the run-events topic; null when this instance does not hold the partition (its
     * state is gone, and an empty image would overwrite the partition's checkpoint). Called off the consumer's thread:
     * the engine's lock is held only to list the partition's runs, and each run is copied under its own lock, so the
     * consumer goes on with the other runs meanwhile. Every run holds at least what it held when this was called.
     */
    Image image(TopicPartition partition) {
        List<RunState> held = new ArrayList<>();
        synchronized (this) {
            if (!assignment.contains(partition)) {
                return null;
            }
            for (RunState state : runs.values()) {
                if (state.partition == partition.partition()) {
                    held.add(state);
                }
            }
        }
        boolean gradients = partition.topic().equals(Topics.GRADIENTS);
        Map<UUID, byte[]> images = new LinkedHashMap<>();
        for (RunState state : held) {
            byte[] bytes = gradients ? state.gradientState() : state.eventFactsJson();
            if (bytes != null) {
                images.put(state.runId, bytes);
            }
        }
        return new Image(images.size(), PartitionImage.encode(images));
    }

    /**
     * Restores the runs of a topic-partition's checkpoint ({@link #image}), before the partition is assigned: all of
     * them, or (when some part cannot be read) none.
     *
     * @return the number of runs restored
     * @throws IllegalArgumentException when the image, or a run in it, cannot be read (nothing is restored then)
     */
    synchronized int restore(TopicPartition partition, byte[] image) {
        boolean gradients = partition.topic().equals(Topics.GRADIENTS);
        Map<UUID, byte[]> images = PartitionImage.decode(image);
        Map<UUID, Object> decoded = new LinkedHashMap<>();
        images.forEach((runId, bytes) -> {
            try {
                decoded.put(runId, gradients ? RunGradientStatistics.fromBytes(bytes)
                        : Json.read(bytes, RunState.EventFacts.class));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("run " + runId + " of the checkpoint of " + partition
                        + " cannot be read: " + e.getMessage(), e);
            }
        });
        decoded.forEach((runId, part) -> {
            RunState state = stateOf(runId, partition.partition());
            if (part instanceof RunGradientStatistics statistics) {
                state.restore(statistics);
            } else {
                state.restore((RunState.EventFacts) part);
            }
            if (state.descriptor() != null) {
                metrics.track(state);
                if (state.hasBaseline()) {
                    metrics.trackBaseline(state);
                }
            }
        });
        return decoded.size();
    }

    /**
     * Per held topic-partition, the offset after the last record that is in the state or in the dead-letter topic: a
     * checkpoint at that offset loses nothing (for the store's last checkpoints at shutdown).
     */
    Map<TopicPartition, Long> checkpointableOffsets() {
        Map<TopicPartition, Long> out = new java.util.HashMap<>(checkpointable);
        out.keySet().retainAll(assignment);
        return out;
    }

    /** Partitions left (revoked or lost): the state of their runs goes with them. */
    synchronized void revoked(Collection<TopicPartition> revoked) {
        checkpointable.keySet().removeAll(revoked);
        Set<TopicPartition> now = new HashSet<>(assignment);
        now.removeAll(revoked);
        assignment = Set.copyOf(now);
        Set<Integer> gone = revoked.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        runs.values().removeIf(state -> {
            if (gone.contains(state.partition)) {
                metrics.forget(state.runId);
                return true;
            }
            return false;
        });
        LOG.infof("revoked %s", revoked);
    }

    /**
     * Records on the assigned partitions not yet read (the consumer's cached log-end offsets, read on its polling
     * thread, at most once a second however often it is scraped; NaN while the channel has no consumer).
     */
    private double lag() {
        long now = System.nanoTime();
        if (now - lagReadAtNanos < 1_000_000_000L) {
            return lastLag;
        }
        try {
            lastLag = currentLags().values().stream().mapToLong(lag -> lag.orElse(0)).sum();
        } catch (RuntimeException e) {
            lastLag = Double.NaN;
        }
        lagReadAtNanos = now;
        return lastLag;
    }

    RunState run(UUID runId) {
        return runs.get(runId);
    }

    Collection<RunState> runs() {
        return runs.values();
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }
}
