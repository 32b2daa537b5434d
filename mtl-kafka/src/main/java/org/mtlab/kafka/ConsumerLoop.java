package org.mtlab.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * At-least-once consumption for short handlers: records are handled in order on the loop's own thread and their
 * offsets committed after the handler returned (or the record was dead-lettered).
 *
 * <p>Failures by kind ({@link FailureClassifier}): a permanent one (an undecodable or invalid record, a record the
 * code rejects, a database data or integrity error) sends the record to the dead-letter topic at once, with the
 * reason, and the loop moves on. A transient one (an outage, a timeout) is retried with exponential backoff within
 * the {@link RetryPolicy}, then dead-lettered with the reason. While a record waits for its retry, its partition is
 * paused — the other partitions keep flowing — and the records behind it wait at most the retry budget. Only the
 * dead-letter write itself is retried without limit: skipping a record that is in neither place would lose it.
 */
public final class ConsumerLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class);

    /** Handles one record; it must be idempotent, since a record may come again after a crash or rebalance. */
    @FunctionalInterface
    public interface RecordHandler {
        void handle(ConsumerRecord<String, byte[]> record) throws Throwable;
    }

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final RecordHandler handler;
    private final DeadLetterPublisher deadLetters;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final Thread thread;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile long lag;
    private final RetryPolicy retryPolicy;
    private final FailureClassifier classifier;
    private final AtomicLong transientFailures = new AtomicLong();
    /** The record each partition is retrying (loop thread only). */
    private final Map<TopicPartition, Retry> retries = new HashMap<>();
    private volatile PartitionListener partitionListener;

    /** A record that failed transiently: since when, how often, and when its paused partition resumes. */
    private static final class Retry {
        final long offset;
        final long firstFailureNanos;
        int failures;
        long resumeAtNanos;

        Retry(long offset, long now) {
            this.offset = offset;
            this.firstFailureNanos = now;
        }
    }

    /** Told when partitions arrive or leave, on the loop's thread, so that state can follow its partitions. */
    public interface PartitionListener {
        /** @param consumer the loop's consumer, e.g. to seek before the first record is read */
        void assigned(Consumer<String, byte[]> consumer, Collection<TopicPartition> partitions);

        void revoked(Collection<TopicPartition> partitions);
    }

    public ConsumerLoop(String name, Properties consumerProperties, List<String> topics, RecordHandler handler,
                        DeadLetterPublisher deadLetters) {
        this(name, consumerProperties, topics, handler, deadLetters, RetryPolicy.DEFAULT, FailureClassifier.standard());
    }

    public ConsumerLoop(String name, Properties consumerProperties, List<String> topics, RecordHandler handler,
                        DeadLetterPublisher deadLetters, RetryPolicy retryPolicy, FailureClassifier classifier) {
        this.name = name;
        this.consumer = new KafkaConsumer<>(consumerProperties);
        this.topics = topics;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.retryPolicy = retryPolicy;
        this.classifier = classifier;
        this.thread = new Thread(this::run, "consumer-" + name);
        this.thread.setDaemon(true);
    }

    /** Must be set before {@link #start()}. */
    public ConsumerLoop withPartitionListener(PartitionListener listener) {
        this.partitionListener = listener;
        return this;
    }

    public ConsumerLoop start() {
        thread.start();
        return this;
    }

    public long handledCount() {
        return handled.get();
    }

    public long deadLetteredCount() {
        return deadLettered.get();
    }

    /** Transient failures seen so far (each retry of a record counts). */
    public long transientFailureCount() {
        return transientFailures.get();
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /**
     * Records on the assigned partitions not yet read, as of the last poll (the consumer's cached log-end offsets; a
     * partition whose end is not known yet counts 0): what a dashboard watches to see the loop fall behind.
     */
    public long lag() {
        return lag;
    }

    private long currentLag() {
        long total = 0;
        for (TopicPartition partition : assignment) {
            total += consumer.currentLag(partition).orElse(0);
        }
        return total;
    }

    private void run() {
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // a partition that comes back is read from its committed offset and its record tried afresh
                    retries.keySet().removeAll(partitions);
                    if (partitionListener != null) {
                        partitionListener.revoked(partitions);
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    onPartitionsRevoked(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (partitionListener != null) {
                        partitionListener.assigned(consumer, partitions);
                    }
                }
            });
            while (running.get()) {
                resumeDuePartitions();
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                assignment = Set.copyOf(consumer.assignment());
                lag = currentLag();
                if (!records.isEmpty()) {
                    processBatch(records);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "consumer %s stopped", name);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void processBatch(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (!running.get()) {
                    break;
                }
                if (!process(record)) {
                    // to be retried: come back to this record when its partition resumes, keep what is done
                    consumer.seek(partition, record.offset());
                    consumer.pause(List.of(partition));
                    break;
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
    }

    /** Resumes the partitions whose record's retry delay has passed. */
    private void resumeDuePartitions() {
        if (retries.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> due = retries.entrySet().stream()
                .filter(e -> now - e.getValue().resumeAtNanos >= 0 && paused.contains(e.getKey()))
                .map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    /**
     * @return true when the record is finished (handled or dead-lettered), false when it is to be retried (its
     * partition resumes at the time set in {@link #retries}) or the loop is stopping
     */
    private boolean process(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try {
            handler.handle(record);
            handled.incrementAndGet();
            retries.remove(partition);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
            return false;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            FailureClassifier.Failure failure = classifier.classify(e);
            if (failure.permanent()) {
                return deadLetter(record, failure.reason());
            }
            transientFailures.incrementAndGet();
            long now = System.nanoTime();
            Retry retry = retries.get(partition);
            if (retry == null || retry.offset != record.offset()) {
                retry = new Retry(record.offset(), now);
                retries.put(partition, retry);
            }
            retry.failures++;
            Duration failingFor = Duration.ofNanos(now - retry.firstFailureNanos);
            if (retryPolicy.exhausted(retry.failures, failingFor)) {
                return deadLetter(record, "gave up after " + retry.failures + " attempts in " + failingFor.toSeconds()
                        + " s (retry policy: " + retryPolicy.describe() + "); last failure, transient: "
                        + failure.reason());
            }
            Duration delay = retryPolicy.delayAfter(retry.failures);
            retry.resumeAtNanos = now + delay.toNanos();
            LOG.warnf("consumer %s: transient failure %d on %s-%d@%d, retrying in %d ms: %s", name, retry.failures,
                    record.topic(), record.partition(), record.offset(), delay.toMillis(), failure.reason());
            return false;
        }
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try {
            deadLetters.publish(record, reason);
            deadLettered.incrementAndGet();
            retries.remove(partition);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
            return false;
        } catch (Exception e) {
            // never skip a record that is in neither place: the handler runs again after the delay, then this
            Retry retry = retries.computeIfAbsent(partition, p -> new Retry(record.offset(), System.nanoTime()));
            Duration delay = retryPolicy.delayAfter(Math.max(1, retry.failures));
            retry.resumeAtNanos = System.nanoTime() + delay.toNanos();
            LOG.warnf("consumer %s: cannot reach the dead-letter topic, retrying in %d ms: %s", name, delay.toMillis(),
                    e.toString());
            return false;
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
