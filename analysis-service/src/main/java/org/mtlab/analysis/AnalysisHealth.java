package org.mtlab.analysis;

import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

@Readiness
public class AnalysisHealth implements HealthCheck {
    @Inject
    AnalysisEngine engine;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("analysis-consumer").status(engine.consuming())
                .withData("partitions", engine.assignment().toString()).build();
    }
}
