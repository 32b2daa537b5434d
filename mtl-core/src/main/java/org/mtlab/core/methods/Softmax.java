package org.mtlab.core.methods;

/** Numerically stable softmax (shift by the maximum so no exponential overflows). */
final class Softmax {
    private Softmax() {
    }

    static double[] of(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double[] out = new double[logits.length];
        double total = 0.0;
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            total += out[i];
        }
        for (int i = 0; i < logits.length; i++) {
            out[i] /= total;
        }
        return out;
    }

    /** Vector-Jacobian product of softmax at {@code probabilities}: {@code d_j = p_j (v_j − Σ_i p_i v_i)}. */
    static double[] backward(double[] probabilities, double[] upstream) {
        double mean = Linalg.dot(probabilities, upstream);
        double[] out = new double[probabilities.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = probabilities[j] * (upstream[j] - mean);
        }
        return out;
    }
}
