package org.mtlab.core.methods;

/** TorchJD's Gram preparation for dual-cone projections: divide by the trace, then add ε_reg·I. */
final class DualCone {
    private final double normEpsilon;
    private final double regularisationEpsilon;

    DualCone(double normEpsilon, double regularisationEpsilon) {
        if (!(normEpsilon >= 0) || !(regularisationEpsilon >= 0)) {
            throw new IllegalArgumentException("epsilons must be non-negative");
        }
        this.normEpsilon = normEpsilon;
        this.regularisationEpsilon = regularisationEpsilon;
    }

    MethodInfo describe(String name, String citation) {
        return MethodInfo.of(name, MethodKind.GRAM_WEIGHTING, citation, GramWeighting.gramOnly(),
                        AbstractMethod.noProperties())
                .with("normEpsilon", normEpsilon).with("regularisationEpsilon", regularisationEpsilon);
    }

    double[][] normalisedGram(double[][] gram) {
        double trace = Linalg.trace(gram);
        double[][] normalised = trace < normEpsilon || trace == 0.0
                ? new double[gram.length][gram.length]
                : Linalg.scaled(gram, 1.0 / trace);
        return Linalg.plusIdentity(normalised, regularisationEpsilon);
    }
}
