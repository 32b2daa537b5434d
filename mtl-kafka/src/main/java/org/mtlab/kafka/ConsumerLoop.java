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
import org.mtlab.core.contract.ContractException;

/**
 * At-least-once consumption for short handlers: records are handled in order on the loop's own thread and their
 * offsets committed after the handler returned. A record the handler refuses ({@link ContractException} or
 * {@link RecordRejectedException}) goes to the dead-letter topic and the loop moves on; any other failure is taken
 * as transient (a database down, say): the record is retried after a back-off, nothing is skipped.
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
    private final Duration retryBackoff;
    private volatile PartitionListener partitionListener;

    /** Told when partitions arrive or leave, on the loop's thread, so that state can follow its partitions. */
    public interface PartitionListener {
        /** @param consumer the loop's consumer, e.g. to seek before the first record is read */
        void assigned(Consumer<String, byte[]> consumer, Collection<TopicPartition> partitions);

        void revoked(Collection<TopicPartition> partitions);
    }

    public ConsumerLoop(String name, Properties consumerProperties, List<String> topics, RecordHandler handler,
                        DeadLetterPublisher deadLetters) {
        this(name, consumerProperties, topics, handler, deadLetters, Duration.ofSeconds(1));
    }

    public ConsumerLoop(String name, Properties consumerProperties, List<String> topics, RecordHandler handler,
                        DeadLetterPublisher deadLetters, Duration retryBackoff) {
        this.name = name;
        this.consumer = new KafkaConsumer<>(consumerProperties);
        this.topics = topics;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.retryBackoff = retryBackoff;
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
                    // transient failure: come back to this record, keep what is done
                    consumer.seek(partition, record.offset());
                    break;
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
    }

    /** @return true when the record is finished (handled or dead-lettered), false to retry it later */
    private boolean process(ConsumerRecord<String, byte[]> record) {
        try {
            handler.handle(record);
            handled.incrementAndGet();
            return true;
        } catch (ContractException | RecordRejectedException e) {
            return deadLetter(record, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
            return false;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (rootCause(e) instanceof ContractException ce) {
                return deadLetter(record, ce.getMessage());
            }
            LOG.warnf("consumer %s: transient failure on %s-%d@%d, retrying: %s", name, record.topic(),
                    record.partition(), record.offset(), e.toString());
            sleep(retryBackoff);
            return false;
        }
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        try {
            deadLetters.publish(record, reason);
            deadLettered.incrementAndGet();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
            return false;
        } catch (Exception e) {
            LOG.warnf("consumer %s: cannot reach the dead-letter topic, retrying: %s", name, e.toString());
            sleep(retryBackoff);
            return false;
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
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
