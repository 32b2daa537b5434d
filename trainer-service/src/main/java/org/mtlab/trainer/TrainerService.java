package org.mtlab.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.kafka.KafkaSettings;
import org.mtlab.kafka.TopicAdmin;
import org.mtlab.trainer.engine.Checkpoints;
import org.mtlab.trainer.engine.MultiTaskTrainer;

/**
 * Sets up this pod's training: the topics, the device and the checkpoints, and the trainer that
 * {@link TrainingRequestConsumer} hands each run to; its gauges count the runs in training and trained to an outcome.
 */
@ApplicationScoped
public class TrainerService {
    private static final Logger LOG = Logger.getLogger(TrainerService.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @ConfigProperty(name = "mtlab.kafka.create-topics")
    boolean createTopics;
    @ConfigProperty(name = "mtlab.kafka.partitions")
    int partitions;
    @ConfigProperty(name = "mtlab.kafka.replication")
    short replication;
    /** Runs trained at once by this process: the training-requests channel's concurrency, one group member each. */
    @ConfigProperty(name = "mtlab.trainer.workers")
    int workerCount;
    /** Kafka's limit between polls; runs may take far longer, since the channel keeps polling while they train. */
    @ConfigProperty(name = "mtlab.trainer.max-poll-interval")
    Duration maxPollInterval;
    /** How long a killed trainer's partitions (and its run) wait before another trainer takes them over. */
    @ConfigProperty(name = "mtlab.kafka.session-timeout")
    Duration sessionTimeout;
    /** cpu, gpu (fail at start when PyTorch sees none) or auto (a GPU when there is one). */
    @ConfigProperty(name = "mtlab.trainer.device")
    String device;
    /** Where runs checkpoint (one file per run id); a redelivered run resumes from its checkpoint there. */
    @ConfigProperty(name = "mtlab.trainer.checkpoint-dir")
    java.nio.file.Path checkpointDir;
    /** Steps between checkpoints (besides one at each epoch end and one when a run stops); 0: those only. */
    @ConfigProperty(name = "mtlab.trainer.checkpoint-every")
    int checkpointEvery;

    @Inject
    MeterRegistry registry;
    @Inject
    RunsInTraining runs;
    @Inject
    TrainingRequestConsumer requests;

    private final CompletableFuture<MultiTaskTrainer> trainer = new CompletableFuture<>();

    void start(@Observes StartupEvent event) throws Exception {
        try {
            System.setProperty("ai.djl.offline", "true");
            if (createTopics) {
                TopicAdmin.ensureTopics(bootstrapServers, Topics.ALL, partitions, replication);
            }
            Checkpoints checkpoints = new Checkpoints(checkpointDir, checkpointEvery);
            MultiTaskTrainer ready = new MultiTaskTrainer(selectDevice(device), null, checkpoints);
            Gauge.builder("mtlab.trainer.runs.finished", requests, TrainingRequestConsumer::runsFinished)
                    .description("runs this process trained to an outcome (completed or failed)").register(registry);
            Gauge.builder("mtlab.trainer.busy.workers", runs, RunsInTraining::count)
                    .description("runs this process trains now").register(registry);
            LOG.infof("%d training worker(s) on %s, checkpoints every %d steps in %s", workerCount, ready.deviceName(),
                    checkpointEvery, checkpoints.directory());
            trainer.complete(ready);
        } catch (Exception | Error e) {
            trainer.completeExceptionally(e); // requests waiting for the trainer fail too; the process does not start
            throw e;
        }
    }

    /**
     * The training-requests channel's consumer settings that come from durations in the configuration: a member that
     * dies without leaving keeps its partitions for the session timeout (heartbeats at a third of it, as Kafka
     * requires), and the poll interval, which runs may far outlast.
     */
    @Produces
    @Identifier("training-consumer")
    Map<String, Object> consumerSettings() {
        Map<String, Object> settings = new HashMap<>(KafkaSettings.sessionTimeout(sessionTimeout));
        settings.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval.toMillis());
        return settings;
    }

    /** The trainer, once this process has set it up (a request may arrive before). */
    MultiTaskTrainer trainer() {
        return trainer.join();
    }

    static Device selectDevice(String setting) {
        return switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (Engine.getEngine(MultiTaskTrainer.ENGINE).getGpuCount() == 0) {
                    throw new IllegalStateException("mtlab.trainer.device=gpu, but PyTorch sees no GPU: the image needs "
                            + "DJL's CUDA build of PyTorch and the node an NVIDIA driver (see docker/README.md), "
                            + "or set mtlab.trainer.device=cpu");
                }
                yield Device.gpu();
            }
            case "auto" -> Engine.getEngine(MultiTaskTrainer.ENGINE).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default -> throw new IllegalArgumentException("mtlab.trainer.device must be cpu, gpu or auto, not '" + setting + "'");
        };
    }

    /** Whether the run's outcome was published and its request not yet committed (see TrainingRequestConsumer). */
    boolean finished(TrainingRequest request) {
        return trainer().checkpoints().finished(request.runId(), request.attempt());
    }

    /** After the outcome is acknowledged: the checkpoint gives way to a "finished" mark. */
    void markFinished(TrainingRequest request) {
        try {
            trainer().checkpoints().markFinished(request.runId(), request.attempt());
        } catch (RuntimeException e) {
            LOG.warnf("run %s not marked finished: %s", request.runId(), e.toString());
        }
    }

    /** After the request's offset is committed: the finished mark goes. */
    void clearFinished(TrainingRequest request) {
        trainer().checkpoints().clearFinished(request.runId(), request.attempt());
    }

    long partitionAssignments() {
        return runs.assignments();
    }

    long busyWorkers() {
        return runs.count();
    }
}
