package org.mtlab.trainer.engine;

/** Double-precision pieces of the hand-written reference models the gradient tests compare DJL against. */
final class ReferenceMath {
    private ReferenceMath() {
    }

    /** Mean over rows of −log softmax(logits)[label], computed stably (as {@code nn.CrossEntropyLoss}). */
    static double meanCrossEntropy(double[][] logits, float[] labels) {
        double sum = 0;
        for (int r = 0; r < logits.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[r]) {
                max = Math.max(max, v);
            }
            double z = 0;
            for (double v : logits[r]) {
                z += Math.exp(v - max);
            }
            sum += max + Math.log(z) - logits[r][(int) labels[r]];
        }
        return sum / logits.length;
    }

    /**
     * The central difference (loss(p + h·e_k) − loss(p − h·e_k)) / 2h of one coordinate; {@code p[k]} is restored.
     */
    static double centralDifference(double[] p, int k, double h, java.util.function.ToDoubleFunction<double[]> loss) {
        double saved = p[k];
        p[k] = saved + h;
        double plus = loss.applyAsDouble(p);
        p[k] = saved - h;
        double minus = loss.applyAsDouble(p);
        p[k] = saved;
        return (plus - minus) / (2 * h);
    }

    /** ReLU of a [channels][rows][cols] map, in place. */
    static double[][][] relu(double[][][] a) {
        for (double[][] channel : a) {
            for (double[] row : channel) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = Math.max(0, row[j]);
                }
            }
        }
        return a;
    }
}
