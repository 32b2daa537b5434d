package org.mtlab.trainer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.ContractException;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.kafka.DeadLetterPublisher;
import org.mtlab.kafka.FailureClassifier;
import org.mtlab.kafka.RetryPolicy;
import org.mtlab.kafka.KafkaSettings;
import org.mtlab.trainer.engine.Checkpoints;
import org.mtlab.trainer.engine.MultiTaskTrainer;
import org.mtlab.trainer.engine.TrainingOutcome;

/**
 * One member of the trainers' consumer group, training one run at a time.
 *
 * <p>A run lasts far longer than {@code max.poll.interval.ms}, so consumption is decoupled from training: when a
 * request arrives, the worker pauses its partitions, hands the run to its training thread and keeps polling (which
 * returns nothing while paused, but keeps the member alive in the group). When the run's outcome (COMPLETED or
 * FAILED) has been acknowledged by Kafka, the request's offset is committed and the partitions resume. A worker that
 * dies mid-run never commits, so its request is redelivered to another member.
 *
 * <p>Resume: the trainer checkpoints the run as it goes (and when the worker stops), so a redelivered request for the
 * same run continues from its last checkpoint instead of starting over (when the checkpoint directory is one this
 * pod sees). The resumed run keeps the request's {@code attempt} number — the request is the same record, redelivered
 * — and emits again every event after its checkpoint (STARTED too); readers count each {@code (run, step)} once. The
 * checkpoint is replaced by a "finished" mark once the outcome (COMPLETED or FAILED) is acknowledged by Kafka, and the
 * mark is removed once the request's offset is committed: a trainer killed between the two leaves the mark, and the
 * redelivered request is committed without training the run again — each run has one outcome. A stopped run keeps
 * its checkpoint.
 *
 * <p>Failures by kind ({@link FailureClassifier}): a request that cannot be decoded is dead-lettered at once; a run
 * whose training or outcome publication fails otherwise (an exception the trainer does not report as the run's
 * failure, Kafka unreachable) is tried again from its checkpoint after an exponential backoff, within the
 * {@link RetryPolicy}; after the budget, or at once for a permanent failure, the run is reported FAILED with the
 * reason and the request dead-lettered — no request is retried for ever, none holds its partition longer than the
 * budget.
 *
 * <p>Why the raw client, not a SmallRye channel like the trainer's event publishing ({@link TrainerChannels}), measured
 * by {@code ConnectorHoldTest} and {@code ConnectorHoldWithoutAgeCheckTest}: a record held three times
 * {@code max.poll.interval.ms} on a channel set up as this flow would need (one record per poll,
 * {@code max-queue-size-factor=1}, the throttled commit strategy, which commits only what is acknowledged). With the
 * strategy's unprocessed-record check on (60 s by default, 2 s in the test, checked every second) the connector reports
 * the channel dead 3.0 s after the record arrived, closes its consumer and hands nothing more to the method: a pod
 * would be restarted in the middle of every run longer than the limit. With the check off ({@code throttled.unprocessed-record-max-age.ms=0},
 * which also drops its detection of a record that is really stuck) the record is held with no revocation and no
 * report, the partition is paused, and the three records behind it are handed over after it; the channel had fetched
 * one record beyond the held one. So the connector can carry this flow with that check off. What this class does that a
 * channel would still need written around it: several members per pod with one run each, stopping the run inside the
 * revocation callback before its partition moves, retries from the checkpoint with backoff, and the finished-run mark.
 * Moving the flow onto the connector is open work (issue 17 part 1).
 */
