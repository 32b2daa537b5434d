package org.mtlab.trainer;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.jboss.logging.Logger;
import org.apache.kafka.common.TopicPartition;
import org.mtlab.core.contract.TrainingRequest;

/**
 * The runs this process trains now, at most one per partition of {@code mtlab.training-requests}, and the
 * {@code training-requests} channel's rebalance listener: which of the channel's consumers holds which partition, and
 * the hand-over of a run whose partition moves.
 *
 * <p>A partition revoked from one of this process's consumers (another trainer joined, or this one is closing) stops
 * its run at the next step — the run checkpoints as it stops — before the callback returns, which Kafka awaits before
 * it assigns the partition elsewhere: the new owner resumes the run from that checkpoint, and a run is never trained by
 * two members at once. A run whose outcome was already published when its partition was revoked has its request's
 * offset committed here, by the consumer that still holds it. A lost partition (the session expired) is handed over
 * the same way but not committed: the group has already given it away.
 */
@ApplicationScoped
@Identifier(RunsInTraining.LISTENER)
@jakarta.enterprise.inject.Default // also injected by type into TrainerService and TrainingRequestConsumer
public class RunsInTraining implements KafkaConsumerRebalanceListener {
    private static final Logger LOG = Logger.getLogger(RunsInTraining.class);
    /** The channel's {@code consumer-rebalance-listener.name}. */
    static final String LISTENER = "training-requests-partitions";
    /** How long a revoked partition waits for its run to stop at a checkpoint. */
    static final Duration HAND_OVER_TIMEOUT = Duration.ofSeconds(30);

    /** Which consumer (the Kafka client, by identity) holds each partition now; guarded by this. */
    private final Map<TopicPartition, Consumer<?, ?>> holders = new HashMap<>();
    /** The run in training on each partition; guarded by this. */
    private final Map<TopicPartition, RunInTraining> runs = new HashMap<>();
    private final AtomicLong assignments = new AtomicLong();
    @jakarta.inject.Inject
    TrainerService service;

    /** One run in training: its request's place in Kafka and the hand-over between its trainer and the listener. */
    static final class RunInTraining {
        final TopicPartition partition;
        final long offset;
        final TrainingRequest request;
        private boolean handedOver;
        private boolean trainingEnded;
        private boolean outcomePublished;

        RunInTraining(TopicPartition partition, long offset, TrainingRequest request) {
            this.partition = partition;
            this.offset = offset;
            this.request = request;
        }

        /** True once the run's partition was revoked or lost: stop at the next step, commit nothing. */
        synchronized boolean handedOver() {
            return handedOver;
        }

        /** Waits up to {@code timeout} while the run is not handed over; true when it was meanwhile. */
        synchronized boolean awaitHandOver(Duration timeout) throws InterruptedException {
            return awaitWhileHeld(() -> handedOver, timeout);
        }

        /** Waits, holding this run's lock between wake-ups, until {@code done} or the timeout; the last reading. */
        private boolean awaitWhileHeld(java.util.function.BooleanSupplier done, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /**
         * The training of this run ended (with its outcome published, or not): true when the trainer is to commit
         * the request, false when the partition was handed over meanwhile and the listener decides.
         */
        synchronized boolean trainingEnded(boolean published) {
            trainingEnded = true;
            outcomePublished = published;
            notifyAll();
            return !handedOver;
        }

        private synchronized void handOver() {
            handedOver = true;
            notifyAll();
        }

        /** Waits for the training to end; true when its outcome was published, false when it stopped or timed out. */
        private synchronized boolean awaitTrainingEnd(Duration timeout) throws InterruptedException {
            if (!awaitWhileHeld(() -> trainingEnded, timeout)) {
                LOG.warnf("run %s did not stop within %s of its partition's revocation", request.runId(), timeout);
                return false;
            }
            return outcomePublished;
        }
    }

    /**
     * Registers the run of the request at {@code offset} of {@code partition}, received by {@code consumer}; null
     * when that consumer no longer holds the partition (it was revoked between the poll and this call): the new
     * holder receives the request again.
     */
    synchronized RunInTraining begin(Consumer<?, ?> consumer, TopicPartition partition, long offset, TrainingRequest request) {
        if (holders.get(partition) != consumer) {
            return null;
        }
        RunInTraining run = new RunInTraining(partition, offset, request);
        runs.put(partition, run);
        return run;
    }

    synchronized void end(RunInTraining run) {
        runs.remove(run.partition, run);
    }

    synchronized int count() {
        return runs.size();
    }

    /** How often the group handed a consumer of this process its partitions: more than once each means a rebalance. */
    long assignments() {
        return assignments.get();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assignments.incrementAndGet();
        synchronized (this) {
            partitions.forEach(p -> holders.put(p, consumer));
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        handOver(consumer, partitions, true);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        handOver(consumer, partitions, false);
    }

    /** Runs on {@code consumer}'s polling thread, inside the rebalance: Kafka waits for it. */
    private void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean mayCommit) {
        List<RunInTraining> moving = new ArrayList<>();
        synchronized (this) {
            for (TopicPartition partition : partitions) {
                holders.remove(partition, consumer);
                RunInTraining run = runs.get(partition);
                if (run != null) {
                    run.handOver();
                    moving.add(run);
                }
            }
        }
        for (RunInTraining run : moving) {
            boolean published;
            try {
                published = run.awaitTrainingEnd(HAND_OVER_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                published = false;
            }
            if (published && mayCommit) {
                try {
                    consumer.commitSync(Map.of(run.partition, new OffsetAndMetadata(run.offset + 1)));
                    service.clearFinished(run.request);
                } catch (RuntimeException e) {
                    // the finished mark stays: whoever receives the request again commits it without training
                    LOG.infof("commit of finished run %s left to its next owner (%s)", run.request.runId(), e.toString());
                }
            }
            LOG.infof("partition %s of run %s %s; %s", run.partition, run.request.runId(), mayCommit ? "revoked" : "lost",
                    published ? "its outcome was already published" : "stopped at a checkpoint for its new owner");
        }
    }
}
