package org.mtlab.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.Topics;
import org.mtlab.devstack.LocalStack;
import org.mtlab.devstack.ServiceProcess;
import org.mtlab.kafka.KafkaSettings;

/**
 * No secret ever appears in a log line, an error body, a metric or a dead letter. A whole study runs through the
 * three services as separate processes, with good and bad tokens over REST and Kafka; then every service log, every
 * response body, every service's Prometheus scrape and every record of {@code mtlab.dlq} is searched for the tokens
 * (whole, and their signatures alone), the issuer's private key and the database password.
 */
class SecretsNeverLeakTest {
    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(repo.resolve("e2e-tests/target/secrets-" + System.currentTimeMillis()));
        stack = LocalStack.start(repo, work, LocalStack.External.none(), 1, 1, 2, Map.of());
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void noSecretInLogsErrorBodiesMetricsOrDeadLetters() throws Exception {
        String gateway = stack.gateway().url();
        String token = stack.token("alpha");
        String otherTenant = stack.token("beta");
        String expired = stack.tokens().token("alpha", Duration.ofMinutes(-10));
        String foreignIssuer = stack.tokens().tokenFromIssuer("alpha", "https://someone-else.example");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + new StringBuilder(signature(token)).reverse();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (var entry : Map.of("token", token, "other tenant's token", otherTenant, "expired token", expired,
                "foreign-issuer token", foreignIssuer, "forged token", forged).entrySet()) {
            secrets.put(entry.getKey(), entry.getValue());
            secrets.put(entry.getKey() + " (signature)", signature(entry.getValue()));
        }
        String privateKey = stack.tokens().privateKeyBase64();
        // any 48-character stretch of the key's encoding would be a leak
        secrets.put("private key (start)", privateKey.substring(0, 48));
        secrets.put("private key (middle)", privateKey.substring(privateKey.length() / 2, privateKey.length() / 2 + 48));
        String password = stack.databaseProperties().get("quarkus.datasource.password");
        assertTrue(password != null && password.length() > 20, "the stack configures a database password");
        secrets.put("database password", password);

        List<String> bodies = new ArrayList<>();
        String study = given().baseUri(gateway).header("Authorization", "Bearer " + token)
                .contentType("application/json").body(StudyEndToEndTest.spec("secrets", 0.5).replace("\"epochs\":3", "\"epochs\":1"))
                .post("/api/studies").then().statusCode(201).extract().path("id");
        for (String bad : List.of(expired, foreignIssuer, forged, "not-a-jwt")) {
            bodies.add(given().baseUri(gateway).header("Authorization", "Bearer " + bad).get("/api/studies")
                    .then().statusCode(401).contentType("application/problem+json").extract().asString());
            bodies.add(given().baseUri(gateway).cookie("mtlab_token", bad).get("/api/studies/" + study)
                    .then().statusCode(401).extract().asString());
        }
        bodies.add(given().baseUri(gateway).header("Authorization", "Bearer " + otherTenant).get("/api/studies/" + study)
                .then().statusCode(404).extract().asString());
        bodies.add(given().baseUri(gateway).header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"name\":\"x\",\"epochs\":\"" + token + "\"}").post("/api/studies")
                .then().statusCode(400).extract().asString());

        String kafkaKey = "secrets-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(stack.kafkaBootstrap(), "secrets-test"))) {
            for (var bad : List.of(forged, expired)) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.STUDY_SUBMISSIONS, kafkaKey + "-bad-" + bad.length(),
                        StudyEndToEndTest.spec("kafka-bad", 0.5).getBytes(StandardCharsets.UTF_8));
                record.headers().add("authorization", ("Bearer " + bad).getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                given().baseUri(gateway).header("Authorization", "Bearer " + token).get("/api/studies/" + study)
                        .then().body("status", equalTo("COMPLETED")));
        bodies.add(given().baseUri(gateway).header("Authorization", "Bearer " + token).get("/api/studies/" + study + "/report")
                .then().statusCode(200).extract().asString());

        List<String> deadLetters = deadLetters(2, kafkaKey);
        List<String> metrics = new ArrayList<>();
        List<ServiceProcess> services = new ArrayList<>(List.of(stack.gateway()));
        services.addAll(stack.analysers());
        services.addAll(stack.trainers());
        for (ServiceProcess service : services) {
            metrics.add(given().baseUri(service.managementUrl()).get("/q/metrics").then().statusCode(200).extract().asString());
        }
        Thread.sleep(1000); // let the services' last log lines reach their files
        Map<String, String> logs = new LinkedHashMap<>();
        for (ServiceProcess service : services) {
            logs.put(service.log().toString(), Files.readString(service.log()));
        }
        // the search reads the right text: the logs name the study's runs and the refused submissions
        String allLogs = String.join("\n", logs.values());
        List<String> runs = given().baseUri(gateway).header("Authorization", "Bearer " + token).get("/api/studies/" + study)
                .then().extract().path("runs.id");
        assertTrue(runs.stream().allMatch(allLogs::contains), "the logs name every run of the study");
        assertTrue(allLogs.contains("dead-letter"), "the logs report the refused submissions");
        assertTrue(metrics.stream().anyMatch(m -> m.contains("mtlab_")), "the scrapes hold mtlab's metrics");

        for (var secret : secrets.entrySet()) {
            for (var log : logs.entrySet()) {
                assertFalse(log.getValue().contains(secret.getValue()), secret.getKey() + " appears in " + log.getKey());
            }
            for (String body : bodies) {
                assertFalse(body.contains(secret.getValue()), secret.getKey() + " appears in a response: " + body);
            }
            for (String scrape : metrics) {
                assertFalse(scrape.contains(secret.getValue()), secret.getKey() + " appears in a metric");
            }
            for (String letter : deadLetters) {
                assertFalse(letter.contains(secret.getValue()), secret.getKey() + " appears in a dead letter: " + letter);
            }
        }
    }

    private static String signature(String jwt) {
        return jwt.substring(jwt.lastIndexOf('.') + 1);
    }

    /** Every dead letter (value and headers, as text) once at least {@code expected} of them carry {@code keyPrefix}. */
    private static List<String> deadLetters(int expected, String keyPrefix) {
        List<String> letters = new ArrayList<>();
        int[] ours = {0};
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaSettings.consumer(stack.kafkaBootstrap(),
                "secrets-dlq-" + UUID.randomUUID(), "secrets-dlq"))) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    StringBuilder text = new StringBuilder(r.key() == null ? "" : r.key()).append('\n')
                            .append(new String(r.value(), StandardCharsets.UTF_8));
                    for (Header h : r.headers()) {
                        text.append('\n').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8));
                    }
                    letters.add(text.toString());
                    if (text.indexOf(keyPrefix) >= 0) {
                        ours[0]++;
                    }
                });
                return ours[0] >= expected;
            });
        }
        return letters;
    }
}
