package org.mtlab.devstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.Topics;

/**
 * {@code ./mtlab bench analysis [events [quarkus-app-dir ...]]}: gradient events (4 tasks, 8 blocks) per second through
 * Kafka into the analysis, against a raw consumer reading the same bytes; then the p99 delay from an event's production
 * to its statistics being visible, at a steady 1,000 events/s. Further {@code quarkus-app} directories (earlier builds
 * of the analysis service) replay the same topic too, alternately with this build (A B … B A), for a before/after in
 * one run.
 */
public final class AnalysisThroughputBench {
    static final int TASKS = 4;
    static final int BLOCKS = 8;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path repo = Path.of(System.getProperty("mtlab.repo", ".")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(repo.resolve(".mtlab/bench-analysis-" + System.currentTimeMillis()));
        try (LocalStack stack = LocalStack.start(repo, work, LocalStack.External.none(), 0, 1, 4, Map.of())) {
            String bootstrap = stack.kafkaBootstrap();
            ServiceProcess analysis = stack.analysis();
            List<UUID> runs = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                runs.add(UUID.randomUUID());
            }
            byte[][] payloads = payloads(runs, events);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
                for (int i = 0; i < events; i++) {
                    producer.send(new ProducerRecord<>(Topics.GRADIENTS, runs.get(i % runs.size()).toString(), payloads[i]));
                }
                producer.flush();
            }
            // the analysis consumed while we produced: stopped before the raw consumer reads, so that the two do not
            // share the CPU; each replay below starts in a consumer group of its own, which has no checkpoints, so
            // that it reads everything from the start
            analysis.close();
            double raw = rawConsumerRate(bootstrap, events);
            Path built = repo.resolve("analysis-service/target/quarkus-app/quarkus-run.jar");
            List<Path> jars = new ArrayList<>(List.of(built));
            for (int a = 1; a < args.length; a++) {
                // further builds to compare on the same topic bytes, replayed in turn with this one (quarkus-app dirs)
                jars.add(Path.of(args[a]).resolve("quarkus-run.jar").toAbsolutePath());
            }
            int rounds = jars.size() > 1 ? 2 : 1;
            System.out.printf(Locale.ROOT, "| raw consumer (poll, no decoding) | %,d | %.0f events/s |%n", events, raw);
            ServiceProcess fresh = null;
            for (int round = 0; round < rounds; round++) {
                List<Path> order = new ArrayList<>(jars);
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Path jar : order) {
                    if (fresh != null) {
                        fresh.close();
                    }
                    long before = System.nanoTime();
                    Map<String, String> props = withKafka(stack.databaseProperties(), bootstrap);
                    props.put("mp.messaging.incoming.analysis-events.group.id", "bench-replay-" + UUID.randomUUID());
                    // an earlier build starts on a database this build migrated further
                    props.put("quarkus.flyway.ignore-migration-patterns", "*:future");
                    fresh = ServiceProcess.startJar(jar, "analysis-service", ServiceProcess.freePort(), props,
                            work.resolve("logs"), "512m").awaitReady(Duration.ofSeconds(120));
                    long ready = System.nanoTime();
                    // every step counted, and (builds that defer it) its Pareto stationarity computed; the first
                    // analysed event marks the end of joining the group and fetching, as the raw consumer's clock
                    // starts at its first records
                    long first = 0;
                    double firstCount = 0;
                    double count;
                    while ((count = metric(fresh, "mtlab_analysis_events_analysed_total")) < events
                            || metric(fresh, "mtlab_analysis_stationarity_unsettled_steps") > 0) {
                        if (first == 0 && count > 0) {
                            first = System.nanoTime();
                            firstCount = count;
                        }
                        Thread.sleep(50);
                    }
                    long done = System.nanoTime();
                    double fromReady = events / ((done - ready) / 1e9);
                    // the events counted by the first look are left out with the time before it; a replay already
                    // complete at the first look has no such span, and its rate from ready stands in
                    double fromFirst = first == 0 ? fromReady : (events - firstCount) / ((done - first) / 1e9);
                    if (first == 0) {
                        first = done;
                    }
                    System.out.printf(Locale.ROOT, "| analysis service (decode, dedupe, statistics)%s | %,d | %.0f events/s "
                                    + "(%.2f× the raw consumer) from its first analysed event; %.0f events/s from ready |%n",
                            jar.equals(built) ? "" : " of " + jar, events, fromFirst, fromFirst / raw, fromReady);
                    System.out.printf(Locale.ROOT, "(analysis start-up before the replay: %.1f s; ready to first analysed "
                            + "event: %.2f s)%n", (ready - before) / 1e9, (first - ready) / 1e9);
                }
            }
            // the raw consumer once more, after the replays (the analysis idle), to show how far it moves in one run
            System.out.printf(Locale.ROOT, "| raw consumer again, after the replays | %,d | %.0f events/s |%n", events,
                    rawConsumerRate(bootstrap, events));
            if (DELAY_SECONDS > 0) {
                double p99 = steadyRateDelay(bootstrap, fresh, runs, 1000, DELAY_SECONDS);
                System.out.printf(Locale.ROOT, "| p99 delay, production → visible statistics, at 1,000 events/s for %d s "
                        + "| %.1f ms |%n", DELAY_SECONDS, p99 * 1000);
            }
            fresh.close();
        }
    }

    /** Length of the live-delay phase ({@code MTLAB_BENCH_DELAY_SECONDS}, 20 unless set; 0 leaves it out). */
    static final int DELAY_SECONDS = Integer.parseInt(System.getenv().getOrDefault("MTLAB_BENCH_DELAY_SECONDS", "20"));

    /**
     * Steps per epoch ({@code MTLAB_BENCH_STEPS_PER_EPOCH}; unset: every step in epoch 0, the figures before 2026-12-07
     * session 10). An open epoch keeps its values for exact percentiles, so this sets how large a run's state grows.
     */
    static final long STEPS_PER_EPOCH = Long.parseLong(System.getenv().getOrDefault("MTLAB_BENCH_STEPS_PER_EPOCH", "0"));

    static int epochOf(long step) {
        return STEPS_PER_EPOCH <= 0 ? 0 : (int) (step / STEPS_PER_EPOCH);
    }

    static Map<String, String> withKafka(Map<String, String> db, String bootstrap) {
        Map<String, String> props = new java.util.HashMap<>(db);
        props.put("kafka.bootstrap.servers", bootstrap);
        return props;
    }

    static byte[][] payloads(List<UUID> runs, int events) {
        Random rnd = new Random(1);
        byte[][] out = new byte[events][];
        for (int i = 0; i < events; i++) {
            float[][] g = new float[TASKS][BLOCKS * 4];
            for (float[] row : g) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = (float) rnd.nextGaussian();
                }
            }
            double[][] grams = new double[BLOCKS][];
            for (int b = 0; b < BLOCKS; b++) {
                grams[b] = org.mtlab.core.gradient.GradientGeometry.packedGram(g, b * 4, b * 4 + 4);
            }
            float[] ones = {1, 1, 1, 1};
            long step = i / runs.size();
            out[i] = GradientEventCodec.encode(new GradientEvent(runs.get(i % runs.size()), 1, step, epochOf(step), ones,
                    ones, grams, null, null));
        }
        return out;
    }

    static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    static double rawConsumerRate(String bootstrap, int events) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(Topics.GRADIENTS));
            long count = 0;
            long start = 0;
            while (count < events) {
                int n = c.poll(Duration.ofMillis(200)).count();
                if (n > 0 && start == 0) {
                    start = System.nanoTime();
                }
                count += n;
            }
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Sends at a steady rate, each event a new step, then reads the analysis' p99 delay for the whole period. */
    static double steadyRateDelay(String bootstrap, ServiceProcess analysis, List<UUID> runs, int perSecond, int seconds)
            throws Exception {
        int total = perSecond * seconds;
        byte[][] payloads = payloads(runs, total);
        // new step numbers, beyond those of the throughput phase
        List<byte[]> shifted = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            GradientEvent e = GradientEventCodec.decode(payloads[i]);
            long step = 10_000_000L + i;
            shifted.add(GradientEventCodec.encode(new GradientEvent(e.runId(), 1, step, epochOf(step), e.losses(),
                    e.weights(), e.blockGrams(), null, null)));
        }
        double before = metric(analysis, "mtlab_analysis_events_analysed_total");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / perSecond);
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                producer.send(new ProducerRecord<>(Topics.GRADIENTS, runs.get(i % runs.size()).toString(), shifted.get(i)));
            }
        }
        while (metric(analysis, "mtlab_analysis_events_analysed_total") < before + total) {
            Thread.sleep(50);
        }
        return metric(analysis, "mtlab_analysis_event_delay_seconds", "quantile=\"0.99\"");
    }

    static double metric(ServiceProcess service, String name) throws Exception {
        return metric(service, name, null);
    }

    static double metric(ServiceProcess service, String name, String label) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.managementUrl() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
        double sum = 0;
        while (m.find()) {
            if (label == null || (m.group(1) != null && m.group(1).contains(label))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
