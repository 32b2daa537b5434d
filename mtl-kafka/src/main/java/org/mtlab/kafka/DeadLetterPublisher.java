package org.mtlab.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.Topics;

/**
 * Sends a refused record to {@link Topics#DEAD_LETTERS} as the connector's dead-letter strategy does — the original
 * key, value and headers, and the reason in the dead-letter headers ({@link DeadLetterRecords}) — and waits for the
 * ack. For the consumers still on the raw client (the trainer's training requests and run control).
 */
public final class DeadLetterPublisher {
    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);
    private final Producer<String, byte[]> producer;
    private final String consumerName;

    public DeadLetterPublisher(Producer<String, byte[]> producer, String consumerName) {
        this.producer = producer;
        this.consumerName = consumerName;
    }

    public void publish(ConsumerRecord<String, byte[]> record, String reason)
            throws ExecutionException, InterruptedException, TimeoutException {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        DeadLetterRecords.addDeadLetterHeaders(headers, record, reason, consumerName);
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, record.key(), record.value(), headers))
                .get(60, TimeUnit.SECONDS);
        LOG.warnf("dead-lettered %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
    }
}
