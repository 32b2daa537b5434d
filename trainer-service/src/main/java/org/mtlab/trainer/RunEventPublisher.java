package org.mtlab.trainer;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.trainer.engine.TrainingListener;

/**
 * Streams one run's events to Kafka through the trainer's channels ({@link TrainerChannels}), keyed by run id.
 * Telemetry and progress are sent without waiting (the training step must not wait on the broker); a checkpoint waits
 * until all of it is acknowledged, and the outcome is sent after everything before it and acknowledged before the
 * request's offset may be committed.
 */
final class RunEventPublisher implements TrainingListener {
    /** How long a checkpoint or the outcome waits for Kafka's acknowledgements (the producer's delivery timeout). */
    private static final Duration ACK_WAIT = Duration.ofMinutes(2);

    private final TrainerChannels channels;
    private final TrainingRequest request;
    private final Object acks = new Object();
    /** Records sent and not yet acknowledged (or failed); guarded by {@link #acks}. */
    private long unacknowledged;
    private volatile Throwable sendFailure;
    private volatile long totalSteps;

    RunEventPublisher(TrainerChannels channels, TrainingRequest request) {
        this.channels = channels;
        this.request = request;
    }

    @Override
    public void started(long totalSteps, RunEvent.RunDescriptor run) {
        this.totalSteps = totalSteps;
        send(channels.runEvent(request.runId(), RunEvent.started(request, totalSteps, run).encode()));
    }

    @Override
    public void gradients(GradientEvent event) {
        send(channels.gradients(request.runId(), GradientEventCodec.encode(event)));
    }

    @Override
    public void progress(long step, long totalSteps, int epoch) {
        send(channels.runEvent(request.runId(), RunEvent.progress(request, step, totalSteps, epoch).encode()));
    }

    @Override
    public void evaluated(long step, int epoch, List<RunEvent.Metric> metrics) {
        send(channels.runEvent(request.runId(), RunEvent.eval(request, step, totalSteps, epoch, metrics).encode()));
    }

    /** Waits until Kafka has acknowledged everything sent so far (a kill -9 after this loses none of it). */
    @Override
    public void beforeCheckpoint() {
        try {
            awaitAcknowledged();
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("telemetry of run " + request.runId() + " was not delivered: " + e);
        }
        if (sendFailure != null) {
            throw new IllegalStateException("telemetry of run " + request.runId() + " was not delivered: " + sendFailure);
        }
    }

    /** Sends the outcome after everything sent before it, and waits until Kafka has it. */
    void finish(RunEvent outcome) throws ExecutionException, InterruptedException, TimeoutException {
        awaitAcknowledged();
        if (sendFailure != null) {
            throw new ExecutionException("telemetry of run " + request.runId() + " was not delivered", sendFailure);
        }
        try {
            channels.runEvent(request.runId(), outcome.encode()).await().atMost(ACK_WAIT);
        } catch (io.smallrye.mutiny.TimeoutException e) {
            throw new TimeoutException("the outcome of run " + request.runId() + " was not acknowledged in " + ACK_WAIT);
        } catch (RuntimeException e) {
            throw new ExecutionException("the outcome of run " + request.runId() + " was not delivered", e);
        }
    }

    /** Subscribes now, so that records leave in the order they were sent. */
    private void send(Uni<Void> send) {
        synchronized (acks) {
            unacknowledged++;
        }
        send.subscribe().with(ok -> acknowledged(null), this::acknowledged);
    }

    private void acknowledged(Throwable failure) {
        if (failure != null) {
            sendFailure = failure;
        }
        synchronized (acks) {
            unacknowledged--;
            acks.notifyAll();
        }
    }

    private void awaitAcknowledged() throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ACK_WAIT.toNanos();
        synchronized (acks) {
            while (unacknowledged > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(unacknowledged + " record(s) of run " + request.runId()
                            + " not acknowledged in " + ACK_WAIT);
                }
                acks.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
