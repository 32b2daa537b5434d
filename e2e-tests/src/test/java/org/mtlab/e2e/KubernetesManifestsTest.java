package org.mtlab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtlab.core.contract.Topics;

/** Renders every kustomize overlay with kubectl and checks what a cluster operator relies on. */
class KubernetesManifestsTest {
    static final Path REPO = Path.of(System.getProperty("mtlab.repo", "..")).toAbsolutePath().normalize();
    static final Map<String, String> MODULE_OF_DEPLOYMENT = Map.of(
            "mtlab-gateway", "gateway", "mtlab-analysis", "analysis-service", "mtlab-trainer", "trainer-service");
    /** Environment variables read by something other than Quarkus configuration, with who reads them. */
    // DJL: where PyTorch's native library goes; the images' entrypoints: extra JVM options
    static final Set<String> NON_QUARKUS_ENV = Set.of("ENGINE_CACHE_DIR", "JAVA_OPTS_APPEND");

    static List<JsonNode> render(String overlay) throws IOException, InterruptedException {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", REPO.resolve("k8s/overlays").resolve(overlay).toString())
                .redirectErrorStream(true).start();
        String yaml = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, kubectl.waitFor(), "kubectl kustomize k8s/overlays/" + overlay + " failed:\n" + yaml);
        ObjectMapper mapper = new YAMLMapper();
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            mapper.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !d.isEmpty()) {
                    docs.add(d);
                }
            });
        }
        return docs;
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerHasProbesResourcesAndRunsAsNonRoot(String overlay) throws Exception {
        List<JsonNode> deployments = ofKind(render(overlay), "Deployment");
        assertEquals(MODULE_OF_DEPLOYMENT.keySet(), deployments.stream().map(d -> d.at("/metadata/name").asText())
                .collect(Collectors.toSet()));
        for (JsonNode deployment : deployments) {
            JsonNode pod = deployment.at("/spec/template/spec");
            for (JsonNode container : pod.get("containers")) {
                String where = overlay + "/" + deployment.at("/metadata/name").asText() + "/" + container.get("name").asText();
                for (String probe : List.of("livenessProbe", "readinessProbe")) {
                    assertTrue(container.has(probe), where + " has no " + probe);
                }
                for (String part : List.of("requests", "limits")) {
                    assertTrue(container.at("/resources/" + part + "/cpu").isTextual() || container.at("/resources/" + part + "/cpu").isNumber(),
                            where + " has no cpu " + part);
                    assertFalse(container.at("/resources/" + part + "/memory").isMissingNode(), where + " has no memory " + part);
                }
                boolean nonRoot = container.at("/securityContext/runAsNonRoot").asBoolean(false)
                        || pod.at("/securityContext/runAsNonRoot").asBoolean(false);
                assertTrue(nonRoot, where + " may run as root");
                assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true), where);
            }
        }
    }

    /**
     * Health and metrics are served by Quarkus' management interface only: every probe and the Prometheus scrape use
     * the port named {@code management}, whose number is the one each service's configuration gives, and only the
     * monitoring namespace may reach that port.
     */
    /** PyTorch's threads per trainer pod are set, and never more than the CPUs the pod requests. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void trainerPytorchThreadsFitTheCpuRequest(String overlay) throws Exception {
        JsonNode container = ofKind(render(overlay), "Deployment").stream()
                .filter(d -> d.at("/metadata/name").asText().equals("mtlab-trainer")).findFirst().orElseThrow()
                .at("/spec/template/spec/containers/0");
        String options = null;
        for (JsonNode e : container.path("env")) {
            if (e.get("name").asText().equals("JAVA_OPTS_APPEND")) {
                options = e.get("value").asText();
            }
        }
        assertNotNull(options, overlay + ": the trainer sets no JAVA_OPTS_APPEND");
        Matcher threads = Pattern.compile("-Dai\\.djl\\.pytorch\\.num_threads=(\\d+)").matcher(options);
        assertTrue(threads.find(), overlay + ": no ai.djl.pytorch.num_threads in " + options);
        double requested = Double.parseDouble(container.at("/resources/requests/cpu").asText().replace("m", "e-3"));
        int count = Integer.parseInt(threads.group(1));
        assertTrue(count >= 1 && count <= requested, overlay + ": " + count + " PyTorch threads for " + requested
                + " requested CPUs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void healthAndMetricsAreReachedOnTheManagementPortOnly(String overlay) throws Exception {
        List<JsonNode> docs = render(overlay);
        for (JsonNode deployment : ofKind(docs, "Deployment")) {
            String module = MODULE_OF_DEPLOYMENT.get(deployment.at("/metadata/name").asText());
            int configured = managementPortOf(module);
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            String where = overlay + "/" + module;
            int declared = -1;
            for (JsonNode port : container.path("ports")) {
                if ("management".equals(port.path("name").asText())) {
                    declared = port.path("containerPort").asInt();
                }
            }
            assertEquals(configured, declared, where + ": container port 'management' vs quarkus.management.port");
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                if (container.has(probe)) {
                    assertEquals("management", container.at("/" + probe + "/httpGet/port").asText(), where + " " + probe);
                }
            }
        }
        for (JsonNode service : ofKind(docs, "Service")) {
            if (MODULE_OF_DEPLOYMENT.containsKey(service.at("/metadata/name").asText())) {
                boolean exposes = false;
                for (JsonNode port : service.at("/spec/ports")) {
                    exposes |= "management".equals(port.path("targetPort").asText());
                }
                assertTrue(exposes, overlay + ": Service " + service.at("/metadata/name").asText() + " has no management port");
            }
        }
        for (JsonNode monitor : ofKind(docs, "ServiceMonitor")) {
            for (JsonNode endpoint : monitor.at("/spec/endpoints")) {
                assertEquals("management", endpoint.path("port").asText(), overlay + ": Prometheus scrapes another port");
            }
        }
        for (JsonNode policy : ofKind(docs, "NetworkPolicy")) {
            for (JsonNode rule : policy.at("/spec/ingress")) {
                boolean managementRule = false;
                for (JsonNode port : rule.path("ports")) {
                    managementRule |= port.path("port").asInt() == 9000;
                }
                if (managementRule) {
                    String from = rule.path("from").toString();
                    assertTrue(rule.path("from").size() == 1 && from.contains("monitoring"),
                            overlay + ": " + policy.at("/metadata/name").asText() + " opens the management port beyond monitoring: " + from);
                }
            }
        }
    }

    /** The default of {@code quarkus.management.port=${VAR:default}} in a service's application.properties. */
    static int managementPortOf(String module) throws IOException {
        Properties props = new Properties();
        props.load(new java.io.StringReader(Files.readString(REPO.resolve(module).resolve("src/main/resources/application.properties"))));
        String value = props.getProperty("quarkus.management.port");
        assertNotNull(value, module + " sets no quarkus.management.port");
        assertEquals("true", props.getProperty("quarkus.management.enabled"), module + " has no management interface");
        Matcher m = Pattern.compile("\\$\\{[A-Z0-9_]+:(\\d+)}|(\\d+)").matcher(value);
        assertTrue(m.matches(), value);
        return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicTheCodeUsesExistsWithReplicationThreeAndMinIsrTwo(String overlay) throws Exception {
        List<JsonNode> topics = ofKind(render(overlay), "KafkaTopic");
        Map<String, JsonNode> byName = topics.stream().collect(Collectors.toMap(t -> t.at("/spec/topicName").asText(), t -> t));
        assertEquals(Set.copyOf(Topics.ALL), byName.keySet());
        for (JsonNode topic : topics) {
            assertEquals(3, topic.at("/spec/replicas").asInt(), topic.at("/spec/topicName").asText());
            assertEquals(2, topic.at("/spec/config/min.insync.replicas").asInt());
            // a time limit, or compaction (one kept record per key: the cancel orders every trainer reads at start)
            assertTrue(topic.at("/spec/config/retention.ms").asLong() > 0
                    || "compact".equals(topic.at("/spec/config/cleanup.policy").asText()), topic.at("/spec/topicName").asText());
        }
        assertEquals(byName.get(Topics.RUN_EVENTS).at("/spec/partitions").asInt(),
                byName.get(Topics.GRADIENTS).at("/spec/partitions").asInt(),
                "a run's records share a partition number on both topics only with equal partition counts");
        int partitions = byName.get(Topics.GRADIENTS).at("/spec/partitions").asInt();
        JsonNode hpa = ofKind(render(overlay), "HorizontalPodAutoscaler").get(0);
        assertTrue(hpa.at("/spec/maxReplicas").asInt() <= partitions, "analysis scales at most to the partition count");
        JsonNode keda = ofKind(render(overlay), "ScaledObject").get(0);
        assertEquals(Topics.TRAINING_REQUESTS, keda.at("/spec/triggers/0/metadata/topic").asText());
        assertTrue(keda.at("/spec/maxReplicaCount").asInt()
                <= byName.get(Topics.TRAINING_REQUESTS).at("/spec/partitions").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyConfigKeySetByTheManifestsExistsInItsService(String overlay) throws Exception {
        List<JsonNode> docs = render(overlay);
        Map<String, Map<String, String>> configMaps = new java.util.HashMap<>();
        for (JsonNode cm : ofKind(docs, "ConfigMap")) {
            Map<String, String> data = new java.util.HashMap<>();
            cm.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            configMaps.put(cm.at("/metadata/name").asText(), data);
        }
        for (JsonNode deployment : ofKind(docs, "Deployment")) {
            String module = MODULE_OF_DEPLOYMENT.get(deployment.at("/metadata/name").asText());
            Set<String> known = configKeysOf(module);
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            Set<String> env = new HashSet<>();
            container.path("env").forEach(e -> env.add(e.get("name").asText()));
            container.path("envFrom").forEach(e -> env.addAll(configMaps.getOrDefault(
                    e.at("/configMapRef/name").asText(), Map.of()).keySet()));
            for (String variable : env) {
                if (NON_QUARKUS_ENV.contains(variable)) {
                    continue;
                }
                assertTrue(known.contains(variable), overlay + ": " + module + " has no configuration key for " + variable
                        + " (known: " + known.stream().sorted().toList() + ")");
            }
        }
    }

    /**
     * Environment-variable names a service understands: each key of its application.properties in MicroProfile
     * Config's environment form (dots and dashes as underscores, upper case), the variables its properties reference
     * as {@code ${NAME:default}}, and the Quarkus datasource keys the services configure.
     */
    static Set<String> configKeysOf(String module) throws IOException {
        Properties props = new Properties();
        String text = Files.readString(REPO.resolve(module).resolve("src/main/resources/application.properties"));
        props.load(new java.io.StringReader(text));
        Set<String> keys = new HashSet<>();
        for (String key : props.stringPropertyNames()) {
            String plain = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            keys.add(plain.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
        }
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+):").matcher(text);
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertNotNull(keys);
        return keys;
    }
}
