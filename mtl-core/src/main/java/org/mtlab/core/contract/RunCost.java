package org.mtlab.core.contract;

/**
 * What a finished run cost and what its model costs to serve, measured by the trainer (on a COMPLETED event).
 *
 * @param parameters                every trainable parameter of the run's model (shared trunk and all heads)
 * @param trainingMs                wall time of the run's training on the trainer, data preparation and evaluations
 *                                  included (of the last attempt only, when the run resumed from a checkpoint)
 * @param inferenceMicrosPerSample  wall time of a forward pass per sample: batched over the test split, after a
 *                                  warm-up pass, best of several timed passes
 * @param inferenceBatch            the batch size of those forward passes
 * @param device                    where it ran, e.g. {@code cpu} or {@code gpu:0}
 */
public record RunCost(long parameters, long trainingMs, double inferenceMicrosPerSample, int inferenceBatch,
                      String device) {
}
