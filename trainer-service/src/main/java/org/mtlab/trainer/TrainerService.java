package org.mtlab.trainer;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import ai.djl.Device;
import ai.djl.engine.Engine;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.Topics;
import org.mtlab.kafka.KafkaSettings;
import org.mtlab.kafka.RetryPolicy;
import org.mtlab.kafka.TopicAdmin;
import org.mtlab.trainer.engine.Checkpoints;
import org.mtlab.trainer.engine.MultiTaskTrainer;

/** Starts this pod's training workers: each one a consumer-group member that trains one run at a time. */
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
    /** Runs trained at once by this process; one per worker (and per Kafka partition at most). */
    @ConfigProperty(name = "mtlab.trainer.workers")
    int workerCount;
    /** Kafka's limit between polls; runs may take far longer, since the workers keep polling while they train. */
    @ConfigProperty(name = "mtlab.trainer.max-poll-interval")
    java.time.Duration maxPollInterval;
    /** How long a killed trainer's partitions (and its run) wait before another trainer takes them over. */
    @ConfigProperty(name = "mtlab.kafka.session-timeout")
    java.time.Duration sessionTimeout;
    /** cpu, gpu (fail at start when PyTorch sees none) or auto (a GPU when there is one). */
    @ConfigProperty(name = "mtlab.trainer.device")
    String device;
    /** Where runs checkpoint (one file per run id); a redelivered run resumes from its checkpoint there. */
    @ConfigProperty(name = "mtlab.trainer.checkpoint-dir")
    java.nio.file.Path checkpointDir;
    /** Steps between checkpoints (besides one at each epoch end and one when a worker stops); 0: those only. */
    @ConfigProperty(name = "mtlab.trainer.checkpoint-every")
    int checkpointEvery;

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @jakarta.inject.Inject
    TrainerChannels channels;

    /** For the consumer still on the raw client: the dead letters of training requests. */
    private KafkaProducer<String, byte[]> producer;
    private final List<TrainingWorker> workers = new ArrayList<>();
    @jakarta.inject.Inject
    CancelledRuns cancelledRuns;

    void start(@Observes StartupEvent event) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        if (createTopics) {
            TopicAdmin.ensureTopics(bootstrapServers, Topics.ALL, partitions, replication);
        }
        producer = new KafkaProducer<>(KafkaSettings.producer(bootstrapServers, "trainer-" + ProcessHandle.current().pid()));
        Checkpoints checkpoints = new Checkpoints(checkpointDir, checkpointEvery);
        MultiTaskTrainer trainer = new MultiTaskTrainer(selectDevice(device), null, checkpoints);
        for (int i = 0; i < workerCount; i++) {
            String name = "trainer-" + ProcessHandle.current().pid() + "-" + i;
            workers.add(new TrainingWorker(name, bootstrapServers, maxPollInterval, sessionTimeout, producer, channels, trainer,
                    cancelledRuns, RetryPolicy.from(key -> org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue(key, String.class))).start());
        }
        io.micrometer.core.instrument.Gauge.builder("mtlab.trainer.runs.finished", this,
                        s -> s.workers.stream().mapToLong(TrainingWorker::runsFinished).sum())
                .description("runs this process trained to an outcome (completed or failed)").register(registry);
        io.micrometer.core.instrument.Gauge.builder("mtlab.trainer.busy.workers", this, TrainerService::busyWorkers)
                .description("workers training a run now").register(registry);
        LOG.infof("%d training worker(s) on %s, checkpoints every %d steps in %s", workerCount, trainer.deviceName(),
                checkpointEvery, checkpoints.directory());
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

    void stop(@Observes ShutdownEvent event) {
        workers.forEach(TrainingWorker::close);
        if (producer != null) {
            producer.close();
        }
    }

    boolean workersAlive() {
        return !workers.isEmpty() && workers.stream().allMatch(TrainingWorker::isAlive);
    }

    long partitionAssignments() {
        return workers.stream().mapToLong(TrainingWorker::assignments).sum();
    }

    long busyWorkers() {
        return workers.stream().filter(TrainingWorker::busy).count();
    }
}
