package org.mtlab.core.methods;

/**
 * Unconflicting Projection of Gradients (Quinton &amp; Rey, "Jacobian Descent for Multi-Objective Optimization",
 * 2024; TorchJD). Each task gradient is projected onto the dual cone {x : g_tᵀx ≥ 0 ∀t} and the projections are
 * averaged: {@code w = (1/T) Σ_i argmin_{v ≥ e_i} vᵀĜv} with Ĝ = G / tr(G) + ε_reg·I (G replaced by 0 when
 * tr(G) &lt; ε_norm), ε_norm = ε_reg = 1e-4 as in TorchJD and LibMTL. With ε_reg = 0 the result never conflicts with
 * any task gradient; the default regularisation can leave a conflict of order ε_reg·tr(G)·|w|.
 */
public final class UPGrad extends GramWeighting {
    private final DualCone dualCone;

    public UPGrad() {
        this(1e-4, 1e-4);
    }

    public UPGrad(double normEpsilon, double regularisationEpsilon) {
        super(new DualCone(normEpsilon, regularisationEpsilon).describe("UPGrad",
                "Quinton & Rey, Jacobian Descent for Multi-Objective Optimization, arXiv 2406.16232, 2024"));
        this.dualCone = new DualCone(normEpsilon, regularisationEpsilon);
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        double[][] normalised = dualCone.normalisedGram(gram);
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            double[] unit = new double[n];
            unit[i] = 1.0 / n; // the mean preference, as TorchJD's default
            double[] projected = QuadraticPrograms.projectWeights(normalised, unit);
            for (int t = 0; t < n; t++) {
                weights[t] += projected[t];
            }
        }
        return weights;
    }
}
