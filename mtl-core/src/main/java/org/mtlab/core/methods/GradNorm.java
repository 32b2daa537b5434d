package org.mtlab.core.methods;

import java.util.EnumSet;

import java.util.Optional;
import java.util.Set;

/**
 * GradNorm (Chen, Badrinarayanan, Lee, Rabinovich, "GradNorm: Gradient Normalization for Adaptive Loss Balancing
 * in Deep Multitask Networks", ICML 2018), as LibMTL parametrises it: weights {@code w = T · softmax(ξ)} with
 * learnable logits ξ (start 0). From epoch 1 on, the GradNorm objective is
 * {@code Σ_t |w_t‖g_t‖ − Ḡ · r_t^α|} with {@code Ḡ = mean_t w_t‖g_t‖}, {@code r_t = L̃_t / mean L̃},
 * {@code L̃_t = L_t / L_t(0)} where {@code L_t(0)} is the task's mean loss over epoch 0 (the first epoch seen), and the target
 * {@code Ḡ · r_t^α} held constant; the trainer updates ξ with its gradient. Epoch 0 behaves as EW. α = 1.5.
 * Gradient norms come from the Gram diagonal, so no full gradient is needed.
 */
public final class GradNorm extends AbstractMethod {
    private final double alpha;
    private final ParameterVector logits = new ParameterVector(0.0);
    private final EpochLossAverages averages = new EpochLossAverages();
    /** The first epoch seen (0 in a fresh run): EW there, and its mean losses are L(0). */
    private int referenceEpoch = -1;
    /** L(0) per task once known (partial labels: a task the reference epoch never labelled takes its next loss). */
    private double[] initialLosses;

    public GradNorm() {
        this(1.5);
    }

    public GradNorm(double alpha) {
        super(MethodInfo.of("GradNorm", MethodKind.GRAM_WEIGHTING,
                "Chen et al., GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep Multitask "
                        + "Networks, ICML 2018", Set.of(MethodInput.LOSSES, MethodInput.GRAM),
                EnumSet.of(MethodProperty.STATEFUL)).with("alpha", alpha));
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be finite and non-negative: " + alpha);
        }
        this.alpha = alpha;
    }

    @Override
    MethodResult decide(StepInput input) {
        return decidePartial(input);
    }

    /**
     * Also the step with every task labelled. Partial labels: the objective runs over the labelled tasks alone —
     * weights {@code T_l · softmax(ξ_l)} over the T_l labelled tasks' logits, their mean weighted norm and relative
     * rates — so an unlabelled task gets weight 0 and a zero gradient for its logit; its loss does not enter L(0); a
     * task the reference epoch never labelled takes its first labelled loss after it as L(0).
     */
    @Override
    MethodResult decidePartial(StepInput input) {
        double[] losses = input.losses();
        int n = losses.length;
        int[] labelled = input.labelledTasks();
        int m = labelled.length;
        logits.current(n);
        if (referenceEpoch < 0) {
            referenceEpoch = input.epoch();
        }
        if (input.epoch() == referenceEpoch) {
            averages.add(input.epoch(), losses, input);
            logits.setGradient(new double[n]);
            return MethodResult.weighting(expand(Linalg.filled(m, 1.0), labelled, n), input);
        }
        if (initialLosses == null) {
            initialLosses = averages.mean(referenceEpoch);
        }
        for (int t : labelled) {
            if (Double.isNaN(initialLosses[t])) {
                initialLosses[t] = losses[t];
            }
        }
        double[] probabilities = Softmax.of(select(logits.current(n), labelled));
        double[] weights = new double[m];
        double[] norms = new double[m];
        double[] weightedNorms = new double[m];
        double[] inverseRates = new double[m];
        double meanInverseRate = 0.0;
        double meanWeightedNorm = 0.0;
        for (int k = 0; k < m; k++) {
            int t = labelled[k];
            if (!(initialLosses[t] > 0)) {
                throw new IllegalArgumentException("GradNorm needs a positive epoch-0 mean loss; task " + t + " had "
                        + initialLosses[t]);
            }
            weights[k] = m * probabilities[k];
            norms[k] = Math.sqrt(input.gram()[t][t]);
            weightedNorms[k] = weights[k] * norms[k];
            inverseRates[k] = losses[t] / initialLosses[t];
            meanInverseRate += inverseRates[k] / m;
            meanWeightedNorm += weightedNorms[k] / m;
        }
        double[] dObjectiveDWeight = new double[m];
        for (int k = 0; k < m; k++) {
            double relativeRate = meanInverseRate > 0 ? inverseRates[k] / meanInverseRate : 1.0;
            double target = meanWeightedNorm * Math.pow(relativeRate, alpha);
            dObjectiveDWeight[k] = Math.signum(weightedNorms[k] - target) * norms[k];
        }
        // w = m·softmax(ξ_l): chain through softmax, scaled by m
        double[] gradient = Softmax.backward(probabilities, dObjectiveDWeight);
        for (int k = 0; k < m; k++) {
            gradient[k] *= m;
        }
        logits.setGradient(expand(gradient, labelled, n));
        return MethodResult.weighting(expand(weights, labelled, n), input);
    }

    @Override
    public Optional<LearnableParameters> learnableParameters() {
        return Optional.of(logits);
    }
}
