package org.mtlab.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.kafka.DeadLetterRecords;
import org.mtlab.core.contract.Topics;
import org.mtlab.devstack.LocalStack;
import org.mtlab.devstack.ServiceProcess;
import org.mtlab.kafka.KafkaSettings;

/**
 * The gateway and the analysis service as Quarkus native executables (the trainer stays on the JVM: DJL's natives),
 * on a real Kafka broker and PostgreSQL: a study through REST, its statistics against the JVM analysis service's for
 * the same events, health and metrics on the management port, dead letters.
 *
 * <p>Runs only when {@code -Dmtlab.native.gateway=<executable>} and {@code -Dmtlab.native.analysis-service=<executable>}
 * are given ({@code ./mtlab native-test} builds them with {@code ./mtlab native} and passes them); skipped otherwise,
 * so that the JVM suite needs no native toolchain. It also needs the JVM jars ({@code mvn package}): the trainer's,
 * and the analysis service's for the comparison.
 */
class NativeServicesEndToEndTest {
    private static final String GATEWAY_PROPERTY = "mtlab.native.gateway";
    private static final String ANALYSIS_PROPERTY = "mtlab.native.analysis-service";
    private static LocalStack stack;

    @BeforeAll
    static void startStackWithNativeServices() throws Exception {
        String gatewayExecutable = System.getProperty(GATEWAY_PROPERTY, "");
        String analysisExecutable = System.getProperty(ANALYSIS_PROPERTY, "");
        assumeTrue(!gatewayExecutable.isBlank() && !analysisExecutable.isBlank(),
                "native executables not given (-D" + GATEWAY_PROPERTY + "=... -D" + ANALYSIS_PROPERTY + "=...)");
        Path repo = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(repo.resolve("e2e-tests/target/e2e-native-" + System.currentTimeMillis()));
        stack = LocalStack.start(repo, work, LocalStack.External.none(), 1, 1, 4, Map.of(),
                Map.of("gateway", Path.of(gatewayExecutable), "analysis-service", Path.of(analysisExecutable)));
        E2eAuth.use(stack);
    }

