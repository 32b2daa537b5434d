package org.mtlab.devstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka cluster of N KRaft nodes (broker and controller in one), each its own process from the Kafka jars on
 * this JVM's class path, so that a node can be killed without warning (SIGKILL) as a crashed machine would be — which
 * the in-JVM test kit cannot do. Internal topics and new topics default to replication 3 (at most N) and
 * {@code min.insync.replicas} 2, as in production.
 */
public final class KafkaProcessCluster implements AutoCloseable {
    private static final String NODE_HEAP = "384m";
    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    private KafkaProcessCluster() {
    }

    public static KafkaProcessCluster start(Path directory, int size) throws IOException, InterruptedException {
        KafkaProcessCluster cluster = new KafkaProcessCluster();
        try {
            cluster.startAll(directory, size);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(Path directory, int size) throws IOException, InterruptedException {
        List<Integer> controllerPorts = new ArrayList<>();
        StringJoiner voters = new StringJoiner(",");
        for (int node = 1; node <= size; node++) {
            ports.add(ServiceProcess.freePort());
            controllerPorts.add(ServiceProcess.freePort());
            voters.add(node + "@localhost:" + controllerPorts.get(node - 1));
        }
        int replication = Math.min(3, size);
        String clusterId = Uuid.randomUuid().toString();
        List<Path> configs = new ArrayList<>();
        for (int node = 1; node <= size; node++) {
            Path home = Files.createDirectories(directory.resolve("node-" + node));
            Path config = home.resolve("server.properties");
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=" + node,
                    "controller.quorum.voters=" + voters,
                    "listeners=PLAINTEXT://localhost:" + ports.get(node - 1) + ",CONTROLLER://localhost:" + controllerPorts.get(node - 1),
                    "advertised.listeners=PLAINTEXT://localhost:" + ports.get(node - 1),
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    "log.dirs=" + home.resolve("data"),
                    "offsets.topic.replication.factor=" + replication,
                    "offsets.topic.num.partitions=4",
                    "transaction.state.log.replication.factor=" + replication,
                    "transaction.state.log.min.isr=" + Math.min(2, replication),
                    "default.replication.factor=" + replication,
                    "min.insync.replicas=" + Math.min(2, replication),
                    // a crashed node is declared dead after this long (default 9 s) and its partitions move
                    "broker.session.timeout.ms=6000",
                    "broker.heartbeat.interval.ms=1000",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    ""));
            configs.add(config);
            Path log = home.resolve("kafka.log");
            logs.add(log);
            int formatted = java(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()),
                    log, NODE_HEAP).waitFor();
            if (formatted != 0) {
                throw new IllegalStateException("formatting Kafka node " + node + " failed (" + formatted + "); see " + log);
            }
        }
        for (int node = 1; node <= size; node++) {
            nodes.add(java(List.of("kafka.Kafka", configs.get(node - 1).toString()), logs.get(node - 1), NODE_HEAP));
        }
        for (int node = 1; node <= size; node++) {
            awaitListening(node, Duration.ofSeconds(90));
        }
    }

    /** Runs a Kafka main class from this JVM's class path as a process of its own, its output appended to {@code log}. */
    static Process java(List<String> args, Path log, String maxHeap) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + maxHeap,
                "-cp", System.getProperty("java.class.path")));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private void awaitListening(int node, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Process process = nodes.get(node - 1);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka node " + node + " exited with " + process.exitValue() + "; see "
                        + logs.get(node - 1));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("localhost", ports.get(node - 1)), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("Kafka node " + node + " not listening after " + timeout + "; see " + logs.get(node - 1));
    }

    public String bootstrapServers() {
        StringJoiner servers = new StringJoiner(",");
        ports.forEach(port -> servers.add("localhost:" + port));
        return servers.toString();
    }

    /** Node ids (1-based) whose process is alive. */
    public List<Integer> runningNodes() {
        List<Integer> running = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).isAlive()) {
                running.add(i + 1);
            }
        }
        return running;
    }

    /** Kills a node without warning (SIGKILL): no controlled shutdown, no leadership hand-over, no flush. */
    public void kill(int node) throws InterruptedException {
        nodes.get(node - 1).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
