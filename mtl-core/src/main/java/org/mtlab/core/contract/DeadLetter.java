package org.mtlab.core.contract;

import java.util.Base64;

/**
 * What a consumer could not process, sent to {@link Topics#DEAD_LETTERS} under the original key (JSON):
 * the original bytes (base64), where they came from, and why they were refused.
 */
public record DeadLetter(int schemaVersion, String topic, int partition, long offset, String key,
                         String valueBase64, String reason, String consumer, long timestampMs) {

    public static final int SCHEMA_VERSION = 1;

    public static DeadLetter of(String topic, int partition, long offset, String key, byte[] value, String reason,
                                String consumer) {
        return new DeadLetter(SCHEMA_VERSION, topic, partition, offset, key,
                value == null ? null : Base64.getEncoder().encodeToString(value), reason, consumer,
                System.currentTimeMillis());
    }

    public byte[] originalValue() {
        return valueBase64 == null ? null : Base64.getDecoder().decode(valueBase64);
    }

    public static DeadLetter decode(byte[] bytes) {
        DeadLetter letter = Json.read(bytes, DeadLetter.class);
        if (letter.schemaVersion() != SCHEMA_VERSION) {
            throw new ContractException("schemaVersion", "unsupported version " + letter.schemaVersion());
        }
        if (letter.topic() == null || letter.reason() == null) {
            throw new ContractException(letter.topic() == null ? "topic" : "reason", "is required");
        }
        try {
            letter.originalValue();
        } catch (IllegalArgumentException e) {
            throw new ContractException("valueBase64", "is not base64");
        }
        return letter;
    }

    public byte[] encode() {
        return Json.write(this);
    }
}
