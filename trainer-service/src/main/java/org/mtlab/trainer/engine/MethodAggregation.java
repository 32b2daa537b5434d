package org.mtlab.trainer.engine;

import java.util.Objects;
import java.util.Set;

import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.methods.LearnableParameters;
import org.mtlab.core.methods.MethodInput;
import org.mtlab.core.methods.MethodKind;
import org.mtlab.core.methods.MethodResult;
import org.mtlab.core.methods.MtlMethod;
import org.mtlab.core.methods.StepInput;
import org.mtlab.core.optim.Optimizer;
import org.mtlab.core.optim.Optimizers;

/**
 * Adapts any {@link MtlMethod} to the trainer's {@link Aggregation}.
 *
 * <p><b>Step input.</b> Built from what the method's {@code info().inputs()} asks for: the losses always (as double);
 * for a method reading the Gram matrix, the Gram of the whole trunk summed from the per-block Grams the trainer also
 * puts into the gradient event, in the same order as {@link GradientEvent#totalGram()}, so the method sees exactly the
 * matrix the event carries and the Gram is computed once per step; for a method needing the full gradients (GradDrop,
 * DB-MTL), the T×P matrix of shared gradients (the core's {@link StepInput#ofGradients} then computes its own Gram
 * from them: on those methods' telemetry steps the Gram is computed twice). The epoch is passed counted from 0, as
 * LibMTL counts it (GradNorm's and STCH's warm-up epochs, DWA's first two epochs); the step as the trainer counts it.
 *
 * <p><b>Combined shared gradient.</b> The method's own when it returns one (gradient aggregation), otherwise
 * {@code Σ_t w_t g_t} accumulated in double. The weights reported (and put into the gradient event) are the method's
 * weights as it returned them: for GradDrop each task's kept share, for DB-MTL the factors α on its EMA buffers.
 *
 * <p><b>Task heads.</b> {@link MethodKind#LOSS_WEIGHTING} methods (EW, UW, DWA, RLW, GLS, IMTL-L, FAMO, STCH) are
 * defined as back-propagating {@code Σ_t w_t L_t}, which is what LibMTL does for them; a head depends on its own
 * task's loss only, so its gradient is {@code w_t ∇L_t}: heads are weighted. Every other method (Gram weighting and
 * gradient aggregation) changes only the shared gradient, and each head keeps its own task's raw gradient — LibMTL's
 * convention for MGDA, PCGrad, GradVac, CAGrad, IMTL-G, Aligned-MTL, UPGrad and GradDrop. Known differences from
 * LibMTL's code, which back-propagates a weighted loss for a few Gram methods too: GradNorm, Nash-MTL and FairGrad
 * there also weight the heads by their weights, and DB-MTL gives each head the gradient of {@code log L_t}; here
 * their heads get the raw gradient, so the rule follows the method's kind alone. With Adam a head is invariant to a
 * constant scale of its task's loss, so the difference shows mainly with SGD.
 *
 * <p><b>Learnable parameters</b> (UW's log-variances, IMTL-L's scales, GradNorm's logits): after every optimizer step
 * a separate instance of the run's optimizer (same kind, learning rate and momentum) steps them along the gradient
 * the method reported for the step, in float32 as PyTorch holds them — as LibMTL, where they are parameters of the
 * model and train with the model's optimizer. A step whose gradient is exactly zero (GradNorm's first epoch) is
 * skipped, as PyTorch skips a parameter without a gradient. FAMO has its own rule (Adam on its logits, lr 0.025, decay
 * 1e-3, inside the method): it gets the same batch's losses after the update, from one extra forward pass that only
 * methods with {@link MtlMethod#needsLossesAfterStep()} cost.
 *
 * <p>Randomness (RLW, PCGrad, GradVac, GradDrop) comes from the seed the method was created with, so a run
 * reproduces. Not thread-safe.
 */
