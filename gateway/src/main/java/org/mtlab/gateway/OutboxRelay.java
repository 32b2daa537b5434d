package org.mtlab.gateway;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.RunControl;

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

    /** Each send completes when Kafka acknowledged the record (acks=all, configured per channel). */
    @Inject
    @Channel("training-requests")
    MutinyEmitter<byte[]> trainingRequests;
    @Inject
    @Channel("run-control")
    MutinyEmitter<byte[]> runControl;

    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    void start() {
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
        List<Uni<Void>> acks = new ArrayList<>();
        for (RunEntity run : cancelled) {
            String reason = run.message == null || run.message.isBlank() ? "cancelled" : run.message;
            acks.add(runControl.sendMessage(keyed(run.id, RunControl.cancel(run.id, run.studyId, reason).encode())));
        }
        awaitAcks(acks);
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
        List<Uni<Void>> acks = new ArrayList<>();
        for (RunEntity run : pending) {
            acks.add(trainingRequests.sendMessage(keyed(run.id, run.request.getBytes(StandardCharsets.UTF_8))));
        }
        awaitAcks(acks);
        List<UUID> ids = pending.stream().map(r -> r.id).toList();
        Instant now = Instant.now();
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> RunEntity.update(
                "status = ?1, publishedAt = ?2, updatedAt = ?2 where id in ?3 and status = ?4",
                RunStatus.QUEUED, now, ids, RunStatus.CREATED)));
        LOG.infof("published %d training request(s)", pending.size());
        return pending.size();
    }

    /** A record keyed by its run id: a run's records share a partition, in order. */
    private static Message<byte[]> keyed(UUID runId, byte[] value) {
        return Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(runId.toString()).build());
    }

    /** Waits for Kafka's acknowledgement of every record; the first failure fails the batch (retried at the next tick). */
    private static void awaitAcks(List<Uni<Void>> acks) {
        Uni.join().all(acks).andFailFast().await().atMost(Duration.ofMinutes(2));
    }
}
