package org.mtlab.gateway;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.jwt.JsonWebToken;
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
    /** Kafka header holding the submitter's bearer token. */
    public static final String AUTHORIZATION = "authorization";

    @Inject
    StudyService studies;
    @Inject
    JWTParser jwtParser;

    /**
     * @param authorization the record's {@value #AUTHORIZATION} header, taken out of it by {@link #takeAuthorization}
     *                      (null when it had none)
     */
    void handle(ConsumerRecord<String, byte[]> record, String authorization) throws Throwable {
        String tenant = tenantOf(authorization);
        StudySpec spec = Json.read(record.value(), StudySpec.class);
        List<Violation> violations = studies.validate(spec);
        if (!violations.isEmpty()) {
            throw new RecordRejectedException("invalid study spec: " + violations);
        }
        UUID studyId = studyIdOf(record.key());
        VertxContextSupport.subscribeAndAwait(() -> studies.create(studyId, spec, "kafka", tenant));
    }

    /**
     * Removes the submitter's token from the Kafka record under {@code submission} and returns it (null when the
     * record has none): the connector's dead letters copy a record's headers, and a token must not outlive its use.
     */
    static String takeAuthorization(Message<byte[]> submission) {
        Headers headers = submission.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null);
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(AUTHORIZATION);
        headers.remove(AUTHORIZATION);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * A submission carries its submitter's token in the {@value #AUTHORIZATION} header ("Bearer <jwt>"), verified
     * like a REST caller's before anything is persisted; without a valid one the record is dead-lettered.
     */
    String tenantOf(String authorization) {
        if (authorization == null) {
            throw new RecordRejectedException("a study submission needs an '" + AUTHORIZATION + "' header: Bearer <token>");
        }
        String value = authorization.trim();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new RecordRejectedException("the '" + AUTHORIZATION + "' header must be 'Bearer <token>'");
        }
        JsonWebToken token;
        try {
            token = jwtParser.parse(value.substring(7).trim());
        } catch (ParseException e) {
            throw new RecordRejectedException("the submission's token was refused: " + e.getMessage());
        }
        try {
            return Tenants.tenantOf(token);
        } catch (ProblemException e) {
            throw new RecordRejectedException("the submission's token names no tenant: " + e.problem().detail());
        }
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
