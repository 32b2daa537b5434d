package org.mtlab.core.methods;

/**
 * Solves {@code G w = w^{−1/α}} (element-wise, w &gt; 0): the Nash bargaining solution for α = 1 (Nash-MTL) and the
 * α-fair allocation in general (FairGrad). It is the unique minimiser of the strictly convex
 * {@code ψ(w) = ½ wᵀGw − Σ_t h(w_t)}, {@code h' (w) = w^{−1/α}} (h = log for α = 1), found by damped Newton with a
 * backtracking line search that keeps w positive, to machine precision rather than the papers' fixed number of
 * approximate iterations. G is regularised by {@code ε·tr(G)/T·I}, ε = 1e-12, so the problem stays bounded when
 * the gradients are linearly dependent with a non-negative null vector (e.g. exactly opposite gradients), where
 * the unregularised equation has no solution.
 */
final class AlphaFairSolver {
    private static final double RELATIVE_REGULARISATION = 1e-12;

    private AlphaFairSolver() {
    }

    /** Returns w, or null when G is zero (nothing to allocate). */
    static double[] solve(double[][] gram, double alpha, double[] warmStart) {
        int n = gram.length;
        double trace = Linalg.trace(gram);
        if (!(trace > 0)) {
            return null;
        }
        double[][] g = Linalg.plusIdentity(gram, RELATIVE_REGULARISATION * trace / n);
        double exponent = 1.0 / alpha;
        double[] w = new double[n];
        for (int t = 0; t < n; t++) {
            boolean warm = warmStart != null && warmStart.length == n && warmStart[t] > 0
                    && Double.isFinite(warmStart[t]);
            // Exact solution for a diagonal G: w = G_tt^{−α/(α+1)}
            w[t] = warm ? warmStart[t] : Math.pow(g[t][t], -alpha / (alpha + 1));
        }
        for (int iteration = 0; iteration < 200; iteration++) {
            double[] gw = Linalg.multiply(g, w);
            double[] gradient = new double[n];
            double residual = 0.0;
            for (int t = 0; t < n; t++) {
                double target = Math.pow(w[t], -exponent);
                gradient[t] = gw[t] - target;
                residual = Math.max(residual, Math.abs(gradient[t]) / target);
            }
            if (residual < 1e-13) {
                break;
            }
            double[][] hessian = Linalg.scaled(g, 1.0);
            for (int t = 0; t < n; t++) {
                hessian[t][t] += exponent * Math.pow(w[t], -exponent - 1);
            }
            double[] direction = Linalg.solveSymmetric(hessian, gradient, 1e-15);
            for (int t = 0; t < n; t++) {
                direction[t] = -direction[t];
            }
            double slope = Linalg.dot(gradient, direction);
            double current = objective(g, w, alpha);
            double step = 1.0;
            for (int t = 0; t < n; t++) {
                if (direction[t] < 0) {
                    step = Math.min(step, 0.99 * w[t] / -direction[t]); // stay strictly positive
                }
            }
            double[] candidate = new double[n];
            for (int halvings = 0; halvings < 60; halvings++) {
                for (int t = 0; t < n; t++) {
                    candidate[t] = w[t] + step * direction[t];
                }
                if (objective(g, candidate, alpha) <= current + 1e-4 * step * slope) {
                    break;
                }
                step /= 2;
            }
            if (step * maxAbs(direction) <= 1e-16 * maxAbs(w)) {
                break; // no further progress possible in floating point
            }
            w = candidate.clone();
        }
        return w;
    }

    private static double objective(double[][] g, double[] w, double alpha) {
        double value = 0.5 * Linalg.quadratic(g, w);
        for (double wt : w) {
            value -= alpha == 1.0 ? Math.log(wt) : Math.pow(wt, 1 - 1 / alpha) / (1 - 1 / alpha);
        }
        return value;
    }

    private static double maxAbs(double[] x) {
        double max = 0.0;
        for (double v : x) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
