package org.mtlab.trainer;

import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while every worker's poll loop runs — training a long run is not a reason to be restarted. */
@Liveness
public class TrainerHealth implements HealthCheck {
    @Inject
    TrainerService service;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("training-workers").status(service.workersAlive())
                .withData("busy", service.busyWorkers()).build();
    }
}
