package org.mtlab.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.mtlab.devstack.LocalKafka;
import org.mtlab.devstack.LocalPostgres;

/** Starts a real PostgreSQL server and a real KRaft Kafka broker for the gateway's tests. */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {
    static LocalKafka kafka;
    private LocalPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            postgres = LocalPostgres.start(0);
            kafka = LocalKafka.start(1);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start test infrastructure", e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "mtlab.outbox.interval", "200ms");
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
