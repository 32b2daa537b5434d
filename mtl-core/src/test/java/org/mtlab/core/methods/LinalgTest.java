package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The symmetric solvers against a closed form: A is built as {@code Q diag(λ) Qᵀ} from a random orthogonal Q and
 * chosen eigenvalues, so that the pseudo-inverse solution {@code Q diag(1/λ, 0 where λ = 0) Qᵀ b} is known without
 * either solver.
 */
class LinalgTest {

    private static double[][] randomOrthogonal(Random random, int n) {
        double[][] q = new double[n][n];
        for (int c = 0; c < n; c++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextGaussian();
            }
            for (int p = 0; p < c; p++) { // Gram–Schmidt against the earlier columns, twice for accuracy
                for (int pass = 0; pass < 2; pass++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += v[i] * q[i][p];
                    }
                    for (int i = 0; i < n; i++) {
                        v[i] -= dot * q[i][p];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            for (int i = 0; i < n; i++) {
                q[i][c] = v[i] / Math.sqrt(norm);
            }
        }
        return q;
    }

    /** {@code Q diag(values) Qᵀ}. */
    private static double[][] compose(double[][] q, double[] values) {
        int n = values.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += q[i][k] * values[k] * q[j][k];
                }
            }
        }
        return a;
    }

    private static void assertCloseTo(double[] expected, double[] actual, double tolerance, String what) {
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * scale, what + " [" + i + "]");
        }
    }

    @Test
    void positiveSemidefiniteSolveEqualsThePseudoInverseSolution() {
        Random random = new Random(17);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + random.nextInt(7);
            double[][] q = randomOrthogonal(random, n);
            double[] values = new double[n];
            // full rank (the Cholesky path), or with zero eigenvalues (the pseudo-inverse path), condition up to 1e4
            int zeros = trial % 2 == 0 ? 0 : random.nextInt(n);
            for (int k = 0; k < n; k++) {
                values[k] = k < zeros ? 0.0 : Math.pow(10, -4 * random.nextDouble()) * (1 + random.nextInt(100));
            }
            double[][] a = compose(q, values);
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                b[i] = random.nextGaussian();
            }
            double[] inverse = new double[n];
            for (int k = 0; k < n; k++) {
                inverse[k] = values[k] == 0.0 ? 0.0 : 1.0 / values[k];
            }
            double[] expected = new double[n];
            double[][] pseudoInverse = compose(q, inverse);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    expected[i] += pseudoInverse[i][j] * b[j];
                }
            }
            assertCloseTo(expected, Linalg.solvePositiveSemidefinite(a, b, 1e-10), 1e-8,
                    "trial " + trial + ", n " + n + ", zero eigenvalues " + zeros);
            assertCloseTo(expected, Linalg.solveSymmetric(a, b, 1e-10), 1e-8, "eigen, trial " + trial);
        }
    }

    @Test
    void aZeroOrNearlySingularMatrixFallsBackToThePseudoInverse() {
        assertCloseTo(new double[] {0, 0}, Linalg.solvePositiveSemidefinite(new double[2][2], new double[] {1, 2}, 1e-13),
                0, "zero matrix");
        // rank one: [[1, 1], [1, 1]] x = [2, 2] has minimum-norm solution [1, 1]; Cholesky's second pivot is 0
        assertCloseTo(new double[] {1, 1},
                Linalg.solvePositiveSemidefinite(new double[][] {{1, 1}, {1, 1}}, new double[] {2, 2}, 1e-13), 1e-12, "rank one");
        // a second pivot of 1e-9 (below the cutoff): the pseudo-inverse keeps the direction (λ = 2e-9 > 1e-13·2)
        double e = 1e-9;
        double[] x = Linalg.solvePositiveSemidefinite(new double[][] {{1, 1 - e}, {1 - e, 1}}, new double[] {1, -1}, 1e-13);
        assertCloseTo(new double[] {1 / e, -1 / e}, x, 1e-6, "nearly singular");
    }
}
