package org.mtlab.core.methods;

/**
 * DualProj (Quinton &amp; Rey, "Jacobian Descent for Multi-Objective Optimization", 2024; TorchJD): the mean
 * gradient projected onto the dual cone of the task gradients, {@code w = argmin_{v ≥ 1/T} vᵀĜv}, with the same
 * Gram normalisation and regularisation as {@link UPGrad} (ε_norm = ε_reg = 1e-4).
 */
public final class DualProj extends GramWeighting {
    private final DualCone dualCone;

    public DualProj() {
        this(1e-4, 1e-4);
    }

    public DualProj(double normEpsilon, double regularisationEpsilon) {
        super(new DualCone(normEpsilon, regularisationEpsilon).describe("DualProj",
                "Quinton & Rey, Jacobian Descent for Multi-Objective Optimization, arXiv 2406.16232, 2024"));
        this.dualCone = new DualCone(normEpsilon, regularisationEpsilon);
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        return QuadraticPrograms.projectWeights(dualCone.normalisedGram(gram), Linalg.filled(n, 1.0 / n));
    }
}
