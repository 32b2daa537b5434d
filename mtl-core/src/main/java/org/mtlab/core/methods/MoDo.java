package org.mtlab.core.methods;

import java.util.EnumSet;

/**
 * Multi-objective gradient with Double sampling (Chen, Fernando, Ying, Chen, "Three-Way Trade-Off in Multi-Objective
 * Learning: Optimization, Generalization and Conflict-Avoidance", NeurIPS 2023). The weights λ (start 1/T) take one
 * projected gradient step per training step on MGDA's regularised subproblem:
 * {@code λ ← Π_Δ(λ − γ (G λ + ρ λ))}, and the shared gradient is {@code Σ λ_t g_t} with the new λ. γ = 1e-3,
 * ρ = 0.1, the defaults of the official code as LibMTL takes them.
 *
 * <p>The paper draws three independent batches per step (two for the product {@code J₁J₂ᵀ} in the λ-step, one for the
 * update); the trainer gives one batch per step, so all three are that batch and {@code J₁J₂ᵀ} is its Gram matrix.
 * That is a Gram function, and the state is the T weights only.
 */
public final class MoDo extends GramWeighting {
    private final double gamma;
    private final double rho;
    private double[] lambda;

    public MoDo() {
        this(1e-3, 0.1);
    }

    public MoDo(double gamma, double rho) {
        super(MethodInfo.of("MoDo", MethodKind.GRAM_WEIGHTING,
                "Chen et al., Three-Way Trade-Off in Multi-Objective Learning: Optimization, Generalization and "
                        + "Conflict-Avoidance, NeurIPS 2023", gramOnly(), EnumSet.of(MethodProperty.STATEFUL))
                .with("gamma", gamma).with("rho", rho));
        requirePositive("gamma", gamma);
        if (!(rho >= 0) || !Double.isFinite(rho)) {
            throw new IllegalArgumentException("rho must be finite and non-negative: " + rho);
        }
        this.gamma = gamma;
        this.rho = rho;
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        if (lambda == null) {
            lambda = Linalg.filled(n, 1.0 / n);
        }
        double[] gradient = Linalg.multiply(gram, lambda);
        double[] moved = new double[n];
        for (int t = 0; t < n; t++) {
            moved[t] = lambda[t] - gamma * (gradient[t] + rho * lambda[t]);
        }
        lambda = Simplex.project(moved);
        return lambda.clone();
    }
}
