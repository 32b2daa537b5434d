package org.mtlab.analysis;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the analysis' checkpoints have failed to be stored for longer than
 * {@code mtlab.analysis.checkpoint-max-failing}: its statistics are still current, but a restart would read the topics
 * again from older checkpoints. In place of the connector's own check ({@code checkpoint.unsynced-state-max-age.ms},
 * switched off): that one measures a partition's age from its assignment or its last store, so a partition that was
 * idle for longer than the limit is reported the moment records reach it, and the report closes the consumer.
 */
@Readiness
@ApplicationScoped
public class AnalysisCheckpointHealth implements HealthCheck {
    @Inject
    @Identifier(AnalysisCheckpoints.STORE)
    AnalysisCheckpoints checkpoints;
    @ConfigProperty(name = "mtlab.analysis.checkpoint-max-failing")
    Duration maxFailing;

    @Override
    public HealthCheckResponse call() {
        long failingSince = checkpoints.failingSinceMs();
        long lastStored = checkpoints.lastStoredAtMs();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("analysis checkpoints")
                .withData("lastStored", lastStored == 0 ? "never" : Instant.ofEpochMilli(lastStored).toString());
        if (failingSince == 0) {
            return response.up().build();
        }
        response.withData("failingSince", Instant.ofEpochMilli(failingSince).toString())
                .withData("lastFailure", String.valueOf(checkpoints.lastFailure()));
        boolean tooLong = System.currentTimeMillis() - failingSince > maxFailing.toMillis();
        return response.status(!tooLong).build();
    }
}