final class MethodAggregation implements Aggregation {
    private final MtlMethod method;
    private final boolean needsGram;
    private final boolean needsGradients;
    private final boolean weightsHeads;
    private final StudySpec.OptimizerSpec optimizerSpec;
    private final LearnableParameters learnable;
    private Optimizer learnableOptimizer;
    private float[] learnableValues;
    private float[] learnableGradient;
    private boolean applied;

    MethodAggregation(MtlMethod method, StudySpec.OptimizerSpec optimizer) {
        this.method = Objects.requireNonNull(method, "method");
        Set<MethodInput> inputs = method.info().inputs();
        this.needsGradients = inputs.contains(MethodInput.GRADIENTS);
        this.needsGram = !needsGradients && inputs.contains(MethodInput.GRAM);
        this.weightsHeads = method.info().kind() == MethodKind.LOSS_WEIGHTING;
        this.learnable = method.learnableParameters().orElse(null);
        if (learnable != null && optimizer == null) {
            throw new IllegalArgumentException(method.info().name() + " learns parameters: it needs the run's optimizer");
        }
        this.optimizerSpec = optimizer;
    }

    @Override
    public String name() {
        return method.info().name();
    }

    @Override
    public boolean needsGram() {
        return needsGram;
    }

    @Override
    public boolean weighsLossesOnly() {
        return weightsHeads && !needsGram && !needsGradients;
    }

    @Override
    public float[] lossWeights(int epoch, long step, float[] losses, long unlabelled) {
        if (!weighsLossesOnly()) {
            throw new IllegalStateException(name() + " needs the task gradients to decide a step");
        }
        return decide(epoch, step, losses, unlabelled, null);
    }

    /** The adapted method (its state, e.g. FAMO's logits, for tests). */
    MtlMethod method() {
        return method;
    }

    @Override
    public boolean needsGradientVectors() {
        return needsGradients;
    }

    @Override
    public boolean weightsHeads() {
        return weightsHeads;
    }

    @Override
    public float[] decide(int epoch, long step, float[] losses, long unlabelled, double[][] blockGrams) {
        if (needsGradients) {
            throw new IllegalStateException(name() + " needs the task gradient vectors to decide a step");
        }
        StepInput input;
        if (needsGram) {
            if (blockGrams == null) {
                throw new IllegalStateException(name() + " needs the Gram matrix on every step");
            }
            input = StepInput.ofGram(Math.max(0, epoch - 1), step, doubles(losses),
                    totalGram(blockGrams, losses.length));
        } else {
            input = StepInput.ofLosses(Math.max(0, epoch - 1), step, doubles(losses));
        }
        return applied(method.apply(withUnlabelled(input, unlabelled)).weights());
    }

    @Override
    public float[] combine(int epoch, long step, float[] losses, long unlabelled, float[][] taskGradients,
                           double[][] blockGrams, float[] combined) {
        int tasks = taskGradients.length;
        if (losses.length != tasks) {
            throw new IllegalArgumentException(losses.length + " losses but " + tasks + " task gradients");
        }
        if (!needsGradients) {
            float[] weights = decide(epoch, step, losses, unlabelled, blockGrams);
            for (int k = 0; k < combined.length; k++) {
                double sum = 0;
                for (int t = 0; t < tasks; t++) {
                    sum += weights[t] * (double) taskGradients[t][k];
                }
                combined[k] = (float) sum;
            }
            return weights;
        }
        double[][] gradients = new double[tasks][combined.length];
        for (int t = 0; t < tasks; t++) {
            float[] g = taskGradients[t];
            for (int k = 0; k < combined.length; k++) {
                gradients[t][k] = g[k];
            }
        }
        MethodResult result = method.apply(withUnlabelled(StepInput.ofGradients(Math.max(0, epoch - 1), step,
                doubles(losses), gradients), unlabelled));
        double[] c = result.combinedGradient();
        for (int k = 0; k < combined.length; k++) {
            combined[k] = (float) c[k];
        }
        return applied(result.weights());
    }

