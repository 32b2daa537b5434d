package org.mtlab.core.methods;

import java.util.Arrays;

/**
 * Exact solvers for the small convex quadratic programs behind the Gram-matrix methods. All work on the T×T
 * Gram matrix only. Exact means a finite active-set algorithm that stops at the optimum (up to rounding), not an
 * iterative approximation such as Frank–Wolfe.
 */
public final class QuadraticPrograms {
    private QuadraticPrograms() {
    }

    /**
     * {@code argmin ½ xᵀAx + bᵀx  subject to  x ≥ 0}, A symmetric positive semi-definite, with the problem bounded
     * below (true whenever b lies in the range of A, as in every use here). Lawson–Hanson's active-set NNLS
     * algorithm ("Solving Least Squares Problems", 1974, ch. 23) in its normal-equation form (Bro &amp; De Jong,
     * "A fast non-negativity-constrained least squares algorithm", 1997), which needs only A and b.
     */
    public static double[] nonNegative(double[][] a, double[] b) {
        // Substituting x = D y with D = diag(1/√a_ii) keeps x ≥ 0 ⇔ y ≥ 0 and gives a unit diagonal, so tasks whose
        // gradients differ in size by many orders of magnitude do not ruin the conditioning.
        int n = b.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i][i] > 0 ? 1.0 / Math.sqrt(a[i][i]) : 1.0;
        }
        double[][] equilibrated = new double[n][n];
        double[] equilibratedB = new double[n];
        for (int i = 0; i < n; i++) {
            equilibratedB[i] = d[i] * b[i];
            for (int j = 0; j < n; j++) {
                equilibrated[i][j] = d[i] * a[i][j] * d[j];
            }
        }
        double[] y = nonNegativeEquilibrated(equilibrated, equilibratedB);
        for (int i = 0; i < n; i++) {
            y[i] *= d[i];
        }
        return y;
    }

    private static double[] nonNegativeEquilibrated(double[][] a, double[] b) {
        int n = b.length;
        // Scale so tolerances are relative; the minimiser is unchanged by a common positive factor.
        double scale = 0.0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, Math.abs(b[i]));
            for (int j = 0; j < n; j++) {
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        double[] x = new double[n];
        if (scale == 0.0) {
            return x;
        }
        double[][] as = Linalg.scaled(a, 1.0 / scale);
        double[] bs = new double[n];
        for (int i = 0; i < n; i++) {
            bs[i] = b[i] / scale;
        }
        boolean[] passive = new boolean[n];
        // Coordinates whose entry made no progress, typically a numerically dependent column; skipped until x moves.
        boolean[] blocked = new boolean[n];
        int maxOuter = 10 * (n + 1) * (n + 1);
        for (int outer = 0; outer < maxOuter; outer++) {
            double[] descent = negativeGradient(as, bs, x);
            double[] tolerance = roundingTolerance(as, bs, x);
            int entering = -1;
            double best = 0.0;
            for (int i = 0; i < n; i++) {
                if (!passive[i] && !blocked[i] && descent[i] > tolerance[i] && descent[i] > best) {
                    best = descent[i];
                    entering = i;
                }
            }
            if (entering < 0) {
                break;
            }
            passive[entering] = true;
            for (int inner = 0; inner <= n; inner++) {
                double[] z = solveOnPassiveSet(as, bs, passive);
                double step = 1.0;
                int blocking = -1;
                for (int i = 0; i < n; i++) {
                    if (passive[i] && z[i] <= 0.0) {
                        double gap = x[i] - z[i];
                        double ratio = gap > 0.0 ? x[i] / gap : 0.0;
                        if (blocking < 0 || ratio < step) {
                            step = Math.min(step, ratio);
                            blocking = i;
                        }
                    }
                }
                if (blocking < 0) {
                    x = z;
                    break;
                }
                // Move towards z until the first passive coordinate hits zero, then release it (and any other at 0).
                for (int i = 0; i < n; i++) {
                    if (passive[i]) {
                        x[i] += step * (z[i] - x[i]);
                        if (i == blocking || x[i] <= 0.0) {
                            x[i] = 0.0;
                            passive[i] = false;
                        }
                    }
                }
            }
            if (passive[entering]) {
                Arrays.fill(blocked, false);
            } else {
                blocked[entering] = true;
            }
        }
        return x;
    }

    /**
     * Weights λ on the simplex that minimise {@code λᵀGλ}: the minimum-norm point {@code Σ λ_t g_t} of the convex
     * hull of the task gradients (MGDA's subproblem). Solved exactly through the identity
     * {@code min_{y≥0} ‖Jᵀy‖² + (1ᵀy − 1)²}: writing y = sλ, the inner minimum over s is q/(1+q) with q = ‖Jᵀλ‖²,
     * increasing in q, so the normalised NNLS solution is the min-norm hull point. If every gradient is zero, every
     * λ is optimal and the uniform one is returned.
     */
    public static double[] minNormWeights(double[][] gram) {
        int n = gram.length;
        double largestDiagonal = Linalg.maxDiagonal(gram);
        if (n == 1 || largestDiagonal == 0.0) {
            return Linalg.filled(n, 1.0 / n);
        }
        double[][] a = new double[n][n];
        double[] b = Linalg.filled(n, -1.0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = gram[i][j] / largestDiagonal + 1.0;
            }
        }
        double[] y = nonNegative(a, b);
        double total = Linalg.sum(y);
        for (int i = 0; i < n; i++) {
            y[i] /= total;
        }
        return y;
    }

    /**
     * {@code argmin_v vᵀGv subject to v ≥ u}: the weights w with {@code Jᵀw} the projection of {@code Jᵀu} onto the
     * dual cone {x : Jx ≥ 0} of the task gradients (Quinton &amp; Rey 2024, Proposition 1).
     */
    public static double[] projectWeights(double[][] gram, double[] lowerBound) {
        double[] y = nonNegative(gram, Linalg.multiply(gram, lowerBound));
        for (int i = 0; i < y.length; i++) {
            y[i] += lowerBound[i];
        }
        return y;
    }

    private static double[] negativeGradient(double[][] a, double[] b, double[] x) {
        double[] ax = Linalg.multiply(a, x);
        for (int i = 0; i < ax.length; i++) {
            ax[i] = -(ax[i] + b[i]);
        }
        return ax;
    }

    /** Unconstrained minimiser over the passive coordinates, the others held at zero. */
    private static double[] solveOnPassiveSet(double[][] a, double[] b, boolean[] passive) {
        int n = b.length;
        int[] index = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (passive[i]) {
                index[m++] = i;
            }
        }
        double[][] sub = new double[m][m];
        double[] rhs = new double[m];
        for (int r = 0; r < m; r++) {
            rhs[r] = -b[index[r]];
            for (int c = 0; c < m; c++) {
                sub[r][c] = a[index[r]][index[c]];
            }
        }
        double[] solution = Linalg.solvePositiveSemidefinite(sub, rhs, 1e-13);
        double[] z = new double[n];
        for (int r = 0; r < m; r++) {
            z[index[r]] = solution[r];
        }
        return z;
    }

    /** Size of the rounding error in each gradient component: a small multiple of Σ_j |a_ij x_j| + |b_i|. */
    private static double[] roundingTolerance(double[][] a, double[] b, double[] x) {
        double[] tolerance = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            double magnitude = Math.abs(b[i]);
            for (int j = 0; j < b.length; j++) {
                magnitude += Math.abs(a[i][j] * x[j]);
            }
            tolerance[i] = 1e-12 * b.length * magnitude;
        }
        return tolerance;
    }
}
