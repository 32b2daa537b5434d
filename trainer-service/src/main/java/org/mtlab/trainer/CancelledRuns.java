package org.mtlab.trainer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.mtlab.core.contract.RunControl;
import org.mtlab.core.contract.Topics;
import org.mtlab.kafka.ConsumerLoop;
import org.mtlab.kafka.DeadLetterPublisher;
import org.mtlab.kafka.KafkaSettings;

/**
 * The runs cancelled so far, read from {@code mtlab.run-control}. Each trainer process reads the whole topic under a
 * group of its own (not shared with other trainers): the order reaches whichever trainer holds the run now, and a
 * trainer that receives the run's request later still sees the order.
 */
final class CancelledRuns implements AutoCloseable {
    private final Map<UUID, String> reasons = new ConcurrentHashMap<>();
    private final ConsumerLoop loop;

    CancelledRuns(String bootstrapServers, Producer<String, byte[]> producer) {
        String name = "trainer-control-" + ProcessHandle.current().pid();
        this.loop = new ConsumerLoop(name, KafkaSettings.consumer(bootstrapServers, name + "-" + UUID.randomUUID(), name),
                List.of(Topics.RUN_CONTROL), this::handle, new DeadLetterPublisher(producer, name));
    }

    CancelledRuns start() {
        loop.start();
        return this;
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

    boolean isAlive() {
        return loop.isAlive();
    }

    @Override
    public void close() {
        loop.close();
    }
}
