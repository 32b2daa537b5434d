package org.mtlab.core.methods;

/** Small dense linear algebra for T×T problems (T = number of tasks, small) and T×P gradient matrices. */
final class Linalg {
    private Linalg() {
    }

    static double dot(double[] a, double[] b) {
        double sum = 0.0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }

    static double[][] gram(double[][] rows) {
        int t = rows.length;
        double[][] g = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                g[i][j] = dot(rows[i], rows[j]);
                g[j][i] = g[i][j];
            }
        }
        return g;
    }

    /** Σ_t weights[t]·rows[t]. */
    static double[] combine(double[][] rows, double[] weights) {
        double[] out = new double[rows[0].length];
        for (int t = 0; t < rows.length; t++) {
            double w = weights[t];
            if (w != 0.0) {
                double[] row = rows[t];
                for (int k = 0; k < out.length; k++) {
                    out[k] += w * row[k];
                }
            }
        }
        return out;
    }

    static double[] multiply(double[][] a, double[] x) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = dot(a[i], x);
        }
        return out;
    }

    /** xᵀAx. */
    static double quadratic(double[][] a, double[] x) {
        return dot(x, multiply(a, x));
    }

    static double trace(double[][] a) {
        double sum = 0.0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i][i];
        }
        return sum;
    }

    static double maxDiagonal(double[][] a) {
        double max = 0.0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, a[i][i]);
        }
        return max;
    }

    static double[][] scaled(double[][] a, double factor) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = a[i][j] * factor;
            }
        }
        return out;
    }

    static double[] scaled(double[] x, double factor) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * factor;
        }
        return out;
    }

    static double[][] plusIdentity(double[][] a, double factor) {
        double[][] out = scaled(a, 1.0);
        for (int i = 0; i < a.length; i++) {
            out[i][i] += factor;
        }
        return out;
    }

    static double[] filled(int n, double value) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, value);
        return out;
    }

    static double sum(double[] x) {
        double s = 0.0;
        for (double v : x) {
            s += v;
        }
        return s;
    }

    /** Eigen-decomposition of a symmetric matrix: {@code A = V diag(values) Vᵀ}, eigenvectors in the columns of V. */
    record Eigen(double[] values, double[][] vectors) {
    }

    /** Cyclic Jacobi rotations: slow for large matrices, but accurate and unconditionally stable for small T. */
    static Eigen symmetricEigen(double[][] matrix) {
        int n = matrix.length;
        double[][] a = scaled(matrix, 1.0);
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1.0;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double offDiagonal = 0.0;
            double total = 0.0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    total += a[i][j] * a[i][j];
                    if (i != j) {
                        offDiagonal += a[i][j] * a[i][j];
                    }
                }
            }
            if (offDiagonal <= 1e-30 * total || offDiagonal == 0.0) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0.0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1.0));
                    if (theta == 0.0) {
                        t = 1.0;
                    }
                    double c = 1.0 / Math.sqrt(t * t + 1.0);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return new Eigen(values, v);
    }

    /**
     * Smallest Cholesky pivot, relative to the largest diagonal entry, that {@link #solvePositiveSemidefinite} accepts.
     * A matrix whose pivots all stay above it is far from singular at the sizes here (n is the number of tasks), so
     * its solution is the pseudo-inverse's up to rounding; one nearer to singular takes the pseudo-inverse path. The
     * QP's property tests (random problems of 1–7 tasks, rank-deficient ones among them) check the optimality
     * conditions of whatever path was taken.
     */
    static final double CHOLESKY_PIVOT_CUTOFF = 1e-6;

    /**
     * {@code A x = b} for symmetric positive semi-definite A: a Cholesky factorisation when every pivot exceeds
     * {@link #CHOLESKY_PIVOT_CUTOFF} times the largest diagonal entry (about ten times fewer operations than the
     * eigen-decomposition), otherwise {@link #solveSymmetric}'s pseudo-inverse with {@code relativeCutoff}. Hand-written
     * because mtl-core carries no linear-algebra library and n is at most the number of tasks.
     */
    static double[] solvePositiveSemidefinite(double[][] a, double[] b, double relativeCutoff) {
        int n = b.length;
        double largest = 0.0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, a[i][i]);
        }
        // lower triangle of L, row by row
        double[][] l = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] row = new double[i + 1];
            l[i] = row;
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= row[k] * l[j][k];
                }
                if (j < i) {
                    row[j] = sum / l[j][j];
                } else if (sum > CHOLESKY_PIVOT_CUTOFF * largest) {
                    row[i] = Math.sqrt(sum);
                } else {
                    return solveSymmetric(a, b, relativeCutoff);
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double sum = x[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }

    /**
     * Minimum-norm least-squares solution of {@code A x = b} for symmetric A, through the pseudo-inverse:
     * eigenvalues below {@code relativeCutoff · max|λ|} count as zero, so singular systems give a defined answer.
     */
    static double[] solveSymmetric(double[][] a, double[] b, double relativeCutoff) {
        Eigen eigen = symmetricEigen(a);
        int n = b.length;
        double largest = 0.0;
        for (double value : eigen.values()) {
            largest = Math.max(largest, Math.abs(value));
        }
        double[] x = new double[n];
        if (largest == 0.0) {
            return x;
        }
        for (int k = 0; k < n; k++) {
            double lambda = eigen.values()[k];
            if (Math.abs(lambda) <= relativeCutoff * largest) {
                continue;
            }
            double projection = 0.0;
            for (int i = 0; i < n; i++) {
                projection += eigen.vectors()[i][k] * b[i];
            }
            double coefficient = projection / lambda;
            for (int i = 0; i < n; i++) {
                x[i] += coefficient * eigen.vectors()[i][k];
            }
        }
        return x;
    }
}
