package org.mtlab.devstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) as its own process, from the Kafka jars on this
 * JVM's class path: {@code kafka.tools.StorageTool format}, then {@code kafka.Kafka}. For the demo and local use.
 */
public final class StandaloneKafka implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path directory;

    private StandaloneKafka(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    public static StandaloneKafka start(Path directory, int port) throws IOException, InterruptedException {
        int controllerPort = ServiceProcess.freePort();
        Files.createDirectories(directory);
        Path config = directory.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + controllerPort,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                ""));
        Path log = directory.resolve("kafka.log");
        int formatted = KafkaProcessCluster.java(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString(), "--standalone"), log, "512m").waitFor();
        if (formatted != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (" + formatted + "); see " + log);
        }
        Process process = KafkaProcessCluster.java(List.of("kafka.Kafka", config.toString()), log, "512m");
        StandaloneKafka kafka = new StandaloneKafka(process, port, directory);
        kafka.awaitListening(Duration.ofSeconds(60), log);
        return kafka;
    }

    private void awaitListening(Duration timeout, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("localhost", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("Kafka not listening on " + port + " after " + timeout + "; see " + log);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
