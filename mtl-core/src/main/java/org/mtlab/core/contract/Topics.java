package org.mtlab.core.contract;

import java.util.List;

/**
 * Kafka topic names. Every record is keyed by run id, except study submissions (keyed by study id),
 * so that one run's events stay ordered on one partition.
 */
public final class Topics {
    public static final String STUDY_SUBMISSIONS = "mtlab.study-submissions";
    public static final String TRAINING_REQUESTS = "mtlab.training-requests";
    public static final String RUN_EVENTS = "mtlab.run-events";
    public static final String GRADIENTS = "mtlab.gradients";
    public static final String DEAD_LETTERS = "mtlab.dlq";
    /** Orders about runs (cancellation), read in full by every trainer. */
    public static final String RUN_CONTROL = "mtlab.run-control";

    public static final List<String> ALL =
            List.of(STUDY_SUBMISSIONS, TRAINING_REQUESTS, RUN_EVENTS, GRADIENTS, DEAD_LETTERS, RUN_CONTROL);

    private Topics() {
    }
}
