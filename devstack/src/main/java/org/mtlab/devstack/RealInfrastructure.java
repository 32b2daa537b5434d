package org.mtlab.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * For {@code @QuarkusTest}: starts a real PostgreSQL server and a real KRaft Kafka broker and points the service at
 * them (no Dev Services, no Docker).
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {
    private static LocalKafka kafka;
    private LocalPostgres postgres;
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
            postgres = LocalPostgres.start(0);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start test infrastructure", e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "mtlab.outbox.interval", "200ms");
    }

    /** The running broker, for tests that produce or consume records themselves. */
    public static LocalKafka kafka() {
        return kafka;
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