    /** The step with the batch's unlabelled tasks (bit t: task t) marked, for the methods' partial-labels rule. */
    private static StepInput withUnlabelled(StepInput input, long unlabelled) {
        if (unlabelled == 0) {
            return input;
        }
        boolean[] mask = new boolean[input.taskCount()];
        for (int t = 0; t < mask.length; t++) {
            mask[t] = (unlabelled >>> t & 1L) != 0;
        }
        return input.withUnlabelled(mask);
    }

    private float[] applied(double[] weights) {
        applied = true;
        float[] out = new float[weights.length];
        for (int t = 0; t < weights.length; t++) {
            out[t] = (float) weights[t];
        }
        return out;
    }

    private static double[] doubles(float[] values) {
        double[] out = new double[values.length];
        for (int t = 0; t < values.length; t++) {
            out[t] = values[t];
        }
        return out;
    }

    @Override
    public void afterStep(LossProbe lossesAfterStep) {
        if (!applied) {
            throw new IllegalStateException("afterStep before any step was combined");
        }
        if (learnable != null) {
            stepLearnableParameters();
        }
        if (method.needsLossesAfterStep()) {
            float[] after = lossesAfterStep.losses();
            double[] values = new double[after.length];
            for (int t = 0; t < after.length; t++) {
                if (!Float.isFinite(after[t])) {
                    throw new IllegalStateException("training diverged: a task loss after the step is " + after[t]);
                }
                values[t] = after[t];
            }
            method.afterStep(values);
        }
    }

    private void stepLearnableParameters() {
        double[] gradient = learnable.gradient();
        if (learnableOptimizer == null) {
            learnableOptimizer = Optimizers.create(optimizerSpec, gradient.length);
            double[] initial = learnable.values();
            learnableValues = new float[initial.length];
            for (int i = 0; i < initial.length; i++) {
                learnableValues[i] = (float) initial[i];
            }
            learnableGradient = new float[gradient.length];
        }
        boolean zero = true;
        for (int i = 0; i < gradient.length; i++) {
            learnableGradient[i] = (float) gradient[i];
            zero &= learnableGradient[i] == 0f;
        }
        if (zero) {
            return;
        }
        learnableOptimizer.step(learnableValues, learnableGradient);
        double[] updated = new double[learnableValues.length];
        for (int i = 0; i < updated.length; i++) {
            updated[i] = learnableValues[i];
        }
        learnable.setValues(updated);
    }

    @Override
    public Checkpoints.MethodState checkpointState() {
        if (learnableOptimizer == null) {
            return null;
        }
        return new Checkpoints.MethodState(learnableValues.clone(), learnableOptimizer.state());
    }

    @Override
    public void restore(Checkpoints.MethodState state) {
        if (state == null) {
            return;
        }
        if (learnable == null) {
            throw new IllegalArgumentException(name() + " has no learnable parameters to restore");
        }
        int size = state.learnableValues().length;
        int current = learnable.values().length;
        if (current != 0 && current != size) {
            throw new IllegalArgumentException(name() + " has " + current + " learnable parameters, the checkpoint "
                    + size);
        }
        learnableOptimizer = Optimizers.create(optimizerSpec, size);
        learnableOptimizer.restore(state.optimizer());
        learnableValues = state.learnableValues().clone();
        learnableGradient = new float[size];
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = learnableValues[i];
        }
        learnable.setValues(values);
    }

    /** Σ over blocks of the packed Grams, summed exactly as {@link GradientEvent#totalGram()} does. */
    static double[][] totalGram(double[][] blockGrams, int tasks) {
        double[][] g = new double[tasks][tasks];
        for (double[] packed : blockGrams) {
            for (int i = 0; i < tasks; i++) {
                for (int j = i; j < tasks; j++) {
                    g[i][j] += packed[GradientEvent.packedIndex(i, j, tasks)];
                }
            }
        }
        for (int i = 0; i < tasks; i++) {
            for (int j = 0; j < i; j++) {
                g[i][j] = g[j][i];
            }
        }
        return g;
    }
}
