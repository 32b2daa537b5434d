package org.mtlab.core.methods;

import java.util.Set;

/**
 * Equal weighting: every task loss with weight 1, i.e. the losses are summed, as LibMTL's EW does (Lin &amp; Zhang,
 * "LibMTL: A Python Library for Multi-Task Learning", JMLR 2023). The baseline every other method is compared to.
 */
public final class EW extends AbstractMethod {
    public EW() {
        super(MethodInfo.of("EW", MethodKind.LOSS_WEIGHTING,
                "Equal weighting (sum of losses), as in LibMTL: Lin & Zhang, JMLR 2023", Set.of(), noProperties()));
    }

    @Override
    MethodResult decide(StepInput input) {
        return MethodResult.weighting(Linalg.filled(input.taskCount(), 1.0), input);
    }
}
