package org.mtlab.core.contract;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a consumer could not process, as it lies in {@link Topics#DEAD_LETTERS}: the original record (its key, value and
 * headers, unchanged) with where it came from and why it was refused in headers. The header names are those of
 * SmallRye Reactive Messaging's Kafka connector ({@code failure-strategy=dead-letter-queue}), which writes most dead
 * letters; the consumers still on the raw client write the same ones, so one reader serves the whole topic.
 *
 * @param topic         where the record was read
 * @param reason        why it was refused (for a transient failure given up: how often and how long it was tried)
 * @param consumer      which consumer refused it ({@link #CONSUMER}; null when a dead letter does not say)
 * @param originalValue the original value's bytes, unchanged
 */
public record DeadLetter(String topic, int partition, long offset, String key, byte[] originalValue, String reason,
                         String cause, String consumer) {

    /** Headers the connector writes (KafkaDeadLetterQueue) and the raw consumers copy. */
    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String EXCEPTION_CLASS = "dead-letter-exception-class-name";
    public static final String CAUSE_CLASS = "dead-letter-cause-class-name";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** mtlab's own header: the consumer that refused the record (several consumer groups read one topic). */
    public static final String CONSUMER = "dead-letter-consumer";

    /**
     * The dead letter of a record of {@link Topics#DEAD_LETTERS}.
     *
     * @param header a header's last value as UTF-8 text, or null when the record has none
     * @throws ContractException naming the header when the record is no dead letter
     */
    public static DeadLetter read(String key, byte[] value, Function<String, String> header) {
        String topic = required(header, TOPIC);
        String reason = required(header, REASON);
        return new DeadLetter(topic, (int) number(header, PARTITION), number(header, OFFSET), key, value, reason,
                header.apply(CAUSE), header.apply(CONSUMER));
    }

    private static String required(Function<String, String> header, String name) {
        String value = header.apply(name);
        if (value == null) {
            throw new ContractException(name, "is required: a dead letter names its topic and reason");
        }
        return value;
    }

    private static long number(Function<String, String> header, String name) {
        String text = required(header, name);
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ContractException(name, "is not a number");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && topic.equals(d.topic) && partition == d.partition && offset == d.offset
                && Objects.equals(key, d.key) && Arrays.equals(originalValue, d.originalValue)
                && reason.equals(d.reason) && Objects.equals(cause, d.cause) && Objects.equals(consumer, d.consumer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, key, Arrays.hashCode(originalValue), reason);
    }

    @Override
    public String toString() {
        return "DeadLetter[" + topic + "-" + partition + "@" + offset + ", key=" + key + ", consumer=" + consumer
                + ", reason=" + reason + (cause == null ? "" : ", cause=" + cause) + "]";
    }
}