    @AfterAll
    static void stopStack() throws Exception {
        E2eAuth.clear();
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * The report figures: JFreeChart on headless Java2D (quarkus-awt). With a GraalVM or Mandrel home they are PNGs a
     * reader can open. With this workplace's native-image stand-in ({@code -Dmtlab.native.toolchain=standin}, set by
     * {@code ./mtlab native-test}) AWT's native part does not load (libawt.so is opened, its headless half never is, so
     * {@code java.awt.Font.initIDs} has no symbol): the service must then say so (503 problem+json naming Java2D, the
     * HTML report without figures but with the reason) instead of failing the request.
     */
    private static void figuresAreDrawnOrTheToolchainsLimitIsSaid(String analysis, String studyId) throws Exception {
        String figure = "/api/studies/" + studyId + "/figures/pareto.png";
        String html = "/api/studies/" + studyId + "/report.html";
        if ("standin".equals(System.getProperty("mtlab.native.toolchain"))) {
            given().baseUri(analysis).get(figure).then().statusCode(503).contentType("application/problem+json")
                    .body("detail", containsString("Java2D's native libraries are unavailable"))
                    .body("detail", containsString("java.awt.Font"));
            given().baseUri(analysis).get(html).then().statusCode(200)
                    .body(containsString("cannot draw figures")).body(not(containsString("data:image/png")));
            return;
        }
        byte[] pareto = given().baseUri(analysis).get(figure).then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(pareto));
        assertEquals(List.of(640, 420), List.of(image.getWidth(), image.getHeight()), "the Pareto figure's size");
        given().baseUri(analysis).get(html).then().statusCode(200)
                .body(containsString("src=\"data:image/png;base64,"));
    }

    @Test
    void aStudyRunsOnTheNativeServicesAndTheirStatisticsEqualTheJvmAnalysisServices() throws Exception {
        for (ServiceProcess service : List.of(stack.gateway(), stack.analysis())) {
            assertTrue(service.isNative());
            // Quarkus names the launch mode in its start-up line: "... native (powered by Quarkus ...) started in ..."
            assertTrue(Files.readString(service.log()).contains(" native (powered by Quarkus"),
                    service.name() + " did not start as a native executable; see " + service.log());
        }
        Map<String, Long> residentAtRestKiB = Map.of("gateway", stack.gateway().residentKiB(),
                "analysis-service", stack.analysis().residentKiB());

        String gateway = stack.gateway().url();
        String analysis = stack.analysis().url();
        String studyId = given().baseUri(gateway).contentType("application/json")
                .body(StudyEndToEndTest.spec("native-rho-0.9", 0.9))
                .post("/api/studies").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                given().baseUri(gateway).get("/api/studies/" + studyId).then().body("status", equalTo("COMPLETED")));
        JsonPath study = StudyEndToEndTest.exact(given().baseUri(gateway).get("/api/studies/" + studyId).asString());
        assertEquals(3, study.getList("runs").size());
        assertEquals(List.of("COMPLETED", "COMPLETED", "COMPLETED"), study.getList("runs.status"));
        String mtlRun = study.getString("runs.find { it.kind == 'MTL' }.id");
        long steps = study.getLong("runs.find { it.kind == 'MTL' }.step");
        assertTrue(steps > 0);

        // the native analysis: every step analysed, the cosine equal to one recomputed here from the full gradients
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(analysis)
                .get("/api/runs/" + mtlRun + "/gradients").then().statusCode(200)
                .body("analysedSteps", equalTo((int) steps)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(analysis)
                .get("/api/studies/" + studyId + "/analysis").then().statusCode(200)
                .body("analysis.finishedRuns", equalTo(3)));
        String nativeGradients = given().baseUri(analysis).get("/api/runs/" + mtlRun + "/gradients").asString();
        String nativeStudyAnalysis = given().baseUri(analysis).get("/api/studies/" + studyId + "/analysis").asString();
        double nativeCosine = StudyEndToEndTest.exact(nativeGradients).getDouble("statistics.pairs[0].cosine.mean");
        assertEquals(StudyEndToEndTest.meanCosineFromFullGradients(stack, UUID.fromString(mtlRun), steps), nativeCosine,
                1e-6, "native analysis cosine vs cosine recomputed from full gradients");
        // the report renders natively too (Jackson over the report records, the Markdown renderer)
        given().baseUri(analysis).get("/api/studies/" + studyId + "/report").then().statusCode(200)
                .body("finishedRuns", equalTo(3));
        given().baseUri(analysis).get("/api/studies/" + studyId + "/report.md").then().statusCode(200)
                .body(containsString(studyId)).body(containsString("figures/pareto.png"));
        figuresAreDrawnOrTheToolchainsLimitIsSaid(analysis, studyId);
        // the dashboard and its chart library (a webjar resource, included in the image by application.properties)
        given().baseUri(gateway).get("/").then().statusCode(200).body(containsString("echarts"));
        given().baseUri(gateway).get("/webjars/echarts/5.3.1/dist/echarts.min.js").then().statusCode(200);

        healthAndMetricsAnswerOnTheManagementPortOnly();
        badRecordsAreDeadLettered();

        Map<String, Long> residentAfterStudyKiB = Map.of("gateway", stack.gateway().residentKiB(),
                "analysis-service", stack.analysis().residentKiB());
        System.out.printf("native start-to-ready: gateway %s, analysis-service %s; resident KiB at rest %s, after the"
                        + " study %s%n", stack.gateway().startToReady(), stack.analysis().startToReady(),
                residentAtRestKiB, residentAfterStudyKiB);

        // the JVM analysis service in the native one's place, its tables emptied: it replays the same events from Kafka
        // and must arrive at the same statistics, byte for byte in the JSON
        ServiceProcess jvmAnalysis = stack.replaceAnalysisWithJvm(0, NativeServicesEndToEndTest::emptyAnalysisTable);
        assertTrue(!jvmAnalysis.isNative());
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> given().baseUri(jvmAnalysis.url())
                .get("/api/studies/" + studyId + "/analysis").then().statusCode(200)
                .body("analysis.finishedRuns", equalTo(3)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(
                StudyEndToEndTest.exact(nativeGradients).getString("statistics"),
                StudyEndToEndTest.exact(given().baseUri(jvmAnalysis.url()).get("/api/runs/" + mtlRun + "/gradients")
                        .asString()).getString("statistics")));
        assertEquals(nativeStudyAnalysis, given().baseUri(jvmAnalysis.url()).get("/api/studies/" + studyId + "/analysis")
                .asString(), "study analysis: native vs JVM analysis service over the same events");
    }

    private static void healthAndMetricsAnswerOnTheManagementPortOnly() {
        for (ServiceProcess service : List.of(stack.gateway(), stack.analysis())) {
            given().baseUri(service.managementUrl()).get("/q/health/ready").then().statusCode(200)
                    .body("status", equalTo("UP"));
            given().baseUri(service.managementUrl()).get("/q/health/live").then().statusCode(200);
            given().baseUri(service.url()).get("/q/health/ready").then().statusCode(404);
            given().baseUri(service.url()).get("/q/metrics").then().statusCode(404);
        }
        given().baseUri(stack.gateway().managementUrl()).get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"));
        given().baseUri(stack.analysis().managementUrl()).get("/q/metrics").then().statusCode(200)
                .body(containsString("mtlab_analysis_events_analysed_total"));
    }

    /**
     * An authorised but unreadable study submission (the gateway's intake) and an undecodable gradient event (the
     * analysis's), each dead-lettered with its reason.
     */
    private static void badRecordsAreDeadLettered() throws Exception {
        String submissionKey = "bad-submission-" + UUID.randomUUID();
        String gradientKey = UUID.randomUUID().toString();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(stack.kafkaBootstrap(), "e2e"))) {
            // with a valid token, so that it passes the native JWT check and fails in the native JSON reading
            ProducerRecord<String, byte[]> submission = new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, submissionKey,
                    "{\"name\":".getBytes(StandardCharsets.UTF_8));
            submission.headers().add("authorization",
                    ("Bearer " + stack.token(E2eAuth.TENANT)).getBytes(StandardCharsets.UTF_8));
            p.send(submission).get();
            p.send(new ProducerRecord<>(Topics.GRADIENTS, gradientKey, new byte[] {1, 2, 3})).get();
        }
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSettings.consumer(stack.kafkaBootstrap(),
                "e2e-native-dlq-" + UUID.randomUUID(), "e2e-dlq"))) {
            c.subscribe(List.of(Topics.DEAD_LETTERS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> letters.add(DeadLetterRecords.read(r)));
                return letters.stream().anyMatch(l -> submissionKey.equals(l.key()))
                        && letters.stream().anyMatch(l -> gradientKey.equals(l.key()));
            });
        }
        DeadLetter submission = letters.stream().filter(l -> submissionKey.equals(l.key())).findFirst().orElseThrow();
        assertEquals(Topics.STUDY_SUBMISSIONS, submission.topic());
        assertTrue(submission.reason().contains("not valid JSON"), "dead-lettered for: " + submission.reason());
        DeadLetter gradient = letters.stream().filter(l -> gradientKey.equals(l.key())).findFirst().orElseThrow();
        assertEquals(Topics.GRADIENTS, gradient.topic());
        assertTrue(gradient.consumer().contains("analysis"), "dead-lettered by " + gradient.consumer());
        assertTrue(gradient.reason().contains("too short"), "dead-lettered for: " + gradient.reason());
    }

    /**
     * Deletes the analysis service's persisted statistics and its checkpoints, so that what the JVM service serves is
     * its own, read from Kafka's beginning rather than restored from the native service's checkpoints.
     */
    private static void emptyAnalysisTable() {
        Map<String, String> db = stack.databaseProperties();
        try (Connection connection = DriverManager.getConnection(db.get("quarkus.datasource.jdbc.url"),
                db.getOrDefault("quarkus.datasource.username", "postgres"), db.get("quarkus.datasource.password"));
             Statement statement = connection.createStatement()) {
            assertTrue(statement.executeUpdate("delete from analysis_run") > 0, "no analysis rows to delete");
            assertTrue(statement.executeUpdate("delete from analysis_checkpoint") > 0, "no checkpoints to delete");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
