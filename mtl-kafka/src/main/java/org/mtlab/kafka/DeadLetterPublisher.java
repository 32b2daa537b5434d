package org.mtlab.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.core.contract.Topics;

/** Sends a refused record, with where it came from and why, to {@link Topics#DEAD_LETTERS} and waits for the ack. */
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
        DeadLetter letter = DeadLetter.of(record.topic(), record.partition(), record.offset(), record.key(),
                record.value(), reason, consumerName);
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, record.key(), letter.encode())).get(60, TimeUnit.SECONDS);
        LOG.warnf("dead-lettered %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
    }
}
