package org.mtlab.gateway;

/**
 * CREATED: persisted, request not yet acknowledged by Kafka. QUEUED: request on the topic. Then as the trainer reports.
 * CANCELLED: by a user, through the gateway (the trainers are told on {@code mtlab.run-control}).
 */
public enum RunStatus {
    CREATED, QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
