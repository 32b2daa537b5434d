package org.mtlab.core.methods;

import java.util.stream.IntStream;

/**
 * IMTL-G, the gradient-balancing half of Impartial Multi-Task Learning (Liu et al., "Towards Impartial Multi-task
 * Learning", ICLR 2021): weights α summing to 1 such that the combined gradient {@code g = Σ α_t g_t} has equal
 * projections onto every unit task gradient u_t. Closed form: with {@code D = [g_1 − g_t]_{t≥2}},
 * {@code U = [u_1 − u_t]_{t≥2}}, {@code α_{2:T} = g_1 Uᵀ (D Uᵀ)^{-1}}, {@code α_1 = 1 − Σ α_{2:T}}; every product
 * is a Gram entry. Defined everywhere: the inverse is a pseudo-inverse (identical gradients give one of the
 * equivalent answers), and tasks with a zero gradient (no direction to project on) get weight 0.
 */
public final class IMTL_G extends GramWeighting {
    public IMTL_G() {
        super("IMTL-G", "Liu et al., Towards Impartial Multi-task Learning, ICLR 2021 (gradient balance)",
                noProperties());
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        int[] active = IntStream.range(0, n).filter(t -> gram[t][t] > 0).toArray();
        double[] weights = new double[n];
        if (active.length == 0) {
            return Linalg.filled(n, 1.0 / n);
        }
        int first = active[0];
        int m = active.length - 1;
        double[] norm = new double[n];
        for (int t : active) {
            norm[t] = Math.sqrt(gram[t][t]);
        }
        // rhs_j = g_1·(u_1 − u_j);  M_ij = (g_1 − g_i)·(u_1 − u_j)
        double[] rhs = new double[m];
        double[][] m2 = new double[m][m];
        for (int b = 0; b < m; b++) {
            int j = active[b + 1];
            rhs[b] = gram[first][first] / norm[first] - gram[first][j] / norm[j];
            for (int a = 0; a < m; a++) {
                int i = active[a + 1];
                m2[a][b] = (gram[first][first] - gram[i][first]) / norm[first]
                        - (gram[first][j] - gram[i][j]) / norm[j];
            }
        }
        // α_{2:T} solves α M = rhs, i.e. Mᵀ αᵀ = rhsᵀ; least squares via the normal equations' pseudo-inverse
        double[] alpha = solveTransposed(m2, rhs);
        double rest = 0.0;
        for (int b = 0; b < m; b++) {
            weights[active[b + 1]] = alpha[b];
            rest += alpha[b];
        }
        weights[first] = 1.0 - rest;
        return weights;
    }

    /** Minimum-norm least-squares x with {@code Mᵀx = rhs}: x = (M Mᵀ)⁺ M rhs. */
    private static double[] solveTransposed(double[][] m, double[] rhs) {
        int k = rhs.length;
        double[][] mmt = new double[k][k];
        double[] mRhs = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double sum = 0.0;
                for (int l = 0; l < k; l++) {
                    sum += m[i][l] * m[j][l];
                }
                mmt[i][j] = sum;
            }
            for (int l = 0; l < k; l++) {
                mRhs[i] += m[i][l] * rhs[l];
            }
        }
        return Linalg.solveSymmetric(mmt, mRhs, 1e-14);
    }
}
