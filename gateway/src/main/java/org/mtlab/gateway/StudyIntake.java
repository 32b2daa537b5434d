package org.mtlab.gateway;

import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.kafka.RecordRejectedException;

/**
 * Studies submitted through {@code mtlab.study-submissions}. The record key is the submitter's study id, which makes
 * a redelivered submission a no-op; invalid specs are dead-lettered with the violations as the reason.
 */
@ApplicationScoped
public class StudyIntake {
    @Inject
    StudyService studies;

    void handle(ConsumerRecord<String, byte[]> record) throws Throwable {
        StudySpec spec = Json.read(record.value(), StudySpec.class);
        List<Violation> violations = studies.validate(spec);
        if (!violations.isEmpty()) {
            throw new RecordRejectedException("invalid study spec: " + violations);
        }
        UUID studyId = studyIdOf(record.key());
        VertxContextSupport.subscribeAndAwait(() -> studies.create(studyId, spec, "kafka"));
    }

    /** The key as a UUID if it is one, otherwise a UUID derived from it (the same key always maps to the same study). */
    static UUID studyIdOf(String key) {
        if (key == null || key.isBlank()) {
            throw new RecordRejectedException("a study submission must be keyed by its study id");
        }
        try {
            return UUID.fromString(key);
        } catch (IllegalArgumentException notUuid) {
            return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
        }
    }
}
