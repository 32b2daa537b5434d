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
        double[] losses = input.losses();
        int n = losses.length;
        double[] xi = logits.current(n);
        if (referenceEpoch < 0) {
            referenceEpoch = input.epoch();
        }
        if (input.epoch() == referenceEpoch) {
            averages.add(input.epoch(), losses);
            logits.setGradient(new double[n]);
            return MethodResult.weighting(Linalg.filled(n, 1.0), input);
        }
        double[] initialLosses = averages.mean(referenceEpoch);
        double[] probabilities = Softmax.of(xi);
        double[] weights = new double[n];
        double[] weightedNorms = new double[n];
        double[] inverseRates = new double[n];
        double meanInverseRate = 0.0;
        double meanWeightedNorm = 0.0;
        for (int t = 0; t < n; t++) {
            if (!(initialLosses[t] > 0)) {
                throw new IllegalArgumentException("GradNorm needs a positive epoch-0 mean loss; task " + t + " had "
                        + initialLosses[t]);
            }
            weights[t] = n * probabilities[t];
            weightedNorms[t] = weights[t] * Math.sqrt(input.gram()[t][t]);
            inverseRates[t] = losses[t] / initialLosses[t];
            meanInverseRate += inverseRates[t] / n;
            meanWeightedNorm += weightedNorms[t] / n;
        }
        double[] dObjectiveDWeight = new double[n];
        for (int t = 0; t < n; t++) {
            double relativeRate = meanInverseRate > 0 ? inverseRates[t] / meanInverseRate : 1.0;
            double target = meanWeightedNorm * Math.pow(relativeRate, alpha);
            dObjectiveDWeight[t] = Math.signum(weightedNorms[t] - target) * Math.sqrt(input.gram()[t][t]);
        }
        // w = n·softmax(ξ): chain through softmax, scaled by n
        double[] gradient = Softmax.backward(probabilities, dObjectiveDWeight);
        for (int t = 0; t < n; t++) {
            gradient[t] *= n;
        }
        logits.setGradient(gradient);
        return MethodResult.weighting(weights, input);
    }

    @Override
    public Optional<LearnableParameters> learnableParameters() {
        return Optional.of(logits);
    }
}
