package org.mtlab.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Topics;
import org.mtlab.core.contract.TrainingRequest;

/**
 * {@code ./mtlab bench analysis-restart [events ...]} (default 10,000 and 1,000,000): after that many gradient events
 * (8 runs of 4 tasks and 8 blocks, 1,000 steps an epoch) are analysed, the time from starting an analysis process to
 * its runs' statistics being whole and current (every step counted, nothing left to read), two ways: a restart, which
 * restores the runs from the checkpoints the stopped process stored; and a process in a new consumer group, which has
 * no checkpoint and reads the topics from the beginning, as every restart did before checkpoints.
 */
public final class AnalysisRestartBench {
    static final int RUNS = 8;
    static final int STEPS_PER_EPOCH = 1_000;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String arg : args) {
            sizes.add(Integer.parseInt(arg));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(10_000, 1_000_000);
        }
        Path repo = Path.of(System.getProperty("mtlab.repo", ".")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(repo.resolve(".mtlab/bench-analysis-restart-" + System.currentTimeMillis()));
        System.out.println("| events analysed | restart (restored from checkpoints) | new consumer group (read from the beginning) |");
        System.out.println("|---|---|---|");
        for (int events : sizes) {
            // a stack of its own per size: the topics hold exactly these events
            try (LocalStack stack = LocalStack.start(repo, work.resolve("n" + events), LocalStack.External.none(), 0, 1, 4,
                    Map.of())) {
                List<UUID> runs = produce(stack.kafkaBootstrap(), events);
                ServiceProcess analysis = stack.analysis();
                await(analysis, runs, events, Duration.ofMinutes(30));
                // stopped gracefully (SIGTERM): it stores every partition's checkpoint as it leaves
                ServiceProcess restarted = stack.restartAnalysis(0);
                double restored = caughtUp(restarted, runs, events);
                Map<String, String> props = new java.util.HashMap<>(stack.databaseProperties());
                props.put("kafka.bootstrap.servers", stack.kafkaBootstrap());
                props.put("mp.messaging.incoming.analysis-events.group.id", "bench-replay-" + UUID.randomUUID());
                restarted.close();
                ServiceProcess replaying = ServiceProcess.start(repo, "analysis-service", ServiceProcess.freePort(), props,
                        work.resolve("logs"), "384m").awaitReady(Duration.ofSeconds(120));
                try {
                    double replayed = caughtUp(replaying, runs, events);
                    System.out.printf(Locale.ROOT, "| %,d | %.1f s | %.1f s |%n", events, restored, replayed);
                } finally {
                    replaying.close();
                }
            }
        }
    }

    /** Seconds from the process' start to every step of every run counted and no record left to read. */
    static double caughtUp(ServiceProcess analysis, List<UUID> runs, int events) throws Exception {
        long readyAt = System.nanoTime();
        await(analysis, runs, events, Duration.ofMinutes(30));
        return analysis.startToReady().toNanos() / 1e9 + (System.nanoTime() - readyAt) / 1e9;
    }

    static void await(ServiceProcess analysis, List<UUID> runs, int events, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (analysedSteps(analysis, runs) < events
                || AnalysisThroughputBench.metric(analysis, "mtlab_analysis_consumer_lag_records") > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("analysis did not catch up with " + events + " events in " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Steps counted in this process' memory, over all runs (the per-run gauge exists only where the run is held: a REST
     * read would fall back to the rows another process stored).
     */
    static long analysedSteps(ServiceProcess analysis, List<UUID> runs) throws Exception {
        return (long) AnalysisThroughputBench.metric(analysis, "mtlab_grad_steps_analysed");
    }

    /** The runs' STARTED events, then {@code events} gradient events round-robin over the runs. */
    static List<UUID> produce(String bootstrap, int events) throws Exception {
        UUID study = UUID.randomUUID();
        List<TrainingRequest> requests = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            List<String> tasks = List.of("a", "b", "c", "d");
            requests.add(new TrainingRequest(1, UUID.randomUUID(), study, 1, RunKind.MTL, tasks, tasks,
                    new StudySpec.DatasetSpec("synthetic", null), new StudySpec.ModelSpec("mlp", List.of(4)),
                    new StudySpec.OptimizerSpec("adam", 0.01, null), "ew", r, 1, 8, StudySpec.TelemetrySpec.DEFAULT));
        }
        Random rnd = new Random(1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(AnalysisThroughputBench.producerProps(bootstrap))) {
            for (TrainingRequest r : requests) {
                producer.send(new ProducerRecord<>(Topics.RUN_EVENTS, r.runId().toString(), RunEvent.started(r,
                        events / RUNS, new RunEvent.RunDescriptor(r.kind(), r.tasks(), "adam", 0.01, "ew", r.seed(),
                                List.of("trunk"), 32, "cpu")).encode()));
            }
            int blocks = AnalysisThroughputBench.BLOCKS;
            for (int i = 0; i < events; i++) {
                float[][] g = new float[AnalysisThroughputBench.TASKS][blocks * 4];
                for (float[] row : g) {
                    for (int k = 0; k < row.length; k++) {
                        row[k] = (float) rnd.nextGaussian();
                    }
                }
                double[][] grams = new double[blocks][];
                for (int b = 0; b < blocks; b++) {
                    grams[b] = org.mtlab.core.gradient.GradientGeometry.packedGram(g, b * 4, b * 4 + 4);
                }
                float[] ones = {1, 1, 1, 1};
                UUID run = requests.get(i % RUNS).runId();
                long step = i / RUNS;
                producer.send(new ProducerRecord<>(Topics.GRADIENTS, run.toString(), GradientEventCodec.encode(
                        new GradientEvent(run, 1, step, (int) (step / STEPS_PER_EPOCH), ones, ones, grams, null, null))));
            }
            producer.flush();
        }
        return requests.stream().map(TrainingRequest::runId).toList();
    }
}
