package org.mtlab.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.methods.EW;
import org.mtlab.core.methods.MethodRegistry;

/**
 * Turns the per-task gradients of the shared parameters into the one gradient the optimizer applies: the seam where
 * the weighting and aggregation methods of {@link MethodRegistry} plug in ({@link MethodAggregation} adapts any of
 * them). Stateful: one instance per run, fed the steps in order.
 *
 * <p>Per step the trainer calls {@link #decide} (or {@link #combine} for a method that needs the gradient vectors, or
 * {@link #lossWeights} on a plain loss-weighted step), forms the combined gradient on the device, weights the heads
 * where {@link #weightsHeads()}, steps its optimizer, then calls {@link #afterStep}.
 */
interface Aggregation {

    /** Name of the single-task "method": EW with exactly one task. */
    String STL = "stl";

    /** The losses of the step's batch re-evaluated with the updated parameters (one extra forward pass). */
    @FunctionalInterface
    interface LossProbe {
        float[] losses();
    }

    /** The method's name as its paper spells it ({@code EW} for an STL run). */
    String name();

    /**
     * True when {@link #combine} needs this step's Gram matrix of the task gradients (the per-block Grams the trainer
     * computes for telemetry anyway) on every step, not only on telemetry steps.
     */
    boolean needsGram();

    /**
     * True when the method needs the whole per-task gradient vectors (GradDrop's signs, DB-MTL's moving averages), not
     * just their Gram matrix: then the trainer copies J to the host and {@link #combine} forms the combined gradient;
     * every other method decides its weights with {@link #decide} and the trainer forms {@code Σ_t w_t g_t} on the
     * device.
     */
    boolean needsGradientVectors();

    /**
     * Decides one step of a method that does not need the gradient vectors: returns the weight the method applies to
     * each task, the combined shared gradient being {@code Σ_t w_t g_t}.
     *
     * @param epoch      the trainer's epoch, counted from 1
     * @param step       the trainer's step, counted from 1
     * @param losses     per task, its loss on the batch
     * @param blockGrams per trunk block, the packed upper triangle of the task gradients' Gram matrix (as in a
     *                   {@code GradientEvent}); required when {@link #needsGram()}, else may be null
     */
    default float[] decide(int epoch, long step, float[] losses, double[][] blockGrams) {
        return decide(epoch, step, losses, 0L, blockGrams);
    }

    /**
     * {@link #decide(int, long, float[], double[][])} on a batch where the tasks of {@code unlabelled} (bit t: task
     * t) had no label — their losses 0, their gradients zero: the method decides for the labelled tasks alone and gives
     * the others weight 0 (partial labels; the rule is the methods', {@code AbstractMethod}).
     */
    float[] decide(int epoch, long step, float[] losses, long unlabelled, double[][] blockGrams);

    /**
     * Decides one step from the whole gradient vectors: writes the combined shared gradient into {@code combined}
     * (length of the shared prefix) and returns the weight the method applied to each task.
     *
     * @param taskGradients per task, its gradient on the shared parameters (not modified)
     * @param blockGrams    as for {@link #decide}
     */
    default float[] combine(int epoch, long step, float[] losses, float[][] taskGradients, double[][] blockGrams,
                            float[] combined) {
        return combine(epoch, step, losses, 0L, taskGradients, blockGrams, combined);
    }

    /** {@link #combine(int, long, float[], float[][], double[][], float[])} with unlabelled tasks, as {@link #decide}. */
    float[] combine(int epoch, long step, float[] losses, long unlabelled, float[][] taskGradients,
                    double[][] blockGrams, float[] combined);

    /**
     * True when the method's weights depend on the losses alone and it weights the heads as the shared gradient
     * (loss weighting): then a step needs no per-task gradients, one backward pass of {@code Σ_t w_t L_t} with the
     * weights of {@link #lossWeights} gives the same update.
     */
    boolean weighsLossesOnly();

    /**
     * Decides one step of a {@link #weighsLossesOnly()} method from the losses alone (instead of {@link #combine}):
     * returns the weight of each task.
     */
    default float[] lossWeights(int epoch, long step, float[] losses) {
        return lossWeights(epoch, step, losses, 0L);
    }

    /** {@link #lossWeights(int, long, float[])} with unlabelled tasks, as {@link #decide}. */
    float[] lossWeights(int epoch, long step, float[] losses, long unlabelled);

    /**
     * True when each task's own parameters (its head, an MMoE gate) take the task's weight with its raw gradient
     * (loss weighting back-propagates {@code Σ_t w_t L_t}); false when they keep their own task's raw gradient.
     */
    boolean weightsHeads();

    /** After the optimizer step: updates the method's learnable parameters and, for FAMO, feeds it the new losses. */
    void afterStep(LossProbe lossesAfterStep);

    /**
     * For a checkpoint: the method's learnable parameters and their optimizer's state, or null when it has none (or
     * none yet). Other internal state of a method is not captured (see {@link Checkpoints}).
     */
    default Checkpoints.MethodState checkpointState() {
        return null;
    }

    /** Puts back what {@link #checkpointState()} returned, before the first step of a resumed run. */
    default void restore(Checkpoints.MethodState state) {
        if (state != null) {
            throw new IllegalArgumentException(name() + " has no learnable state to restore");
        }
    }

    /**
     * The aggregation for a run.
     *
     * @param method    a {@link MethodRegistry} name (case, '-' and '_' ignored) or {@code stl} for a one-task run
     * @param tasks     the run's number of tasks
     * @param seed      the seed of the method's own randomness (RLW, PCGrad, GradVac, GradDrop)
     * @param optimizer the run's optimizer: learnable method parameters (UW, IMTL-L, GradNorm) are trained with a
     *                  separate instance of it, as LibMTL trains them with the model's optimizer
     * @throws IllegalArgumentException for an unknown method, listing the valid names, or for {@code stl} with more
     *                                  than one task
     */
    static Aggregation forMethod(String method, int tasks, long seed, StudySpec.OptimizerSpec optimizer) {
        if (tasks < 1) {
            throw new IllegalArgumentException("a run needs at least one task, got " + tasks);
        }
        if (method != null && STL.equals(method.toLowerCase(Locale.ROOT))) {
            if (tasks != 1) {
                throw new IllegalArgumentException("method 'stl' trains exactly one task, the run has " + tasks);
            }
            return new MethodAggregation(new EW(), optimizer);
        }
        try {
            MethodRegistry.describe(method);
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("unsupported method '" + method + "'; valid names (case, '-' and '_' "
                    + "ignored): " + knownNames());
        }
        return new MethodAggregation(MethodRegistry.create(method, Map.of(), seed), optimizer);
    }

    /** Every name {@link #forMethod} accepts: the registry's methods, then {@code stl}. */
    static List<String> knownNames() {
        List<String> names = new ArrayList<>(MethodRegistry.names());
        names.add(STL);
        return List.copyOf(names);
    }
}
