package org.mtlab.gateway;

/** CREATED: persisted, request not yet acknowledged by Kafka. QUEUED: request on the topic. Then as the trainer reports. */
public enum RunStatus {
    CREATED, QUEUED, RUNNING, COMPLETED, FAILED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED;
    }
}
