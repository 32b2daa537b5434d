package org.mtlab.core.methods;

import java.util.stream.IntStream;

/**
 * Conflict-Free Inverse Gradients (Liu, Chu, Thuerey, "ConFIG: Towards Conflict-free Training of Physics Informed
 * Neural Networks", arXiv 2408.11104, 2024). With the unit task gradients u_t = g_t/‖g_t‖, the direction is
 * {@code ĝ = U⁺ 1} (U the matrix of rows u_t: the minimum-norm vector with {@code u_tᵀĝ = 1} for every task, so it has
 * the same positive projection on every unit gradient), and the update is {@code (Σ_t g_tᵀ ĝ_u) ĝ_u}, ĝ_u = ĝ/‖ĝ‖:
 * the unit direction scaled by the sum of the gradients' projections on it (the paper's default length).
 *
 * <p>All of it is a Gram function: U has Gram {@code N_ij = G_ij / (‖g_i‖‖g_j‖)}, and {@code ĝ = Uᵀ N⁺ 1}, i.e.
 * {@code ĝ = Σ_t (a_t/‖g_t‖) g_t} with {@code a = N⁺ 1}; {@code ‖ĝ‖² = aᵀNa}; {@code g_jᵀĝ = ‖g_j‖ (Na)_j}. The
 * pseudo-inverse drops eigenvalues of N below {@code λ_max · T · ε_float32} (the gradients come from float32
 * training; the same rank rule as {@link AlignedMTL}). Tasks with a zero gradient have no direction and get weight 0;
 * with every gradient zero all weights are 0. No hyper-parameters.
 */
public final class ConFIG extends GramWeighting {
    private static final double FLOAT32_EPSILON = Math.ulp(1.0f);

    public ConFIG() {
        super("ConFIG", "Liu, Chu & Thuerey, ConFIG: Towards Conflict-free Training of Physics Informed Neural Networks, "
                + "arXiv 2408.11104, 2024", noProperties());
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        int[] active = IntStream.range(0, n).filter(t -> gram[t][t] > 0).toArray();
        double[] weights = new double[n];
        int m = active.length;
        if (m == 0) {
            return weights;
        }
        double[] norms = new double[m];
        for (int a = 0; a < m; a++) {
            norms[a] = Math.sqrt(gram[active[a]][active[a]]);
        }
        double[][] unitGram = new double[m][m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                unitGram[a][b] = gram[active[a]][active[b]] / (norms[a] * norms[b]);
            }
        }
        double[] coefficients = Linalg.solveSymmetric(unitGram, Linalg.filled(m, 1.0), m * FLOAT32_EPSILON);
        double[] projections = Linalg.multiply(unitGram, coefficients); // u_tᵀ ĝ
        double directionNormSquared = Linalg.dot(coefficients, projections);
        if (!(directionNormSquared > 0)) {
            return weights;
        }
        double length = 0.0; // Σ_t g_tᵀ ĝ / ‖ĝ‖
        for (int a = 0; a < m; a++) {
            length += norms[a] * projections[a];
        }
        length /= Math.sqrt(directionNormSquared);
        double scale = length / Math.sqrt(directionNormSquared);
        for (int a = 0; a < m; a++) {
            weights[active[a]] = scale * coefficients[a] / norms[a];
        }
        return weights;
    }
}