final class TrainingWorker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TrainingWorker.class);

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    private final TrainerChannels channels;
    private final DeadLetterPublisher deadLetters;
    private final MultiTaskTrainer trainer;
    private final CancelledRuns cancelledRuns;
    private final RetryPolicy retryPolicy;
    private final FailureClassifier classifier = FailureClassifier.standard();
    /** Per partition, the request being retried there (poll thread only). */
    private final Map<TopicPartition, Retry> retries = new java.util.HashMap<>();
    /** The paused partitions resume from then on (poll thread only). */
    private long retryAtNanos = System.nanoTime();

    /** A request that failed: its offset, its failures so far and when the first happened. */
    private static final class Retry {
        final long offset;
        final long firstNanos;
        int failures;

        Retry(long offset, long firstNanos) {
            this.offset = offset;
            this.firstNanos = firstNanos;
        }
    }
    private final ExecutorService training;
    private final Thread pollThread;
    private static final Duration HAND_OVER_TIMEOUT = Duration.ofSeconds(30);

    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Set to stop the run in training at its next step, e.g. when its partition moves to another member. */
    private final AtomicBoolean stopCurrent = new AtomicBoolean(false);
    private final AtomicLong runsFinished = new AtomicLong();
    private final AtomicLong assignments = new AtomicLong();
    private volatile ConsumerRecord<String, byte[]> current;
    private TrainingRequest currentRequest;
    private Future<?> job;

    TrainingWorker(String name, String bootstrapServers, Duration maxPollInterval, Duration sessionTimeout,
                   Producer<String, byte[]> producer, TrainerChannels channels, MultiTaskTrainer trainer,
                   CancelledRuns cancelledRuns, RetryPolicy retryPolicy) {
        this.name = name;
        this.retryPolicy = retryPolicy;
        this.cancelledRuns = cancelledRuns;
        Properties props = KafkaSettings.withSessionTimeout(
                KafkaSettings.consumer(bootstrapServers, "mtlab-trainers", name), sessionTimeout);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        // incremental rebalances: a member joining or leaving moves only the partitions it must, so runs in training
        // elsewhere are not stopped
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval.toMillis());
        this.consumer = new KafkaConsumer<>(props);
        this.channels = channels;
        this.deadLetters = new DeadLetterPublisher(producer, name);
        this.trainer = trainer;
        this.training = Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-training"));
        this.pollThread = new Thread(this::pollLoop, name + "-poll");
        this.pollThread.setDaemon(true);
    }

    TrainingWorker start() {
        pollThread.start();
        return this;
    }

    boolean isAlive() {
        return pollThread.isAlive();
    }

    boolean busy() {
        return current != null;
    }

    long runsFinished() {
        return runsFinished.get();
    }

    /** How often the group handed this worker its partitions: more than once means a rebalance. */
    long assignments() {
        return assignments.get();
    }

    private void pollLoop() {
        try {
            consumer.subscribe(List.of(Topics.TRAINING_REQUESTS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (current != null && partitions.contains(partitionOf(current))) {
                        handOver();
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignments.incrementAndGet();
                    if (current != null) {
                        consumer.pause(partitions); // still training: take no new run
                    }
                }
            });
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    accept(record);
                }
                if (job != null && job.isDone()) {
                    finishJob();
                }
                if (current == null && !consumer.paused().isEmpty() && System.nanoTime() - retryAtNanos >= 0) {
                    consumer.resume(consumer.paused()); // e.g. after a hand-over, partitions still held stay paused
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.errorf(e, "%s stopped", name);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s stopped", name);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        if (current != null) {
            // cannot happen while paused, but a rebalance may hand over a record: leave it for later
            consumer.seek(partitionOf(record), record.offset());
            return;
        }
        TrainingRequest request;
        try {
            request = TrainingRequest.decode(record.value());
        } catch (ContractException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        Checkpoints checkpoints = trainer.checkpoints();
        if (checkpoints != null && checkpoints.finished(request.runId(), request.attempt())) {
            // a trainer died after publishing this run's outcome but before committing: the run is done
            LOG.infof("%s: run %s already has its outcome; committing its redelivered request", name, request.runId());
            try {
                consumer.commitSync(Map.of(partitionOf(record), new OffsetAndMetadata(record.offset() + 1)));
                checkpoints.clearFinished(request.runId(), request.attempt());
            } catch (RuntimeException e) {
                LOG.warnf("%s: cannot commit finished run %s yet, will retry: %s", name, request.runId(), e.toString());
                consumer.seek(partitionOf(record), record.offset());
            }
            return;
        }
        current = record;
        currentRequest = request;
        consumer.pause(consumer.assignment());
        job = training.submit(() -> train(request));
    }

    private void finishJob() {
        ConsumerRecord<String, byte[]> record = current;
        boolean outcomePublished;
        Throwable failure = null;
        try {
            job.get();
            outcomePublished = true;
        } catch (Exception e) {
            outcomePublished = false;
            failure = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.warnf("%s: outcome of %s not published (%s); the request stays uncommitted", name, record.key(), e.toString());
        }
        TrainingRequest request = currentRequest;
        if (!outcomePublished && running.get() && !stopCurrent.get() && giveUp(record, request, failure)) {
            outcomePublished = true;
        }
        job = null;
        current = null;
        currentRequest = null;
        if (outcomePublished) {
            runsFinished.incrementAndGet(); // trained to an outcome, whether or not the commit below succeeds
        }
        if (outcomePublished && consumer.assignment().contains(partitionOf(record))) {
            try {
                consumer.commitSync(Map.of(partitionOf(record), new OffsetAndMetadata(record.offset() + 1)));
                if (trainer.checkpoints() != null) {
                    trainer.checkpoints().clearFinished(request.runId(), request.attempt());
                }
            } catch (RebalanceInProgressException | CommitFailedException e) {
                // the finished mark stays: whoever receives the request again commits it without training
                LOG.infof("%s: commit of finished run %s deferred (%s)", name, request.runId(), e.getClass().getSimpleName());
                if (consumer.assignment().contains(partitionOf(record))) {
                    consumer.seek(partitionOf(record), record.offset());
                }
            }
        } else if (consumer.assignment().contains(partitionOf(record))) {
            consumer.seek(partitionOf(record), record.offset());
        }
        if (System.nanoTime() - retryAtNanos >= 0) {
            consumer.resume(consumer.paused()); // otherwise the poll loop resumes them once the backoff is over
        }
    }

    /**
     * The partition of the run in training moves to another member (a rebalance): stop the run at its next step — it
     * checkpoints as it stops — before the partition is handed over, so that the new owner resumes it from that
     * checkpoint and the run is never trained by two members at once. Runs inside the rebalance callback, which Kafka
     * lets finish before the partition is assigned elsewhere. A run that finished meanwhile is committed here.
     */
    private void handOver() {
        ConsumerRecord<String, byte[]> record = current;
        TrainingRequest request = currentRequest;
        stopCurrent.set(true);
        boolean outcomePublished = false;
        try {
            job.get(HAND_OVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            outcomePublished = true;
        } catch (ExecutionException stopped) {
            // the run stopped at a step boundary, checkpointed; the new owner resumes it
        } catch (TimeoutException e) {
            LOG.warnf("%s: run %s did not stop within %s of its partition's revocation", name, request.runId(), HAND_OVER_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (outcomePublished) {
            runsFinished.incrementAndGet();
            try {
                consumer.commitSync(Map.of(partitionOf(record), new OffsetAndMetadata(record.offset() + 1)));
                if (trainer.checkpoints() != null) {
                    trainer.checkpoints().clearFinished(request.runId(), request.attempt());
                }
            } catch (RebalanceInProgressException | CommitFailedException e) {
                LOG.infof("%s: commit of finished run %s left to its next owner (%s)", name, request.runId(),
                        e.getClass().getSimpleName());
            }
        }
        LOG.infof("%s: partition of run %s revoked; %s", name, request.runId(),
                outcomePublished ? "its outcome was already published" : "stopped at a checkpoint for its new owner");
        job = null;
        current = null;
        currentRequest = null;
        stopCurrent.set(false);
    }

    /** Trains and publishes the outcome; throws only if the outcome could not be published. */
    private Void train(TrainingRequest request) throws Exception {
        RunEventPublisher events = new RunEventPublisher(channels, request);
        RunEvent outcome;
        Optional<String> cancelled = cancelledRuns.reason(request.runId());
        if (cancelled.isPresent()) {
            LOG.infof("%s: run %s was cancelled before it started (%s)", name, request.runId(), cancelled.get());
            events.finish(RunEvent.cancelled(request, 0, cancelled.get()));
            markFinished(request);
            return null;
        }
        try {
            LOG.infof("%s: training run %s (%s %s %s seed %d)", name, request.runId(), request.kind(),
                    request.optimizer().name(), request.method(), request.seed());
            TrainingOutcome result = trainer.train(request, events,
                    () -> !running.get() || stopCurrent.get() || cancelledRuns.isCancelled(request.runId()));
            if (result.cancelled() && cancelledRuns.isCancelled(request.runId())) {
                String reason = cancelledRuns.reason(request.runId()).orElse("cancelled");
                LOG.infof("%s: run %s cancelled after step %d (%s)", name, request.runId(), result.steps(), reason);
                events.finish(RunEvent.cancelled(request, result.steps(), reason));
                markFinished(request);
                return null;
            }
            if (result.cancelled()) {
                throw new InterruptedException("stopped: worker stopping or partition handed over");
            }
            outcome = RunEvent.completed(request, result.steps(), result.epochs(), testMetrics(result), result.cost());
            LOG.infof("%s: run %s completed in %d ms (%d steps%s)", name, request.runId(), result.wallTimeMs(),
                    result.steps(), result.resumedFromStep() > 0 ? ", resumed after step " + result.resumedFromStep() : "");
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warnf("%s: run %s failed: %s", name, request.runId(), e.getMessage());
            outcome = RunEvent.failed(request, e.getMessage());
        }
        events.finish(outcome);
        markFinished(request);
        return null;
    }

    /** After the outcome is acknowledged: the checkpoint gives way to a "finished" mark (see the class comment). */
    private void markFinished(TrainingRequest request) {
        Checkpoints checkpoints = trainer.checkpoints();
        if (checkpoints != null) {
            try {
                checkpoints.markFinished(request.runId(), request.attempt());
            } catch (RuntimeException e) {
                LOG.warnf("%s: run %s not marked finished: %s", name, request.runId(), e.toString());
            }
        }
    }

    /** Final metrics, test split first so that readers find each task's primary test metric in order. */
    private static List<RunEvent.Metric> testMetrics(TrainingOutcome result) {
        return result.finalMetrics().stream()
                .sorted((a, b) -> Boolean.compare(!"test".equals(a.split()), !"test".equals(b.split())))
                .toList();
    }

    /**
     * After a failed try of {@code record}: true when it is given up — reported FAILED with the reason and
     * dead-lettered — so that its offset may be committed; false when it is to be tried again (after the backoff,
     * the partitions staying paused until then).
     */
    private boolean giveUp(ConsumerRecord<String, byte[]> record, TrainingRequest request, Throwable error) {
        if (error instanceof InterruptedException) {
            return false; // stopped, not failed: the worker is closing or the run was handed over
        }
        TopicPartition partition = partitionOf(record);
        long now = System.nanoTime();
        Retry retry = retries.get(partition);
        if (retry == null || retry.offset != record.offset()) {
            retry = new Retry(record.offset(), now);
            retries.put(partition, retry);
        }
        int failures = ++retry.failures;
        FailureClassifier.Failure failure = classifier.classify(error);
        Duration failingFor = Duration.ofNanos(now - retry.firstNanos);
        if (!failure.permanent() && !retryPolicy.exhausted(failures, failingFor)) {
            Duration delay = retryPolicy.delayAfter(failures);
            retryAtNanos = now + delay.toNanos();
            LOG.warnf("%s: run %s failed transiently (try %d), again in %d ms: %s", name, request.runId(),
                    failures, delay.toMillis(), failure.reason());
            return false;
        }
        String reason = failure.permanent() ? failure.reason() : "gave up after " + failures + " tries in "
                + failingFor.toSeconds() + " s; last failure, transient: " + failure.reason();
        try {
            new RunEventPublisher(channels, request).finish(RunEvent.failed(request, reason));
            deadLetters.publish(record, reason);
        } catch (Exception e) {
            retryAtNanos = now + retryPolicy.delayAfter(failures).toNanos();
            LOG.warnf("%s: cannot report run %s as failed yet, will retry: %s", name, request.runId(), e.toString());
            return false;
        }
        retries.remove(partition);
        markFinished(request);
        return true;
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        try {
            deadLetters.publish(record, reason);
            consumer.commitSync(Map.of(partitionOf(record), new OffsetAndMetadata(record.offset() + 1)));
        } catch (Exception e) {
            LOG.warnf("%s: cannot dead-letter %s, will retry: %s", name, record.key(), e.toString());
            consumer.seek(partitionOf(record), record.offset());
        }
    }

    private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        training.shutdownNow();
        try {
            pollThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
