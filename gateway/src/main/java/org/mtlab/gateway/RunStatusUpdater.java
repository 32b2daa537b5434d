package org.mtlab.gateway;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.mtlab.core.contract.ControlCharacters;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.kafka.RecordRejectedException;

/** Run status follows {@code mtlab.run-events}; progress never moves backwards and a finished run stays finished. */
@ApplicationScoped
public class RunStatusUpdater {

    void handle(ConsumerRecord<String, byte[]> record) throws Throwable {
        RunEvent event = RunEvent.decode(record.value());
        Boolean known = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() ->
                RunEntity.<RunEntity>findById(event.runId()).map(run -> {
                    if (run == null) {
                        return false;
                    }
                    apply(run, event);
                    return true;
                })));
        if (!known) {
            throw new RecordRejectedException("run " + event.runId() + " is not known to the gateway");
        }
    }

    /**
     * A trainer's message (often an exception's text) as the run's message: at most 3900 characters, and each control
     * character other than tab and line breaks replaced by U+FFFD — PostgreSQL cannot store U+0000, and refusing the
     * event would lose the run's outcome for the sake of its message.
     */
    static String storable(String message) {
        String text = message.substring(0, Math.min(3900, message.length()));
        if (ControlCharacters.firstRefused(text, ControlCharacters.FREE_TEXT) < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            b.append(ControlCharacters.isControl(c) && c != '\t' && c != '\n' && c != '\r' ? '\uFFFD' : c);
        }
        return b.toString();
    }

    static void apply(RunEntity run, RunEvent event) {
        if (run.status.isTerminal()) {
            return;
        }
        run.updatedAt = Instant.now();
        switch (event.type()) {
            case STARTED -> {
                if (run.startedAt == null) {
                    run.startedAt = Instant.ofEpochMilli(event.timestampMs());
                }
                run.status = RunStatus.RUNNING;
                run.attempt = event.attempt();
                run.totalSteps = event.totalSteps() == null ? run.totalSteps : event.totalSteps();
            }
            case PROGRESS, EVAL -> {
                run.status = RunStatus.RUNNING;
                if (event.step() != null && event.step() >= run.step) {
                    run.step = event.step();
                    run.epoch = event.epoch() == null ? run.epoch : event.epoch();
                    run.totalSteps = event.totalSteps() == null ? run.totalSteps : event.totalSteps();
                }
            }
            case COMPLETED -> {
                run.finishedAt = Instant.ofEpochMilli(event.timestampMs());
                run.status = RunStatus.COMPLETED;
                run.step = event.step() == null ? run.step : event.step();
                run.totalSteps = run.step;
                run.epoch = event.epoch() == null ? run.epoch : event.epoch();
                run.finalMetrics = Json.writeString(event.metrics());
            }
            case CANCELLED -> {
                // the gateway marks cancelled runs itself; a trainer's CANCELLED event only confirms it
                run.status = RunStatus.CANCELLED;
                run.message = event.message() == null ? "cancelled" : storable(event.message());
            }
            case FAILED -> {
                run.finishedAt = Instant.ofEpochMilli(event.timestampMs());
                run.status = RunStatus.FAILED;
                run.message = event.message() == null ? "failed" : storable(event.message());
            }
        }
    }
}
