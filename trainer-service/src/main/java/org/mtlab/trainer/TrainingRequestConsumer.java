package org.mtlab.trainer;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.ContractException;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.kafka.ChannelConsumer;
import org.mtlab.kafka.FailureClassifier;
import org.mtlab.kafka.RetryPolicy;
import org.mtlab.trainer.engine.MultiTaskTrainer;
import org.mtlab.trainer.engine.TrainingOutcome;

/**
 * The trainers' consumption of {@code mtlab.training-requests}: the {@code training-requests} channel of SmallRye
 * Reactive Messaging's Kafka connector (application.properties), one run at a time per consumer. The channel has
 * {@code concurrency} = {@code mtlab.trainer.workers} copies, each one member of the {@code mtlab-trainers} group with
 * a consumer of its own, so a pod trains that many runs at once; each copy hands this method its next request only
 * once the run before has its outcome.
 *
 * <p>A run lasts far longer than {@code max.poll.interval.ms}; the connector keeps polling while it trains (it pauses
 * the partitions once its one-record queue is full), so the member stays in the group — measured by
 * {@code ConnectorHoldTest} and {@code ConnectorHoldWithoutAgeCheckTest}: a record held three times the poll interval
 * causes no revocation. The throttled commit strategy's unprocessed-record check would report such a channel dead
 * after its age limit; this channel commits with {@code commit-strategy=ignore} and this class's own commits instead,
 * so there is no such check.
 *
 * <p>Commit only after the outcome: the request's offset is committed once the run's outcome (COMPLETED, FAILED or
 * CANCELLED) has been acknowledged by Kafka, through the connector's consumer (a synchronous commit on its polling
 * thread, which the next request does not wait for). The connector's own strategies commit later and without telling when (latest, throttled), and the
 * "finished" mark below may go only once the commit is done. A trainer that dies mid-run never commits, so its
 * request is redelivered to another member.
 *
 * <p>Resume: the trainer checkpoints the run as it goes (and when it stops), so a redelivered request for the same run
 * continues from its last checkpoint instead of starting over (when the checkpoint directory is one this pod sees). The
 * resumed run keeps the request's {@code attempt} number and emits again every event after its checkpoint (STARTED
 * too); readers count each {@code (run, step)} once. The checkpoint is replaced by a "finished" mark once the outcome
 * is acknowledged by Kafka, and the mark is removed once the request's offset is committed: a trainer killed between
 * the two leaves the mark, and the redelivered request is committed without training the run again — each run has one
 * outcome. A stopped run keeps its checkpoint. A partition that moves while its run trains: {@link RunsInTraining}.
 *
 * <p>Failures by kind ({@link FailureClassifier}): a request that cannot be decoded is nacked at once, and the
 * channel's dead-letter strategy writes it to {@code mtlab.dlq} with the reason; a run whose training or outcome
 * publication fails otherwise (an exception the trainer does not report as the run's failure, Kafka unreachable) is
 * tried again from its checkpoint after an exponential backoff, within the {@link RetryPolicy}; after the budget, or
 * at once for a permanent failure, the run is reported FAILED with the reason and the request dead-lettered — no
 * request is retried for ever, none holds its partition longer than the budget.
 */
@ApplicationScoped
public class TrainingRequestConsumer {
    private static final Logger LOG = Logger.getLogger(TrainingRequestConsumer.class);
    static final String CHANNEL = "training-requests";

    @Inject
    TrainerService service;
    @Inject
    TrainerChannels channels;
    @Inject
    CancelledRuns cancelledRuns;
    @Inject
    RunsInTraining runs;
    @Inject
    KafkaClientService clients;

