package org.mtlab.trainer.engine;

import java.util.List;

import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.RunEvent;

/**
 * How a run ended.
 *
 * @param finalMetrics     the last evaluation (validation and test MSE per task), empty if cancelled before the end
 *                         of the first epoch
 * @param initialMetrics   the same metrics at the initial parameters, before any step (not reported as an event)
 * @param steps            optimizer steps taken
 * @param epochs           epochs completed
 * @param wallTimeMs       wall time of {@code train}, data generation included
 * @param meanStepMicros   mean wall time of a training step (forward, backwards, telemetry, listener, update)
 * @param meanStepCpuMicros mean CPU time of the training thread per step: it leaves out PyTorch's intra-op worker
 *                         threads, so it is the whole step's compute only with {@code ai.djl.pytorch.num_threads=1};
 *                         unlike wall time it hardly moves when other processes compete for the cores
 * @param cancelled        whether training stopped early because it was cancelled
 * @param resumedFromStep  the step of the checkpoint this run resumed from (0 when it started from scratch); the
 *                         step means cover only the steps taken after it
 * @param cost             parameter count, training wall time and inference latency per sample ({@link ServingCost});
 *                         null when the run was cancelled
 * @param stepTraffic      bytes moved between host and device by the training steps taken (batches, losses, Grams,
 *                         weights, gradient vectors where a method or telemetry needed them, baseline passes, FAMO's
 *                         loss probe), by purpose
 * @param runTraffic       all bytes moved after the initial upload and evaluation: the steps, evaluations,
 *                         checkpoints and the serving-cost measurement
 */
public record TrainingOutcome(List<RunEvent.Metric> finalMetrics, List<RunEvent.Metric> initialMetrics, long steps,
                              int epochs, long wallTimeMs, double meanStepMicros, double meanStepCpuMicros,
                              boolean cancelled, long resumedFromStep, RunCost cost, HostDeviceTraffic stepTraffic,
                              HostDeviceTraffic runTraffic) {

    public TrainingOutcome(List<RunEvent.Metric> finalMetrics, List<RunEvent.Metric> initialMetrics, long steps,
                           int epochs, long wallTimeMs, double meanStepMicros, double meanStepCpuMicros,
                           boolean cancelled, long resumedFromStep) {
        this(finalMetrics, initialMetrics, steps, epochs, wallTimeMs, meanStepMicros, meanStepCpuMicros, cancelled,
                resumedFromStep, null, new HostDeviceTraffic(), new HostDeviceTraffic());
    }
}
