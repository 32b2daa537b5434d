package org.mtlab.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtlab.core.contract.Json;

/**
 * Start-up time (process start to the first ready health check) and resident memory (at rest, and after one study)
 * of the gateway and the analysis service, on the JVM and as native executables, in one run: a fresh local stack
 * (PostgreSQL, Kafka, one JVM trainer) per mode, the same study in each.
 *
 * <p>{@code ./mtlab bench native} (after {@code ./mtlab native}); arguments: the gateway's and the analysis
 * service's native executables.
 */
public final class NativeVsJvmBench {
    /** The measured study: the end-to-end test's (3 runs of 3 epochs, full gradients every step). */
    static final String STUDY = """
            {"name":"native-vs-jvm","dataset":{"kind":"synthetic","params":{"rho":0.9,"dimension":10,"samples":2000,"seed":5}},
             "tasks":[{"name":"y1"},{"name":"y2"}],"model":{"kind":"mlp","hidden":[16]},
             "optimizers":[{"name":"adam","learningRate":0.01}],
             "methods":["ew"],"seeds":[1],"epochs":3,"batchSize":32,
             "telemetry":{"everySteps":1,"fullGradients":true}}""";
    /** How long a service idles after it is ready before its resident memory "at rest" is read. */
    static final Duration SETTLE = Duration.ofSeconds(10);

    record Measurement(String mode, String service, Duration startToReady, long residentAtRestKiB,
                       long residentAfterStudyKiB) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: NativeVsJvmBench <gateway-native-executable> <analysis-service-native-executable>");
            System.exit(2);
        }
        Path repo = Path.of(System.getProperty("mtlab.repo", ".")).toAbsolutePath().normalize();
        Map<String, Path> executables = Map.of("gateway", Path.of(args[0]), "analysis-service", Path.of(args[1]));
        List<Measurement> measurements = new ArrayList<>();
        Map<String, Map<String, Path>> modes = new LinkedHashMap<>();
        modes.put("jvm", Map.of());
        modes.put("native", executables);
        for (var mode : modes.entrySet()) {
            Path work = Files.createDirectories(repo.resolve(".mtlab/bench-native/" + mode.getKey() + "-"
                    + System.currentTimeMillis()));
            try (LocalStack stack = LocalStack.start(repo, work, LocalStack.External.none(), 1, 1, 4, Map.of(),
                    mode.getValue())) {
                Thread.sleep(SETTLE.toMillis());
                long gatewayAtRest = stack.gateway().residentKiB();
                long analysisAtRest = stack.analysis().residentKiB();
                runStudy(stack);
                measurements.add(new Measurement(mode.getKey(), "gateway", stack.gateway().startToReady(),
                        gatewayAtRest, stack.gateway().residentKiB()));
                measurements.add(new Measurement(mode.getKey(), "analysis-service", stack.analysis().startToReady(),
                        analysisAtRest, stack.analysis().residentKiB()));
            }
        }
        System.out.println("| service | mode | start to ready | resident at rest | resident after the study |");
        System.out.println("|---|---|---:|---:|---:|");
        for (Measurement m : measurements) {
            System.out.printf("| %s | %s | %.3f s | %.1f MB | %.1f MB |%n", m.service(), m.mode(),
                    m.startToReady().toMillis() / 1000.0, m.residentAtRestKiB() / 1024.0,
                    m.residentAfterStudyKiB() / 1024.0);
        }
    }

    /** Submits {@link #STUDY} through the gateway and waits until it is completed and the analysis has all its runs. */
    static void runStudy(LocalStack stack) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String token = "Bearer " + stack.token("bench");
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(stack.gateway().url() + "/api/studies"))
                .header("Authorization", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(STUDY)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("study refused (" + created.statusCode() + "): " + created.body());
        }
        String studyId = Json.read(created.body(), JsonNode.class).get("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode study = Json.read(http.send(HttpRequest.newBuilder(URI.create(stack.gateway().url()
                    + "/api/studies/" + studyId)).header("Authorization", token).build(),
                    HttpResponse.BodyHandlers.ofString()).body(), JsonNode.class);
            HttpResponse<String> analysis = http.send(HttpRequest.newBuilder(URI.create(stack.analysis().url()
                    + "/api/studies/" + studyId + "/analysis")).build(), HttpResponse.BodyHandlers.ofString());
            if ("COMPLETED".equals(study.path("status").asText()) && analysis.statusCode() == 200
                    && Json.read(analysis.body(), JsonNode.class).path("analysis").path("finishedRuns").asInt() == 3) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("study " + studyId + " not completed and analysed within 10 minutes");
    }
}
