package org.mtlab.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole of mtlab on one machine: PostgreSQL, a Kafka broker process, the gateway, the analysis service and the
 * trainers, each service a separate JVM from its built jar (or, for the gateway and the analysis, a separate process
 * from its native executable). Used by the end-to-end tests and by {@code ./mtlab demo}.
 * External PostgreSQL or Kafka are used instead when their addresses are given.
 */
public final class LocalStack implements AutoCloseable {
    /** Where to find external infrastructure, or null to start it here. */
    public record External(String kafkaBootstrap, String jdbcUrl, String reactiveUrl, String dbUser, String dbPassword) {
        public static External fromEnvironment() {
            return new External(System.getenv("MTLAB_KAFKA"), System.getenv("MTLAB_DB_JDBC_URL"),
                    System.getenv("MTLAB_DB_URL"), System.getenv("MTLAB_DB_USER"), System.getenv("MTLAB_DB_PASSWORD"));
        }

        public static External none() {
            return new External(null, null, null, null, null);
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private String kafkaBootstrap;
    private final Map<String, String> database = new HashMap<>();
    private Map<String, String> analysisProperties;
    private Map<String, String> trainerProperties;
    private Path repo;
    private Path logs;
    private ServiceProcess gateway;
    private final TokenIssuer tokens = TokenIssuer.generate();
    private final List<ServiceProcess> analysers = new ArrayList<>();
    private final List<ServiceProcess> trainers = new ArrayList<>();
    /** Module name to its native executable, for the services that run natively; the others run on the JVM. */
    private final Map<String, Path> nativeExecutables;

    private LocalStack(Map<String, Path> nativeExecutables) {
        this.nativeExecutables = Map.copyOf(nativeExecutables);
    }

    /**
     * @param repo      the repository root (services are read from {@code <module>/target/quarkus-app})
     * @param workDir   where Kafka's data and the services' logs go
     * @param trainers  trainer processes to start
     * @param analysers analysis processes to start
     * @param partitions partitions per topic
     */
    public static LocalStack start(Path repo, Path workDir, External external, int trainers, int analysers,
                                   int partitions, Map<String, String> extraProperties) throws Exception {
        return start(repo, workDir, external, trainers, analysers, partitions, extraProperties, Map.of());
    }

    /**
     * As {@link #start(Path, Path, External, int, int, int, Map)}, with the modules named in {@code nativeExecutables}
     * ({@code "gateway"}, {@code "analysis-service"}) started from those native executables instead of their jars.
     */
    public static LocalStack start(Path repo, Path workDir, External external, int trainers, int analysers,
                                   int partitions, Map<String, String> extraProperties,
                                   Map<String, Path> nativeExecutables) throws Exception {
        LocalStack stack = new LocalStack(nativeExecutables);
        try {
            stack.startAll(repo, workDir, external, trainers, analysers, partitions, extraProperties);
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Path repo, Path workDir, External external, int trainerCount, int analysisCount,
                          int partitions, Map<String, String> extra) throws Exception {
        Map<String, String> db = new HashMap<>();
        if (external.jdbcUrl() != null) {
            db.put("quarkus.datasource.jdbc.url", external.jdbcUrl());
            db.put("quarkus.datasource.reactive.url", external.reactiveUrl() != null ? external.reactiveUrl()
                    : external.jdbcUrl().replaceFirst("^jdbc:", ""));
            if (external.dbUser() != null) {
                db.put("quarkus.datasource.username", external.dbUser());
            }
            if (external.dbPassword() != null) {
                db.put("quarkus.datasource.password", external.dbPassword());
            }
        } else {
            LocalPostgres postgres = LocalPostgres.start(0);
            started.add(postgres);
            db.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
            db.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
            // the embedded server trusts local connections and ignores it, but every service is configured with a
            // password as in production, so tests can prove it never reaches a log line or a response
            db.put("quarkus.datasource.password", "local-" + UUID.randomUUID());
        }
        if (external.kafkaBootstrap() != null) {
            kafkaBootstrap = external.kafkaBootstrap();
        } else {
            StandaloneKafka kafka = StandaloneKafka.start(workDir.resolve("kafka"), ServiceProcess.freePort());
            started.add(kafka);
            kafkaBootstrap = kafka.bootstrapServers();
        }
        database.putAll(db);
        Map<String, String> common = new HashMap<>(extra);
        common.put("kafka.bootstrap.servers", kafkaBootstrap);
        common.put("mtlab.kafka.partitions", String.valueOf(partitions));
        Path logs = workDir.resolve("logs");

        Map<String, String> gatewayProps = new HashMap<>(common);
        gatewayProps.putAll(db);
        // the gateway trusts tokens signed by this stack's own key pair (see token())
        gatewayProps.put("MTLAB_JWT_PUBLIC_KEY_LOCATION", tokens.writePublicKey(workDir.resolve("jwt/publicKey.pem")).toString());
        gatewayProps.put("mp.jwt.verify.issuer", TokenIssuer.ISSUER);
        // the gateway's dashboard reads the (first) analysis process over HTTP: choose its port now
        int firstAnalysisPort = ServiceProcess.freePort();
        gatewayProps.putIfAbsent("mtlab.analysis.url", "http://localhost:" + firstAnalysisPort);
        gateway = track(launch(repo, "gateway", ServiceProcess.freePort(), gatewayProps, logs, "384m"));
        // the gateway creates the topics and its tables first; the others then find them
        gateway.awaitReady(Duration.ofSeconds(120));
        Map<String, String> analysisProps = new HashMap<>(common);
        analysisProps.putAll(db);
        analysisProps.putIfAbsent("mtlab.analysis.flush-interval", "500ms");
        this.analysisProperties = analysisProps;
        this.repo = repo;
        this.logs = logs;
        for (int i = 0; i < analysisCount; i++) {
            int port = i == 0 ? firstAnalysisPort : ServiceProcess.freePort();
            analysers.add(track(launch(repo, "analysis-service", port, analysisProps, logs, "384m")));
        }
        Map<String, String> trainerProps = new HashMap<>(common);
        // every process of a local stack shares the machine's cores: one PyTorch thread per trainer keeps OpenMP's and
        // MKL's spinning threads from starving the brokers and each other (a 1,600-step MLP run beside three busy
        // loops on 2 cores: 25 ms a step with PyTorch's default 2 threads, 3.6 ms with 1; BENCHMARKS.md)
        trainerProps.putIfAbsent("ai.djl.pytorch.num_threads", "1");
        trainerProps.putIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        this.trainerProperties = trainerProps;
        for (int i = 0; i < trainerCount; i++) {
            trainers.add(track(ServiceProcess.start(repo, "trainer-service", ServiceProcess.freePort(), trainerProps, logs,
                    "512m")));
        }
        for (ServiceProcess analysis : analysers) {
            analysis.awaitReady(Duration.ofSeconds(120));
        }
        for (ServiceProcess trainer : trainers) {
            trainer.awaitReady(Duration.ofSeconds(180));
        }
    }

    /** Starts {@code module} from its native executable when this stack has one, else from its jar. */
    private ServiceProcess launch(Path repo, String module, int port, Map<String, String> properties, Path logDir,
                                  String maxHeap) throws java.io.IOException {
        Path executable = nativeExecutables.get(module);
        return executable != null ? ServiceProcess.startNative(executable, module, port, properties, logDir, maxHeap)
                : ServiceProcess.start(repo, module, port, properties, logDir, maxHeap);
    }

    private ServiceProcess track(ServiceProcess process) {
        started.add(process);
        return process;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /**
     * Stops analysis process {@code index} and starts a new one in its place (it restores its state from the checkpoints
     * the old one stored as it stopped).
     */
    public ServiceProcess restartAnalysis(int index) throws Exception {
        ServiceProcess old = analysers.get(index);
        old.close();
        started.remove(old);
        ServiceProcess fresh = track(launch(repo, "analysis-service", ServiceProcess.freePort(),
                analysisProperties, logs, "384m"));
        analysers.set(index, fresh);
        return fresh.awaitReady(Duration.ofSeconds(120));
    }

    /**
     * Stops analysis process {@code index} and starts the analysis service's jar on the JVM in its place, on the same
     * port and configuration: it restores its state from the old one's checkpoints, or reads Kafka from the beginning
     * where {@code whileStopped} deleted them (so that its statistics can be compared with a native one's).
     *
     * @param whileStopped run after the old process stopped and before the new one starts
     */
    public ServiceProcess replaceAnalysisWithJvm(int index, Runnable whileStopped) throws Exception {
        ServiceProcess old = analysers.get(index);
        old.close();
        started.remove(old);
        whileStopped.run();
        ServiceProcess fresh = track(ServiceProcess.start(repo, "analysis-service", old.port(), analysisProperties, logs,
                "384m"));
        analysers.set(index, fresh);
        return fresh.awaitReady(Duration.ofSeconds(120));
    }

    /** Kills trainer process {@code index} without warning (SIGKILL), as a crash or a lost node would. */
    public void killTrainer(int index) throws InterruptedException {
        ServiceProcess trainer = trainers.get(index);
        trainer.kill();
        started.remove(trainer);
    }

    /** Starts one more trainer process (without waiting for it to be ready); returns its index in {@link #trainers()}. */
    public int startTrainer() throws Exception {
        ServiceProcess trainer = track(ServiceProcess.start(repo, "trainer-service", ServiceProcess.freePort(),
                trainerProperties, logs, "512m"));
        trainers.add(trainer);
        return trainers.size() - 1;
    }

    /** Kills analysis process {@code index} (SIGKILL) and starts a new one in its place, which rebuilds its state. */
    public ServiceProcess killAndRestartAnalysis(int index) throws Exception {
        ServiceProcess old = analysers.get(index);
        old.kill();
        started.remove(old);
        // same port: the gateway's dashboard keeps reading it
        ServiceProcess fresh = track(launch(repo, "analysis-service", old.port(),
                analysisProperties, logs, "384m"));
        analysers.set(index, fresh);
        return fresh.awaitReady(Duration.ofSeconds(120));
    }

    /** A bearer token of {@code tenant} that this stack's gateway accepts. */
    public String token(String tenant) {
        return tokens.token(tenant);
    }

    /** The key pair that signs this stack's tokens. */
    public TokenIssuer tokens() {
        return tokens;
    }

    /** The datasource properties the services were started with. */
    public Map<String, String> databaseProperties() {
        return Map.copyOf(database);
    }

    public ServiceProcess gateway() {
        return gateway;
    }

    /** The first analysis process. */
    public ServiceProcess analysis() {
        return analysers.get(0);
    }

    public List<ServiceProcess> analysers() {
        return analysers;
    }

    public List<ServiceProcess> trainers() {
        return trainers;
    }

    /** Stops everything this stack started, services first, in reverse order. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        started.clear();
        if (first != null) {
            throw first;
        }
    }
}
