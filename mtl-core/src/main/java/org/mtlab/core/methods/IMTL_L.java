package org.mtlab.core.methods;

import java.util.EnumSet;

import java.util.Optional;
import java.util.Set;

/**
 * IMTL-L, the loss-balancing half of Impartial Multi-Task Learning (Liu, Li, Kuang, Xue, Chen, Yang, Liao, Zhang,
 * "Towards Impartial Multi-task Learning", ICLR 2021). Learns scales s_t with the objective
 * {@code Σ_t e^{s_t} L_t − s_t}, which drives every scaled loss {@code e^{s_t} L_t} towards 1; loss weights
 * {@code e^{s_t}}, s_t starting at 0 (LibMTL). The trainer updates s through {@link #learnableParameters()}.
 */
public final class IMTL_L extends AbstractMethod {
    private final ParameterVector scales = new ParameterVector(0.0);

    public IMTL_L() {
        super(MethodInfo.of("IMTL-L", MethodKind.LOSS_WEIGHTING,
                "Liu et al., Towards Impartial Multi-task Learning, ICLR 2021 (loss balance)",
                Set.of(MethodInput.LOSSES), EnumSet.of(MethodProperty.STATEFUL)));
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
        double[] s = scales.current(losses.length);
        double[] weights = new double[losses.length];
        double[] gradient = new double[losses.length];
        for (int t : input.labelledTasks()) {
            weights[t] = Math.exp(s[t]);
            gradient[t] = weights[t] * losses[t] - 1.0; // d/ds (e^s L − s)
        }
        scales.setGradient(gradient);
        return MethodResult.weighting(weights, input);
    }

    @Override
    public Optional<LearnableParameters> learnableParameters() {
        return Optional.of(scales);
    }
}
