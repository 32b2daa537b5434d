package org.mtlab.core.methods;

import java.util.EnumSet;

import java.util.Random;
import java.util.Set;

/**
 * Random Loss Weighting (Lin, Ye, Xu, Shi, Zhang, "Reasonable Effectiveness of Random Weighting: A Litmus Test for
 * Multi-Task Learning", TMLR 2022): each step, weights {@code softmax(z)} with {@code z ~ N(0, I)}, as LibMTL
 * samples them. Seeded, so a run reproduces.
 */
public final class RLW extends AbstractMethod {
    private final Random random;

    public RLW(long seed) {
        super(MethodInfo.of("RLW", MethodKind.LOSS_WEIGHTING,
                "Lin et al., Reasonable Effectiveness of Random Weighting: A Litmus Test for Multi-Task Learning, "
                        + "TMLR 2022", Set.of(), EnumSet.of(MethodProperty.SEEDED)).with("seed", seed));
        this.random = new Random(seed);
    }

    @Override
    MethodResult decide(StepInput input) {
        double[] z = new double[input.taskCount()];
        for (int t = 0; t < z.length; t++) {
            z[t] = random.nextGaussian();
        }
        return MethodResult.weighting(Softmax.of(z), input);
    }
}
