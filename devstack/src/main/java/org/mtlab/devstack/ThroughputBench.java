package org.mtlab.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.mtlab.core.contract.Json;

/**
 * Runs per hour with 1 and with 2 trainer processes: for each, a fresh local stack trains the same 12-run study;
 * the clock runs from submission until every run is finished. {@code ./mtlab bench throughput}.
 */
public final class ThroughputBench {
    static final String STUDY = """
            {"name":"throughput","dataset":{"kind":"synthetic","params":{"rho":0.5,"dimension":20,"samples":2000,"seed":7}},
             "tasks":[{"name":"y1"},{"name":"y2"}],"model":{"kind":"mlp","hidden":[32,32]},
             "optimizers":[{"name":"sgd","learningRate":0.01},{"name":"adam","learningRate":0.001}],
             "methods":["ew"],"seeds":[1,2],"epochs":8,"batchSize":32,"telemetry":{"everySteps":1}}""";

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", ".")).toAbsolutePath().normalize();
        HttpClient http = HttpClient.newHttpClient();
        System.out.println("| trainer processes | runs | wall s (submit → all finished) | runs per hour |");
        System.out.println("|---|---|---|---|");
        for (int trainers : new int[] {1, 2}) {
            Path work = Files.createDirectories(repo.resolve(".mtlab/bench-" + System.currentTimeMillis()));
            try (LocalStack stack = LocalStack.start(repo, work, LocalStack.External.none(), trainers, 1, 4, Map.of())) {
                long start = System.nanoTime();
                String auth = "Bearer " + stack.token("bench");
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(stack.gateway().url() + "/api/studies"))
                        .header("Authorization", auth).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(STUDY)).build(),
                        HttpResponse.BodyHandlers.ofString());
                String id = Json.read(created.body(), JsonNode.class).get("id").asText();
                JsonNode study;
                do {
                    Thread.sleep(250);
                    study = Json.read(http.send(HttpRequest.newBuilder(URI.create(stack.gateway().url() + "/api/studies/" + id))
                            .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString()).body(), JsonNode.class);
                } while (!study.get("status").asText().startsWith("COMPLETED") && !study.get("status").asText().startsWith("FINISHED"));
                double seconds = (System.nanoTime() - start) / 1e9;
                int runs = study.get("runs").size();
                System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.0f |%n", trainers, runs, seconds, runs * 3600 / seconds);
            }
        }
    }
}
