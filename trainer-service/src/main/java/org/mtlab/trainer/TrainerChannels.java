package org.mtlab.trainer;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * The trainer's outgoing flows, SmallRye Reactive Messaging channels (application.properties): each run's gradient
 * events ({@code gradients}) and run events ({@code run-events}), keyed by run id. A send completes when Kafka has
 * acknowledged the record (acks=all). The emitters buffer without bound rather than fail a training step: what is
 * sent between two checkpoints is bounded, since a checkpoint waits for every acknowledgement
 * ({@link RunEventPublisher#beforeCheckpoint()}).
 */
@ApplicationScoped
public class TrainerChannels {
    @Inject
    @Channel("gradients")
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> gradients;

    @Inject
    @Channel("run-events")
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<byte[]> runEvents;

    /** Sends (when subscribed) a gradient event of run {@code runId}; completes on Kafka's acknowledgement. */
    Uni<Void> gradients(UUID runId, byte[] event) {
        return gradients.sendMessage(keyed(runId, event));
    }

    /** Sends (when subscribed) a run event of run {@code runId}; completes on Kafka's acknowledgement. */
    Uni<Void> runEvent(UUID runId, byte[] event) {
        return runEvents.sendMessage(keyed(runId, event));
    }

    private static Message<byte[]> keyed(UUID runId, byte[] value) {
        return Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(runId.toString()).build());
    }
}
