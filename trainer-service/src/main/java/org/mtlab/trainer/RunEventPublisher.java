package org.mtlab.trainer;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.trainer.engine.TrainingListener;

/**
 * Streams one run's events to Kafka, keyed by run id. Telemetry and progress are sent without waiting (the training
 * step must not wait on the broker); the outcome is sent and acknowledged before the request's offset may be
 * committed.
 */
final class RunEventPublisher implements TrainingListener {
    private final Producer<String, byte[]> producer;
    private final TrainingRequest request;
    private final String key;
    private volatile Exception sendFailure;
    private volatile long totalSteps;

    RunEventPublisher(Producer<String, byte[]> producer, TrainingRequest request) {
        this.producer = producer;
        this.request = request;
        this.key = request.runId().toString();
    }

    @Override
    public void started(long totalSteps, RunEvent.RunDescriptor run) {
        this.totalSteps = totalSteps;
        send(Topics.RUN_EVENTS, RunEvent.started(request, totalSteps, run).encode());
    }

    @Override
    public void gradients(GradientEvent event) {
        send(Topics.GRADIENTS, GradientEventCodec.encode(event));
    }

    @Override
    public void progress(long step, long totalSteps, int epoch) {
        send(Topics.RUN_EVENTS, RunEvent.progress(request, step, totalSteps, epoch).encode());
    }

    @Override
    public void evaluated(long step, int epoch, List<RunEvent.Metric> metrics) {
        send(Topics.RUN_EVENTS, RunEvent.eval(request, step, totalSteps, epoch, metrics).encode());
    }

    /** Waits until Kafka has acknowledged everything sent so far (a kill -9 after this loses none of it). */
    @Override
    public void beforeCheckpoint() {
        producer.flush();
        if (sendFailure != null) {
            throw new IllegalStateException("telemetry of run " + key + " was not delivered: " + sendFailure);
        }
    }

    /** Sends the outcome after everything sent before it, and waits until Kafka has it. */
    void finish(RunEvent outcome) throws ExecutionException, InterruptedException, TimeoutException {
        producer.flush();
        if (sendFailure != null) {
            throw new ExecutionException("telemetry of run " + key + " was not delivered", sendFailure);
        }
        producer.send(new ProducerRecord<>(Topics.RUN_EVENTS, key, outcome.encode())).get(2, TimeUnit.MINUTES);
    }

    private void send(String topic, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null) {
                sendFailure = error;
            }
        });
    }
}
