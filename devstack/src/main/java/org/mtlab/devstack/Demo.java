package org.mtlab.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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
import java.util.concurrent.CountDownLatch;
import org.mtlab.core.contract.Json;
import org.mtlab.core.report.VerdictLead;

/**
 * {@code ./mtlab demo}: starts PostgreSQL, a Kafka broker process and the three services, submits the default study,
 * shows each run's progress, prints the result table and the verdict's lead, and keeps everything up until Ctrl-C.
 */
public final class Demo {
    static final String DEFAULT_STUDY = """
            {"name":"demo: two correlated regression tasks, STL vs MTL, SGD vs Adam",
             "dataset":{"kind":"synthetic","params":{"rho":0.5,"dimension":20,"samples":2000,"seed":7}},
             "tasks":[{"name":"y1"},{"name":"y2"}],
             "model":{"kind":"mlp","hidden":[32,32]},
             "optimizers":[{"name":"sgd","learningRate":0.01,"momentum":0.9},{"name":"adam","learningRate":0.001}],
             "methods":["ew"],"seeds":[1,2],"epochs":8,"batchSize":32,
             "telemetry":{"everySteps":1,"fullGradients":false}}""";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;

    Demo(String token) {
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", ".")).toAbsolutePath().normalize();
        boolean wait = !List.of(args).contains("--no-wait");
        String specFile = List.of(args).stream().filter(a -> a.startsWith("--spec=")).map(a -> a.substring(7))
                .findFirst().orElse(null);
        String spec = specFile == null ? DEFAULT_STUDY : Files.readString(Path.of(specFile));
        int trainers = Integer.parseInt(System.getenv().getOrDefault("MTLAB_TRAINERS", "1"));
        Path work = Files.createDirectories(repo.resolve(".mtlab/demo-" + System.currentTimeMillis()));
        long started = System.nanoTime();
        System.out.println("mtlab demo: starting PostgreSQL, Kafka and the services (logs in " + repo.relativize(work) + ")");
        LocalStack stack = LocalStack.start(repo, work, LocalStack.External.fromEnvironment(), trainers, 1, 4, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        // where ./mtlab report finds the running services
        Path env = repo.resolve(".mtlab/demo.env");
        // a token of the demo's tenant, signed by the key pair this stack created (the gateway holds its public key)
        String token = stack.token("demo");
        Files.writeString(env, "MTLAB_GATEWAY_URL=" + stack.gateway().url() + "\nMTLAB_ANALYSIS_URL="
                + stack.analysis().url() + "\nMTLAB_TOKEN=" + token + "\n");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping everything the demo started ...");
            try {
                Files.deleteIfExists(env);
            } catch (IOException ignored) {
                // a stale file only points ./mtlab report at a closed port, which it reports
            }
            try {
                stack.close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
            stopped.countDown();
        }));
        System.out.printf("ready in %.0f s: gateway %s, analysis %s, Kafka %s%n", seconds(started),
                stack.gateway().url(), stack.analysis().url(), stack.kafkaBootstrap());
        System.out.println("token (tenant 'demo', 12 h; also in .mtlab/demo.env as MTLAB_TOKEN):\n  " + token);
        System.out.println("dashboard: " + stack.gateway().url() + "/   (sign in with the token)");
        Demo demo = new Demo(token);
        String studyId = demo.submit(stack.gateway().url(), spec);
        demo.followProgress(stack.gateway().url(), studyId);
        demo.printResults(stack.gateway().url(), stack.analysis().url(), studyId);
        System.out.printf("%ndemo wall time: %.0f s (start-up included)%n", seconds(started));
        System.out.println("\nThe services stay up:");
        System.out.println("  dashboard: " + stack.gateway().url() + "/#" + studyId + "   (sign in with the token above)");
        System.out.println("  study:    " + stack.gateway().url() + "/api/studies/" + studyId);
        System.out.println("  analysis: " + stack.analysis().url() + "/api/studies/" + studyId + "/analysis");
        System.out.println("  metrics:  " + stack.analysis().managementUrl() + "/q/metrics");
        System.out.println("  report:   ./mtlab report " + studyId + "   (or " + stack.analysis().url() + "/api/studies/"
                + studyId + "/report.html)");
        if (wait) {
            System.out.println("Press Ctrl-C to stop them.");
            stopped.await();
        } else {
            System.exit(0);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    String submit(String gateway, String spec) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/studies"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(spec)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("the gateway refused the study (" + response.statusCode() + "): " + response.body());
        }
        JsonNode study = Json.read(response.body(), JsonNode.class);
        System.out.println("submitted study " + study.get("id").asText() + " with " + study.get("runs").size() + " runs");
        return study.get("id").asText();
    }

    JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.read(response.body(), JsonNode.class);
    }

    /** Prints a run's progress line whenever it changed, until every run is finished. */
    void followProgress(String gateway, String studyId) throws IOException, InterruptedException {
        Map<String, String> shown = new java.util.HashMap<>();
        String lastSummary = "";
        while (true) {
            JsonNode study = get(gateway + "/api/studies/" + studyId);
            for (JsonNode run : study.get("runs")) {
                double progress = run.get("progress").asDouble();
                int filled = (int) Math.round(progress * 20);
                String line = String.format(Locale.ROOT, "  %-28s [%s%s] %3.0f%% %s", run.get("label").asText(),
                        "#".repeat(filled), ".".repeat(20 - filled), progress * 100, run.get("status").asText());
                if (!line.equals(shown.put(run.get("label").asText(), line))) {
                    System.out.println(line);
                }
            }
            String summary = study.get("status").asText() + " " + study.get("runsByStatus");
            if (!summary.equals(lastSummary)) {
                System.out.println("study " + summary);
                lastSummary = summary;
            }
            if (study.get("status").asText().startsWith("COMPLETED") || study.get("status").asText().startsWith("FINISHED")) {
                return;
            }
            Thread.sleep(2000);
        }
    }

    void printResults(String gateway, String analysis, String studyId) throws IOException, InterruptedException {
        JsonNode result = null;
        for (int i = 0; i < 30; i++) {
            JsonNode view = get(analysis + "/api/studies/" + studyId + "/analysis");
            result = view.get("analysis");
            // the view counts every finished run; the analysis only those its validation selection chose
            if (view.get("finishedRuns").asInt() == get(gateway + "/api/studies/" + studyId).get("runs").size()) {
                break;
            }
            Thread.sleep(1000);
        }
        System.out.println("\nTest MSE per task (mean ± std over seeds; lower is better; learning rate and epoch chosen on "
                + "validation)");
        System.out.printf("  %-22s", "configuration");
        for (JsonNode task : result.get("tasks")) {
            System.out.printf("%-22s", task.asText());
        }
        System.out.printf("%s%n", "Δm% (lower is better)");
        for (JsonNode baseline : result.get("stlBaselines")) {
            for (JsonNode option : baseline.get("byOptimizer")) {
                System.out.printf("  %-22s", "STL " + option.get("optimizer").asText() + " [" + baseline.get("task").asText() + "]");
                for (JsonNode task : result.get("tasks")) {
                    System.out.printf("%-22s", task.asText().equals(baseline.get("task").asText()) ? spread(option.get("metric"))
                            + (option.get("optimizer").asText().equals(baseline.get("bestOptimizer").asText()) ? " *" : "") : "");
                }
                System.out.println();
            }
        }
        for (JsonNode config : result.get("configurations")) {
            System.out.printf("  %-22s", "MTL " + config.get("optimizer").asText() + "/" + config.get("method").asText());
            for (JsonNode task : result.get("tasks")) {
                System.out.printf("%-22s", spread(config.get("perTask").get(task.asText())));
            }
            System.out.println(config.get("deltaMPercent").isNull() ? "n/a" : spread(config.get("deltaMPercent")));
        }
        System.out.println("  (* = the STL baseline of that task: its best optimizer)");
        List<String> front = new ArrayList<>();
        result.get("paretoPoints").forEach(p -> {
            if (p.get("onFront").asBoolean()) {
                front.add(p.get("label").asText());
            }
        });
        System.out.println("\nPareto front (" + front.size() + " of " + result.get("paretoPoints").size() + " points): " + front);
        System.out.println("front members per optimizer: " + result.get("frontMembersByOptimizer"));
        System.out.println("\nGradient conflict on the shared trunk, MTL runs (cosine < 0 = conflicting step)");
        for (JsonNode run : get(gateway + "/api/studies/" + studyId).get("runs")) {
            if (!run.get("kind").asText().equals("MTL")) {
                continue;
            }
            JsonNode pair = get(analysis + "/api/runs/" + run.get("id").asText() + "/gradients").get("statistics").get("pairs").get(0);
            System.out.printf(Locale.ROOT, "  %-28s mean cosine %+.3f  conflict fraction %.2f  magnitude similarity %.3f%n",
                    run.get("label").asText(), pair.get("cosine").get("mean").asDouble(),
                    pair.get("cosine").get("negativeFraction").asDouble(), pair.get("magnitudeSimilarity").get("mean").asDouble());
        }
        // last, the report's lead as the report, the dashboard and ./mtlab report show it: the decision, then its bullets
        JsonNode lead = get(analysis + "/api/studies/" + studyId + "/report").get("verdict").get("lead");
        System.out.println("\nVerdict: " + Json.read(lead.toString(), VerdictLead.class).plainText());
        System.out.println("  (per-task figures, rules and warnings: ./mtlab report " + studyId + ")");
    }

    private static String spread(JsonNode s) {
        return String.format(Locale.ROOT, "%.4f ± %.4f", s.get("mean").asDouble(), s.get("std").asDouble());
    }
}
