package org.mtlab.trainer.engine;

import java.util.List;

import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunEvent;

/**
 * What a {@link MultiTaskTrainer} reports while it trains, called on the training thread (keep it quick: hand the
 * event to a producer and return). Steps are numbered 1..totalSteps (step s is the s-th optimizer update) and epochs
 * 1..epochs; a step belongs to the epoch it runs in. Every method has a no-op default.
 */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * Once per {@code train} call, before its first step, with the run's description for the STARTED event (a run
     * resumed from a checkpoint reports it again).
     */
    default void started(long totalSteps, RunEvent.RunDescriptor run) {
    }

    /**
     * A step's gradient telemetry, every {@code telemetry.everySteps} steps (steps s with s % everySteps == 0): the
     * gradients at the parameters before update s. The event's arrays are fresh and owned by the listener.
     */
    default void gradients(GradientEvent event) {
    }

    /** After about every 1% of the run's steps and after each epoch's last step. */
    default void progress(long step, long totalSteps, int epoch) {
    }

    /**
     * After each epoch: validation and test MSE per task ({@code higherIsBetter} false), in run-task order, validation
     * first.
     */
    default void evaluated(long step, int epoch, List<RunEvent.Metric> metrics) {
    }

    /**
     * Before a checkpoint is written: everything reported so far must be delivered, since a run resumed from that
     * checkpoint reports only what comes after it. Throws {@link IllegalStateException} when that cannot be made
     * sure (the checkpoint is then skipped).
     */
    default void beforeCheckpoint() {
    }
}
