package org.mtlab.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.mtlab.core.contract.RunControl;
import org.mtlab.kafka.ChannelConsumer;
import org.mtlab.kafka.FailureClassifier;

/**
 * The runs cancelled so far, read from {@code mtlab.run-control} on the {@code run-control} channel. Each trainer
 * process reads the whole topic under a group of its own (application.properties: a group id with the process's
 * {@code quarkus.uuid}, not shared with other trainers): the order reaches whichever trainer holds the run now, and a
 * trainer that receives the run's request later still sees the order. An unreadable order is dead-lettered at once
 * (nothing here but a map in memory: a retry would fail the same way).
 */
@ApplicationScoped
public class CancelledRuns {
    private final Map<UUID, String> reasons = new ConcurrentHashMap<>();
    private final ChannelConsumer consumer = ChannelConsumer.withoutRetries("trainer-control", FailureClassifier.standard());

    @Incoming("run-control")
    public CompletionStage<Void> order(Message<byte[]> order) {
        return consumer.consume(order, this::handle);
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        RunControl control = RunControl.decode(record.value());
        if (control.type() == RunControl.Type.CANCEL) {
            reasons.put(control.runId(), control.reason());
        }
    }

    /** Why the run was cancelled, or empty if it was not (as far as this trainer has read). */
    Optional<String> reason(UUID runId) {
        return Optional.ofNullable(reasons.get(runId));
    }

    boolean isCancelled(UUID runId) {
        return reasons.containsKey(runId);
    }
}