    private final FailureClassifier classifier = FailureClassifier.standard();
    private final ChannelConsumer deadLetters = ChannelConsumer.withoutRetries(
            "trainer-" + ProcessHandle.current().pid(), classifier);
    private final RetryPolicy retryPolicy = RetryPolicy.from(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
    private final RunRetries retries = new RunRetries(retryPolicy, classifier);
    /** Runs train on threads of their own, not on Vert.x workers: a step must never count as a blocked event loop. */
    private final ExecutorService training = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread thread = new Thread(r, "training-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });
    private final AtomicLong runsFinished = new AtomicLong();
    private volatile boolean stopping;

    @Incoming(CHANNEL)
    public CompletionStage<Void> request(Message<byte[]> message) {
        if (stopping) {
            return CompletableFuture.completedFuture(null); // neither acked nor committed: the next holder trains it
        }
        try {
            return trainingOf(message);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return CompletableFuture.completedFuture(null); // the trainer is closing: as above, never dead-lettered
        }
    }

    private CompletableFuture<Void> trainingOf(Message<byte[]> message) {
        return CompletableFuture.runAsync(() -> {
            try {
                handle(message);
            } catch (RuntimeException e) {
                // a bug, not a failure of the run: the request goes to the dead-letter topic rather than being skipped
                LOG.errorf(e, "training request not handled");
                deadLetter(message, "not handled by the trainer: " + e, e);
            }
        }, training);
    }

    @SuppressWarnings("unchecked")
    private void handle(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<String, byte[]> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("the " + CHANNEL + " channel delivers Kafka records"));
        ConsumerRecord<String, byte[]> record = metadata.getRecord();
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        KafkaConsumer<String, byte[]> consumer = consumerOf(metadata);
        TrainingRequest request;
        try {
            request = TrainingRequest.decode(record.value());
        } catch (ContractException e) {
            if (deadLetter(message, e.getMessage(), e)) {
                commit(consumer, partition, record.offset(), null);
            }
            return;
        }
        MultiTaskTrainer trainer = service.trainer();
        if (service.finished(request)) {
            // a trainer died after publishing this run's outcome but before committing: the run is done
            LOG.infof("run %s already has its outcome; committing its redelivered request", request.runId());
            commit(consumer, partition, record.offset(), request);
            return;
        }
        RunsInTraining.RunInTraining run = runs.begin(consumer.unwrap(), partition, record.offset(), request);
        if (run == null) {
            LOG.infof("request of run %s arrived after its partition %s was revoked; its new holder trains it",
                    request.runId(), partition);
            return;
        }
        boolean published = false;
        try {
            published = trainToOutcome(message, run, trainer);
        } finally {
            boolean commitHere = run.trainingEnded(published);
            runs.end(run);
            if (published) {
                runsFinished.incrementAndGet();
                if (commitHere) {
                    message.ack();
                    commit(consumer, partition, record.offset(), request);
                }
            }
        }
    }

    /**
     * Trains the run and publishes its outcome, trying again from its checkpoint after a transient failure; true when
     * an outcome was published (a given-up run's FAILED, its request dead-lettered, included), false when the run
     * stopped for its partition's new holder or for the trainer's shutdown.
     */
    private boolean trainToOutcome(Message<byte[]> message, RunsInTraining.RunInTraining run, MultiTaskTrainer trainer) {
        return retries.untilOutcome(run.request.runId().toString(), () -> train(run.request, run, trainer),
                delay -> waitOrStop(run, delay), (reason, cause) -> giveUp(message, run, reason, cause));
    }

    /** Reports the run FAILED with the reason and dead-letters its request; tries again while Kafka refuses. */
    private boolean giveUp(Message<byte[]> message, RunsInTraining.RunInTraining run, String reason, Exception cause) {
        TrainingRequest request = run.request;
        while (true) {
            try {
                new RunEventPublisher(channels, request).finish(RunEvent.failed(request, reason));
                service.markFinished(request);
            } catch (Exception e) {
                LOG.warnf("cannot report run %s as failed yet, will retry: %s", request.runId(), e.toString());
                if (waitOrStop(run, retryPolicy.maxDelay())) {
                    return false;
                }
                continue;
            }
            if (deadLetter(message, reason, cause)) {
                return true;
            }
            if (waitOrStop(run, retryPolicy.maxDelay())) {
                return true; // FAILED is out: the run has its outcome, the dead letter is what is missing
            }
        }
    }

    /** Waits {@code delay}, or less when the run must stop; true when it must. */
    private boolean waitOrStop(RunsInTraining.RunInTraining run, Duration delay) {
        try {
            return run.awaitHandOver(delay) || stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Nacks the message with the reason: the channel's dead-letter strategy writes it; true once written. */
    private boolean deadLetter(Message<byte[]> message, String reason, Throwable cause) {
        try {
            deadLetters.deadLetter(message, reason, cause).toCompletableFuture().get(2, TimeUnit.MINUTES);
            return true;
        } catch (Exception e) {
            LOG.warnf("cannot dead-letter the training request (%s); it stays uncommitted", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /** Trains the run and publishes its outcome; throws when the outcome could not be published. */
    private void train(TrainingRequest request, RunsInTraining.RunInTraining run, MultiTaskTrainer trainer) throws Exception {
        RunEventPublisher events = new RunEventPublisher(channels, request);
        events.finish(outcome(request, run, trainer, events));
        service.markFinished(request);
    }

    /** The run's outcome: CANCELLED (before it started or after a step), COMPLETED or FAILED. */
    private RunEvent outcome(TrainingRequest request, RunsInTraining.RunInTraining run, MultiTaskTrainer trainer,
                             RunEventPublisher events) throws RunRetries.Stopped {
        Optional<String> cancelled = cancelledRuns.reason(request.runId());
        if (cancelled.isPresent()) {
            LOG.infof("run %s was cancelled before it started (%s)", request.runId(), cancelled.get());
            return RunEvent.cancelled(request, 0, cancelled.get());
        }
        try {
            LOG.infof("training run %s (%s %s %s seed %d)", request.runId(), request.kind(), request.optimizer().name(),
                    request.method(), request.seed());
            TrainingOutcome result = trainer.train(request, events,
                    () -> stopping || run.handedOver() || cancelledRuns.isCancelled(request.runId()));
            if (result.cancelled() && cancelledRuns.isCancelled(request.runId())) {
                String reason = cancelledRuns.reason(request.runId()).orElse("cancelled");
                LOG.infof("run %s cancelled after step %d (%s)", request.runId(), result.steps(), reason);
                return RunEvent.cancelled(request, result.steps(), reason);
            }
            if (result.cancelled()) {
                throw new RunRetries.Stopped();
            }
            LOG.infof("run %s completed in %d ms (%d steps%s)", request.runId(), result.wallTimeMs(), result.steps(),
                    result.resumedFromStep() > 0 ? ", resumed after step " + result.resumedFromStep() : "");
            return RunEvent.completed(request, result.steps(), result.epochs(), testMetrics(result), result.cost());
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warnf("run %s failed: %s", request.runId(), e.getMessage());
            return RunEvent.failed(request, e.getMessage());
        }
    }

    /** Final metrics, test split first so that readers find each task's primary test metric in order. */
    private static List<RunEvent.Metric> testMetrics(TrainingOutcome result) {
        return result.finalMetrics().stream()
                .sorted((a, b) -> Boolean.compare(!"test".equals(a.split()), !"test".equals(b.split())))
                .toList();
    }

    /**
     * Commits the offset after the request's on the consumer's polling thread (synchronously there: at its next poll,
     * within the channel's poll timeout), then clears the run's finished mark. The next request does not wait for it.
     * A commit refused (a rebalance in progress) leaves the mark, and whoever receives the request again commits it
     * without training.
     */
    private void commit(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long offset, TrainingRequest request) {
        consumer.commit(Map.of(partition, new OffsetAndMetadata(offset + 1))).subscribe().with(done -> {
            if (request != null) {
                service.clearFinished(request);
            }
        }, e -> LOG.infof("commit of %s@%d deferred (%s)", partition, offset, e.toString()));
    }

    /** The connector's consumer that polled this record: one per copy of the channel. */
    private KafkaConsumer<String, byte[]> consumerOf(IncomingKafkaRecordMetadata<String, byte[]> metadata) {
        List<KafkaConsumer<String, byte[]>> consumers = clients.getConsumers(metadata.getChannel());
        if (consumers.isEmpty()) {
            throw new IllegalStateException("no Kafka consumer for channel " + metadata.getChannel());
        }
        int index = metadata.getConsumerIndex();
        return consumers.get(index >= 0 && index < consumers.size() ? index : 0);
    }

    long runsFinished() {
        return runsFinished.get();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        training.shutdown();
        try {
            training.awaitTermination(RunsInTraining.HAND_OVER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
