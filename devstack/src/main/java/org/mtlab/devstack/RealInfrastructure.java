package org.mtlab.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * For {@code @QuarkusTest}: starts a real PostgreSQL server and a real KRaft Kafka broker and points the service at
 * them (no Dev Services, no Docker).
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {
    private static LocalKafka kafka;
    private static LocalPostgres postgres;
    private static Path postgresData;
    private static int postgresPort;
    private static final TokenIssuer TOKENS = TokenIssuer.generate();
    private boolean withPostgres = true;

    /** {@code @ResourceArg(name = "postgres", value = "false")} for a service that needs Kafka only. */
    @Override
    public void init(Map<String, String> initArgs) {
        withPostgres = !"false".equals(initArgs.get("postgres"));
    }

    @Override
    public Map<String, String> start() {
        try {
            kafka = LocalKafka.start(1);
            if (!withPostgres) {
                return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
            }
            postgresData = Files.createTempDirectory("mtlab-pg-");
            postgres = LocalPostgres.start(0, postgresData);
            postgresPort = postgres.port();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start test infrastructure", e);
        }
        Map<String, String> config = new java.util.HashMap<>(TOKENS.gatewayProperties());
        config.putAll(Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "mtlab.outbox.interval", "200ms"));
        return config;
    }

    /** Signs tokens the service under test trusts (its public key is in the configuration returned by start). */
    public static TokenIssuer tokens() {
        return TOKENS;
    }

    /** The running broker, for tests that produce or consume records themselves. */
    public static LocalKafka kafka() {
        return kafka;
    }

    /** Stops PostgreSQL, keeping its data, to test what the service does while its database is down. */
    public static void stopPostgres() throws IOException {
        postgres.close();
    }

    /** Starts PostgreSQL again on the same port with the same data. */
    public static void startPostgres() throws IOException {
        postgres = LocalPostgres.start(postgresPort, postgresData);
    }

    @Override
    public void stop() {
        try {
            if (kafka != null) {
                kafka.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
