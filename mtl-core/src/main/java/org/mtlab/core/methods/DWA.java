package org.mtlab.core.methods;

import java.util.EnumSet;

import java.util.Set;

/**
 * Dynamic Weight Average (Liu, Johns, Davison, "End-to-End Multi-Task Learning with Attention", CVPR 2019):
 * {@code w_t = T_tasks · softmax_t(r_t / T)} with {@code r_t = L̄_t(e−1) / L̄_t(e−2)}, the ratio of the task's mean
 * loss over the two previous epochs; weight 1 each until two epochs are complete. Temperature T = 2.
 */
public final class DWA extends AbstractMethod {
    private final double temperature;
    private final EpochLossAverages averages = new EpochLossAverages();

    public DWA() {
        this(2.0);
    }

    public DWA(double temperature) {
        super(MethodInfo.of("DWA", MethodKind.LOSS_WEIGHTING,
                "Liu, Johns & Davison, End-to-End Multi-Task Learning with Attention, CVPR 2019",
                Set.of(MethodInput.LOSSES), EnumSet.of(MethodProperty.STATEFUL)).with("T", temperature));
        requirePositive("T", temperature);
        this.temperature = temperature;
    }

    @Override
    MethodResult decide(StepInput input) {
        double[] losses = input.losses();
        averages.add(input.epoch(), losses);
        Integer previous = averages.completedBefore(input.epoch());
        Integer beforePrevious = previous == null ? null : averages.completedBefore(previous);
        if (beforePrevious == null) {
            return MethodResult.weighting(Linalg.filled(losses.length, 1.0), input);
        }
        double[] last = averages.mean(previous);
        double[] earlier = averages.mean(beforePrevious);
        double[] ratios = new double[losses.length];
        for (int t = 0; t < losses.length; t++) {
            if (earlier[t] <= 0) {
                throw new IllegalArgumentException("DWA needs positive mean losses; task " + t + " had " + earlier[t]);
            }
            ratios[t] = last[t] / earlier[t] / temperature;
        }
        double[] weights = Softmax.of(ratios);
        for (int t = 0; t < weights.length; t++) {
            weights[t] *= losses.length;
        }
        return MethodResult.weighting(weights, input);
    }
}
