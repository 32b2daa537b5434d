package org.mtlab.kafka;

import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Failures by kind for a SmallRye Reactive Messaging Kafka channel whose method is {@code @Blocking(ordered = true)}
 * and consumes {@code Message<byte[]>}: a transient failure ({@link FailureClassifier}: an outage, a timeout) is
 * retried by a SmallRye Fault Tolerance {@link Guard} with exponential backoff within the {@link RetryPolicy}; a
 * permanent one, or a transient one past the policy, nacks the message with the reason, and the channel's
 * {@code failure-strategy=dead-letter-queue} writes it to {@code mtlab.dlq} (the reason in the connector's
 * {@code dead-letter-reason} header, this consumer's name in {@code dead-letter-consumer}).
 *
 * <p>Retries happen on the channel's worker thread, so the records behind a failing one wait at most the retry
 * budget; the connector keeps polling meanwhile (it pauses its partitions, no rebalance), and the channel's
 * {@code throttled.unprocessed-record-max-age.ms} must exceed the budget.
 */
public final class ChannelConsumer {
    private static final Logger LOG = Logger.getLogger(ChannelConsumer.class);

    private final String name;
    private final RetryPolicy retryPolicy;
    private final FailureClassifier classifier;
    private final Guard retryTransient;
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong transientFailures = new AtomicLong();

    /** Handles one Kafka record; throws when it cannot ({@link FailureClassifier} tells how). */
    @FunctionalInterface
    public interface RecordHandler {
        void handle(ConsumerRecord<String, byte[]> record) throws Throwable;
    }

    /** The record was refused: the message of this exception is the dead letter's reason. */
    public static final class RecordRefused extends Exception {
        RecordRefused(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /**
     * A consumer whose handler only computes in memory: a failure would repeat on every retry, so each one
     * dead-letters the record at once. Nothing sleeps, so the channel's method may run on the event loop.
     */
    public static ChannelConsumer withoutRetries(String name, FailureClassifier classifier) {
        return new ChannelConsumer(name, null, classifier);
    }

    /**
     * @param name the consumer's name, in logs and in the dead letters it writes
     * @param retryPolicy how transient failures are retried (null: not at all)
     */
    public ChannelConsumer(String name, RetryPolicy retryPolicy, FailureClassifier classifier) {
        this.name = name;
        this.retryPolicy = retryPolicy;
        this.classifier = classifier;
        this.retryTransient = retryPolicy == null ? null : retryGuard(name, retryPolicy, classifier);
    }

    private Guard retryGuard(String name, RetryPolicy retryPolicy, FailureClassifier classifier) {
        long initialMs = Math.max(1, retryPolicy.initialDelay().toMillis());
        return Guard.create().withDescription("kafka consumer " + name).withRetry()
                .maxRetries(retryPolicy.maxAttempts() - 1)
                // Fault Tolerance wants the duration above the delay; a zero budget still allows the first retries' delay
                .maxDuration(Math.max(retryPolicy.budget().toMillis(), initialMs + 1), ChronoUnit.MILLIS)
                .delay(initialMs, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .withExponentialBackoff().factor(2)
                .maxDelay(Math.max(retryPolicy.maxDelay().toMillis(), initialMs), ChronoUnit.MILLIS).done()
                .whenException(e -> !(e instanceof InterruptedException) && !classifier.classify(e).permanent())
                .beforeRetry(e -> {
                    transientFailures.incrementAndGet();
                    LOG.warnf("consumer %s: transient failure, retrying: %s", name, classifier.classify(e).reason());
                })
                .done().build();
    }

    /**
     * Handles the Kafka record under {@code message}: acks it when the handler returned, nacks it with the reason
     * (to the dead-letter topic) when the failure is permanent or the retries are spent.
     */
    public CompletionStage<Void> consume(Message<byte[]> message, RecordHandler handler) {
        CompletionStage<Void> refused = handleOrRefuse(message, handler);
        return refused != null ? refused : message.ack();
    }

    /**
     * Handles the Kafka record under {@code message} without acknowledging it, for a batch that acknowledges its
     * records itself: null when the handler returned; when it failed for good, the nack with the reason (to the
     * dead-letter topic), which completes once the dead letter is written.
     */
    @SuppressWarnings("unchecked")
    public CompletionStage<Void> handleOrRefuse(Message<byte[]> message, RecordHandler handler) {
        ConsumerRecord<String, byte[]> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> (ConsumerRecord<String, byte[]>) m.getRecord())
                .orElseThrow(() -> new IllegalStateException("channel consumer " + name + " needs Kafka messages"));
        if (retryTransient == null) {
            // in-memory handlers (the analysis, thousands of records a second): no attempt counting, no clock
            try {
                handler.handle(record);
                handled.incrementAndGet();
                return null;
            } catch (Throwable e) {
                return refuse(message, record, e, 1, 0);
            }
        }
        AtomicInteger attempts = new AtomicInteger();
        long started = System.nanoTime();
        try {
            retryTransient.call(() -> {
                attempts.incrementAndGet();
                try {
                    handler.handle(record);
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new Exception(e);
                }
                return null;
            }, Void.class);
            handled.incrementAndGet();
            return null;
        } catch (Throwable e) {
            return refuse(message, record, e, attempts.get(), started);
        }
    }

    private CompletionStage<Void> refuse(Message<byte[]> message, ConsumerRecord<String, byte[]> record, Throwable e,
                                         int attempts, long startedNanos) {
        if (e instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        FailureClassifier.Failure failure = classifier.classify(e);
        String reason = failure.permanent() || retryPolicy == null ? failure.reason()
                : "gave up after " + attempts + " attempts in "
                + Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds() + " s (retry policy: "
                + retryPolicy.describe() + "); last failure, transient: " + failure.reason();
        if (!failure.permanent() && retryPolicy != null) {
            transientFailures.incrementAndGet();
        }
        return nackWithReason(message, record.topic() + "-" + record.partition() + "@" + record.offset(), reason, e);
    }

    /**
     * Nacks the message with {@code reason}, for a consumer that decides itself when a record is given up (the
     * trainer's hours-long runs retry from a checkpoint, not in a Guard): the channel's dead-letter strategy writes it,
     * and the returned stage completes once it is written.
     */
    public CompletionStage<Void> deadLetter(Message<byte[]> message, String reason, Throwable cause) {
        String where = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset()).orElse("a record");
        return nackWithReason(message, where, reason, cause);
    }

    private CompletionStage<Void> nackWithReason(Message<byte[]> message, String where, String reason, Throwable cause) {
        deadLettered.incrementAndGet();
        LOG.warnf("consumer %s: dead-lettering %s: %s", name, where, reason);
        return message.nack(new RecordRefused(reason, cause), Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                .addHeaders(DeadLetterRecords.consumerHeader(name)).build()));
    }

    public String name() {
        return name;
    }

    public long handledCount() {
        return handled.get();
    }

    public long deadLetteredCount() {
        return deadLettered.get();
    }

    /** Transient failures seen so far (each failed attempt of a record counts). */
    public long transientFailureCount() {
        return transientFailures.get();
    }
}
