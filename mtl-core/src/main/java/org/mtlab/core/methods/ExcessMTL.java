package org.mtlab.core.methods;

import java.util.EnumSet;

/**
 * ExcessMTL (He et al., "Robust Multi-Task Learning with Excess Risks", ICML 2024): loss
 * weights move towards the tasks with the largest estimated excess risk. Each task accumulates its squared gradient
 * per coordinate (AdaGrad), {@code H_t ← H_t + g_t²}, and estimates its excess risk as
 * {@code e_t = Σ_k g_tk² / √(H_tk + 1e-7)} (the gradient in the AdaGrad metric). The first step's estimates are kept
 * as the reference e⁰ and the weights stay 1; afterwards {@code w_t ← w_t · exp(η e_t / e⁰_t)}, rescaled to sum to T.
 * Robust step size η = 1e-2 (the official code and LibMTL). The trainer back-propagates {@code Σ w_t L_t}.
 *
 * <p>Needs the full gradients: the AdaGrad sums are per coordinate, which no Gram matrix holds; they persist across
 * steps, so it runs on parameter gradients only. The multiplicative update is done on log-weights (the same weights,
 * without overflow), and a task whose first estimates were 0 (zero gradient) takes its reference from its first
 * non-zero estimate, with ratio 0 until then.
 */
public final class ExcessMTL extends AbstractMethod {
    private final double robustStepSize;
    private double[][] squaredSums;
    private double[] reference;
    private double[] logWeights;

    public ExcessMTL() {
        this(1e-2);
    }

    public ExcessMTL(double robustStepSize) {
        super(MethodInfo.of("ExcessMTL", MethodKind.LOSS_WEIGHTING,
                "He et al., Robust Multi-Task Learning with Excess Risks, ICML 2024", EnumSet.of(MethodInput.GRADIENTS),
                EnumSet.of(MethodProperty.STATEFUL, MethodProperty.PARAMETER_SPACE_ONLY))
                .with("robustStepSize", robustStepSize));
        requirePositive("robustStepSize", robustStepSize);
        this.robustStepSize = robustStepSize;
    }

    @Override
    MethodResult decide(StepInput input) {
        double[][] gradients = input.gradients();
        int n = gradients.length;
        int p = gradients[0].length;
        boolean first = squaredSums == null;
        if (first) {
            squaredSums = new double[n][p];
            reference = new double[n];
            logWeights = new double[n];
        } else if (squaredSums[0].length != p) {
            throw new IllegalArgumentException("ExcessMTL started with " + squaredSums[0].length
                    + " parameters but got " + p);
        }
        double[] excess = new double[n];
        for (int t = 0; t < n; t++) {
            for (int k = 0; k < p; k++) {
                double g = gradients[t][k];
                squaredSums[t][k] += g * g;
                excess[t] += g * g / Math.sqrt(squaredSums[t][k] + 1e-7);
            }
        }
        for (int t = 0; t < n; t++) {
            if (reference[t] > 0) {
                logWeights[t] += robustStepSize * excess[t] / reference[t];
            } else {
                reference[t] = excess[t];
            }
        }
        return MethodResult.weighting(currentWeights(), input);
    }

    /** {@code T · softmax(log w)}: the weights rescaled to sum to T. */
    private double[] currentWeights() {
        double[] weights = Softmax.of(logWeights);
        for (int t = 0; t < weights.length; t++) {
            weights[t] *= weights.length;
        }
        return weights;
    }
}
