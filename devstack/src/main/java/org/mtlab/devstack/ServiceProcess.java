package org.mtlab.devstack;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One mtlab service started as a separate process, from its built jar on a JVM or from its native executable, with its
 * output in a log file.
 */
public final class ServiceProcess implements AutoCloseable {
    /** Ports handed out by {@link #freePort}: below the kernel's ephemeral range, well above the well-known ones. */
    private static final int FIRST_PORT = 20000;
    private static final int PORT_COUNT = 12000;
    private static final java.util.Random PORTS = new java.security.SecureRandom();

    private final String name;
    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;
    private final boolean nativeExecutable;
    /** {@link System#nanoTime()} just before the process was started. */
    private final long startedAtNanos;
    /** From the process start to the first 200 of {@code /q/health/ready}; null until {@link #awaitReady} saw it. */
    private volatile Duration startToReady;

    private ServiceProcess(String name, Process process, int port, int managementPort, Path log, boolean nativeExecutable,
                           long startedAtNanos) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
        this.nativeExecutable = nativeExecutable;
        this.startedAtNanos = startedAtNanos;
    }

    /**
     * Starts {@code <repo>/<module>/target/quarkus-app/quarkus-run.jar} on {@code port}, with its management interface
     * (health, metrics) on a free port of its own.
     *
     * @param properties system properties for the service (its Quarkus configuration)
     */
    public static ServiceProcess start(Path repo, String module, int port, Map<String, String> properties, Path logDir,
                                       String maxHeap) throws IOException {
        return startJar(repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"), module, port, properties,
                logDir, maxHeap);
    }

    /** As {@link #start}, from the given {@code quarkus-run.jar} (e.g. an earlier build kept for a comparison). */
    public static ServiceProcess startJar(Path jar, String module, int port, Map<String, String> properties, Path logDir,
                                          String maxHeap) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (mvn -DskipTests package)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        List<String> afterProperties = List.of("-jar", jar.toString());
        return launch(module, command, afterProperties, port, properties, logDir, false);
    }

    /**
     * Starts a Quarkus native executable of {@code module} (built with {@code ./mtlab native}) on {@code port}: the same
     * configuration as {@link #start}, passed as {@code -D} arguments, and the same maximum heap ({@code -Xmx}).
     */
    public static ServiceProcess startNative(Path executable, String module, int port, Map<String, String> properties,
                                             Path logDir, String maxHeap) throws IOException {
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(executable + " is no executable: build it with ./mtlab native");
        }
        List<String> command = new ArrayList<>(List.of(executable.toString(), "-Xmx" + maxHeap));
        return launch(module, command, List.of(), port, properties, logDir, true);
    }

    private static ServiceProcess launch(String module, List<String> command, List<String> afterProperties, int port,
                                         Map<String, String> properties, Path logDir, boolean nativeExecutable)
            throws IOException {
        int managementPort = freePort();
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(afterProperties);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(module + (nativeExecutable ? "-native-" : "-") + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long startedAtNanos = System.nanoTime();
        Process process = builder.start();
        return new ServiceProcess(module, process, port, managementPort, log, nativeExecutable, startedAtNanos);
    }

    /**
     * A port nothing listens on, chosen below the kernel's ephemeral range (Linux: 32768–60999). A port from that
     * range — what {@code new ServerSocket(0)} returns — can be taken, between this check and the service's bind, as
     * the local end of any outgoing connection: a service's Kafka clients open several at start-up, before its HTTP
     * server binds, and once took the very port it was about to listen on ("Port … seems to be in use").
     */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < 500; attempt++) {
            int candidate = FIRST_PORT + PORTS.nextInt(PORT_COUNT);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(candidate));
                return candidate;
            } catch (IOException taken) {
                // listened on already: try another
            }
        }
        throw new IOException("no free port in " + FIRST_PORT + "–" + (FIRST_PORT + PORT_COUNT - 1));
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    /** Where health ({@code /q/health/*}) and Prometheus metrics ({@code /q/metrics}) are served. */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public Path log() {
        return log;
    }

    public Process process() {
        return process;
    }

    /** Whether this is a native executable rather than a JVM. */
    public boolean isNative() {
        return nativeExecutable;
    }

    /** From the process start to the first 200 of {@code /q/health/ready} (polled every 20 ms); null before that. */
    public Duration startToReady() {
        return startToReady;
    }

    /** The process's resident set size now ({@code VmRSS} of {@code /proc/<pid>/status}), in KiB. */
    public long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + name + " (pid " + process.pid() + ")");
    }

    /** Waits until {@code /q/health/ready} answers 200; fails early if the process dies. */
    public ServiceProcess awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(managementUrl() + "/q/health/ready").toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    if (startToReady == null) {
                        startToReady = Duration.ofNanos(System.nanoTime() - startedAtNanos);
                    }
                    return this;
                }
            } catch (IOException notYet) {
                // still starting
            }
            // short: a native service is ready within tens of milliseconds, and startToReady should show it
            Thread.sleep(20);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; see " + log);
    }

    /** Stops the service gracefully (SIGTERM), then forcibly. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Kills the service without warning, as a crash would (SIGKILL). */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
