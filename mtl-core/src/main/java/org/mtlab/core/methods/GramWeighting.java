package org.mtlab.core.methods;

import java.util.EnumSet;
import java.util.Set;

/** A method whose weights are a function of the Gram matrix (and maybe the losses): w = f(G), combined Jᵀw. */
abstract class GramWeighting extends AbstractMethod {
    GramWeighting(String name, String citation, Set<MethodProperty> properties) {
        super(MethodInfo.of(name, MethodKind.GRAM_WEIGHTING, citation, EnumSet.of(MethodInput.GRAM), properties));
    }

    GramWeighting(MethodInfo info) {
        super(info);
    }

    static Set<MethodInput> gramOnly() {
        return EnumSet.of(MethodInput.GRAM);
    }

    @Override
    final MethodResult decide(StepInput input) {
        return MethodResult.weighting(weights(input.gram(), input), input);
    }

    abstract double[] weights(double[][] gram, StepInput input);
}
