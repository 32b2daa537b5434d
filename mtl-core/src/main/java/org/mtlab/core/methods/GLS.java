package org.mtlab.core.methods;

import java.util.Set;

/**
 * Geometric Loss Strategy (Chennupati, Sistu, Yogamani, Rawashdeh, "MultiNet++: Multi-Stream Feature Aggregation
 * and Geometric Loss Strategy for Multi-Task Learning", CVPR Workshops 2019): the objective is the geometric mean
 * {@code (Π_t L_t)^{1/T}}, whose gradient weights each loss by {@code ∂/∂L_t = GM / (T · L_t)}. Losses must be
 * positive.
 */
public final class GLS extends AbstractMethod {
    public GLS() {
        super(MethodInfo.of("GLS", MethodKind.LOSS_WEIGHTING,
                "Chennupati et al., MultiNet++: Multi-Stream Feature Aggregation and Geometric Loss Strategy for "
                        + "Multi-Task Learning, CVPR Workshops 2019", Set.of(MethodInput.LOSSES), noProperties()));
    }

    @Override
    MethodResult decide(StepInput input) {
        double[] losses = input.losses();
        int n = losses.length;
        double meanLog = 0.0;
        for (int t = 0; t < n; t++) {
            if (!(losses[t] > 0)) {
                throw new IllegalArgumentException("GLS needs positive losses; task " + t + " has " + losses[t]);
            }
            meanLog += Math.log(losses[t]) / n;
        }
        double geometricMean = Math.exp(meanLog); // in log space so many small losses do not underflow
        double[] weights = new double[n];
        for (int t = 0; t < n; t++) {
            weights[t] = geometricMean / (n * losses[t]);
        }
        return MethodResult.weighting(weights, input);
    }
}
