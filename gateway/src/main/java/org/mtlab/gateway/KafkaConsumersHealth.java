package org.mtlab.gateway;

import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

@Readiness
public class KafkaConsumersHealth implements HealthCheck {
    @Inject
    GatewayKafka kafka;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kafka-consumers").status(kafka.consumersAlive()).build();
    }
}
