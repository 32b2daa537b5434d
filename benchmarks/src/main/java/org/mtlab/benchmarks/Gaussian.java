package org.mtlab.benchmarks;

import java.util.Random;

/** Random Gaussian gradients and their Gram matrices, computed here so that no benchmark measures its own input. */
final class Gaussian {
    private Gaussian() {
    }

    static double[][] matrix(Random random, int rows, int columns) {
        double[][] m = new double[rows][columns];
        for (double[] row : m) {
            for (int k = 0; k < columns; k++) {
                row[k] = random.nextGaussian();
            }
        }
        return m;
    }

    static double[][] gram(double[][] rows) {
        int t = rows.length;
        double[][] g = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = i; j < t; j++) {
                double dot = 0;
                for (int k = 0; k < rows[i].length; k++) {
                    dot += rows[i][k] * rows[j][k];
                }
                g[i][j] = dot;
                g[j][i] = dot;
            }
        }
        return g;
    }
}
