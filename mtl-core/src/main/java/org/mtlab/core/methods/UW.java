package org.mtlab.core.methods;

import java.util.EnumSet;

import java.util.Optional;
import java.util.Set;

/**
 * Uncertainty weighting (Kendall, Gal, Cipolla, "Multi-Task Learning Using Uncertainty to Weigh Losses for Scene
 * Geometry and Semantics", CVPR 2018). Learns log-variances s_t; the objective is
 * {@code Σ_t L_t / (2 e^{s_t}) + s_t / 2} as in LibMTL, so the loss weights are {@code 1 / (2 e^{s_t})}.
 * s_t start at −0.5 (LibMTL). The trainer updates s through {@link #learnableParameters()}.
 */
public final class UW extends AbstractMethod {
    private final ParameterVector logVariances;

    public UW() {
        this(-0.5);
    }

    public UW(double initialLogVariance) {
        super(MethodInfo.of("UW", MethodKind.LOSS_WEIGHTING,
                "Kendall, Gal & Cipolla, Multi-Task Learning Using Uncertainty to Weigh Losses for Scene Geometry "
                        + "and Semantics, CVPR 2018", Set.of(MethodInput.LOSSES), EnumSet.of(MethodProperty.STATEFUL))
                .with("initialLogVariance", initialLogVariance));
        this.logVariances = new ParameterVector(initialLogVariance);
    }

    @Override
    MethodResult decide(StepInput input) {
        return decidePartial(input);
    }

    /**
     * Also the step with every task labelled. Partial labels: a task without labels in the batch gets weight 0 and a
     * zero gradient for its parameter — its term of the objective is left out of the step, not read at a loss of 0,
     * which would move the parameter for nothing.
     */
    @Override
    MethodResult decidePartial(StepInput input) {
        double[] losses = input.losses();
        double[] s = logVariances.current(losses.length);
        double[] weights = new double[losses.length];
        double[] gradient = new double[losses.length];
        for (int t : input.labelledTasks()) {
            weights[t] = 0.5 * Math.exp(-s[t]);
            gradient[t] = 0.5 - weights[t] * losses[t]; // d/ds (L e^{-s}/2 + s/2)
        }
        logVariances.setGradient(gradient);
        return MethodResult.weighting(weights, input);
    }

    @Override
    public Optional<LearnableParameters> learnableParameters() {
        return Optional.of(logVariances);
    }
}
