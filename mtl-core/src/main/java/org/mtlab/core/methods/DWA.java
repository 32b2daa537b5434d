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
        return decidePartial(input);
    }

    /**
     * Also the step with every task labelled. Partial labels: an unlabelled task's loss does not enter its epoch mean;
     * the softmax runs over the labelled tasks (times their count); a labelled task whose mean is undefined in one of
     * the two epochs (no step of it labelled the task, e.g. in a resumed run's partial epoch) gets the neutral ratio 1.
     */
    @Override
    MethodResult decidePartial(StepInput input) {
        double[] losses = input.losses();
        int n = losses.length;
        int[] labelled = input.labelledTasks();
        averages.add(input.epoch(), losses, input);
        Integer previous = averages.completedBefore(input.epoch());
        Integer beforePrevious = previous == null ? null : averages.completedBefore(previous);
        if (beforePrevious == null) {
            return MethodResult.weighting(expand(Linalg.filled(labelled.length, 1.0), labelled, n), input);
        }
        double[] last = averages.mean(previous);
        double[] earlier = averages.mean(beforePrevious);
        double[] ratios = new double[labelled.length];
        for (int k = 0; k < labelled.length; k++) {
            int t = labelled[k];
            if (earlier[t] <= 0) {
                throw new IllegalArgumentException("DWA needs positive mean losses; task " + t + " had " + earlier[t]);
            }
            double ratio = Double.isNaN(last[t]) || Double.isNaN(earlier[t]) ? 1.0 : last[t] / earlier[t];
            ratios[k] = ratio / temperature;
        }
        double[] weights = labelled.length == 0 ? ratios : Softmax.of(ratios);
        for (int k = 0; k < weights.length; k++) {
            weights[k] *= labelled.length;
        }
        return MethodResult.weighting(expand(weights, labelled, n), input);
    }
}
