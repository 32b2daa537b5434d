package org.mtlab.gateway;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.RunControl;
import org.mtlab.core.contract.Topics;

/**
 * Transactional outbox: publishes the training request of every run still CREATED, waits for Kafka's
 * acknowledgement, then marks the runs QUEUED. A request is therefore never sent for a run the database does not
 * hold, and a persisted run is published however often Kafka or this process fails in between (at least once;
 * the trainers and the analysis are idempotent per run).
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;

    @ConfigProperty(name = "mtlab.outbox.interval")
    Duration interval;

    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    private Producer<String, byte[]> producer;

    void start(Producer<String, byte[]> producer) {
        this.producer = producer;
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Called after a study commits, so its requests leave now rather than at the next tick. */
    public void wake(Object ignored) {
        wakeUps.release();
    }

    private void loop() {
        while (running) {
            try {
                if (wakeUps.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                    wakeUps.drainPermits();
                }
                while (running && publishPending() == BATCH) {
                    // a full batch: more may be waiting
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                LOG.warnf("outbox relay: %s; retrying at the next tick", e.toString());
            }
        }
    }

    /** @return how many requests and cancel orders were published */
    int publishPending() throws Throwable {
        return publishRequests() + publishCancelOrders();
    }

    /** The cancel order of every CANCELLED run not yet acknowledged, for the trainers on {@code mtlab.run-control}. */
    private int publishCancelOrders() throws Throwable {
        List<RunEntity> cancelled = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() ->
                RunEntity.<RunEntity>find("status = ?1 and controlPublishedAt is null", Sort.by("updatedAt"),
                        RunStatus.CANCELLED).page(0, BATCH).list()));
        if (cancelled.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (RunEntity run : cancelled) {
            String reason = run.message == null || run.message.isBlank() ? "cancelled" : run.message;
            acks.add(producer.send(new ProducerRecord<>(Topics.RUN_CONTROL, run.id.toString(),
                    RunControl.cancel(run.id, run.studyId, reason).encode())));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(2, TimeUnit.MINUTES);
        }
        List<UUID> ids = cancelled.stream().map(r -> r.id).toList();
        Instant now = Instant.now();
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> RunEntity.update(
                "controlPublishedAt = ?1 where id in ?2", now, ids)));
        LOG.infof("published %d cancel order(s)", cancelled.size());
        return cancelled.size();
    }

    private int publishRequests() throws Throwable {
        List<RunEntity> pending = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() ->
                RunEntity.<RunEntity>find("status", Sort.by("createdAt"), RunStatus.CREATED).page(0, BATCH).list()));
        if (pending.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (RunEntity run : pending) {
            acks.add(producer.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, run.id.toString(),
                    run.request.getBytes(StandardCharsets.UTF_8))));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(2, TimeUnit.MINUTES);
        }
        List<UUID> ids = pending.stream().map(r -> r.id).toList();
        Instant now = Instant.now();
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> RunEntity.update(
                "status = ?1, publishedAt = ?2, updatedAt = ?2 where id in ?3 and status = ?4",
                RunStatus.QUEUED, now, ids, RunStatus.CREATED)));
        LOG.infof("published %d training request(s)", pending.size());
        return pending.size();
    }
}
