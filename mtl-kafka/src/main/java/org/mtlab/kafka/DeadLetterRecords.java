package org.mtlab.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.mtlab.core.contract.DeadLetter;

/** Dead letters as Kafka records: the original record with the headers of {@link DeadLetter}. */
public final class DeadLetterRecords {
    private DeadLetterRecords() {
    }

    /** The dead letter a record of {@code mtlab.dlq} holds; a ContractException names a missing header. */
    public static DeadLetter read(ConsumerRecord<String, byte[]> record) {
        return DeadLetter.read(record.key(), record.value(), name -> text(record.headers(), name));
    }

    /** The header naming the consumer that refused a record (added to the connector's own dead-letter headers). */
    public static RecordHeader consumerHeader(String consumer) {
        return header(DeadLetter.CONSUMER, consumer);
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
