package org.mtlab.core.methods;

import java.util.Set;

/**
 * Scale-invariant loss weighting, the "SI" baseline of Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik, Fetaya,
 * "Multi-Task Learning as a Bargaining Game", ICML 2022: the objective is {@code Σ_t log L_t}, unchanged when a task's
 * loss is multiplied by a constant, so each loss gets weight {@code ∂/∂L_t = 1/L_t}. No hyper-parameters; losses must
 * be positive (the official code takes the logarithm without a guard).
 */
public final class SI extends AbstractMethod {
    public SI() {
        super(MethodInfo.of("SI", MethodKind.LOSS_WEIGHTING,
                "Navon et al., Multi-Task Learning as a Bargaining Game, ICML 2022 (scale-invariant baseline, sum of "
                        + "log-losses)", Set.of(MethodInput.LOSSES), noProperties()));
    }

    @Override
    MethodResult decide(StepInput input) {
        double[] losses = input.losses();
        double[] weights = new double[losses.length];
        for (int t = 0; t < losses.length; t++) {
            if (!(losses[t] > 0)) {
                throw new IllegalArgumentException("SI needs positive losses; task " + t + " has " + losses[t]);
            }
            weights[t] = 1.0 / losses[t];
        }
        return MethodResult.weighting(weights, input);
    }
}
