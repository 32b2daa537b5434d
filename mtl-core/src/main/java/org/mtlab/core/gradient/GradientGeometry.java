package org.mtlab.core.gradient;

/**
 * Cosine and magnitude similarity of task gradients, read from a Gram matrix G (G_ij = g_i · g_j), as Elich et al.
 * (GCPR 2024) measure them. Zero gradients have no direction: their cosine is defined as 0 (no conflict, no
 * agreement), and two zero gradients have magnitude similarity 1 (equal magnitudes).
 */
public final class GradientGeometry {
    private GradientGeometry() {
    }

    public static double cosine(double gii, double gjj, double gij) {
        double denominator = Math.sqrt(gii) * Math.sqrt(gjj);
        if (denominator == 0) {
            return 0;
        }
        return Math.max(-1, Math.min(1, gij / denominator));
    }

    /** Magnitude similarity 2|g||g'| / (|g|² + |g'|²): 1 for equal norms, towards 0 as they differ. */
    public static double magnitudeSimilarity(double gii, double gjj) {
        double sum = gii + gjj;
        return sum == 0 ? 1 : 2 * Math.sqrt(gii) * Math.sqrt(gjj) / sum;
    }

    /** Packed upper-triangle Gram of the given task vectors over [from, to), accumulated in double. */
    public static double[] packedGram(float[][] taskGradients, int from, int to) {
        int t = taskGradients.length;
        double[] packed = new double[t * (t + 1) / 2];
        int p = 0;
        for (int i = 0; i < t; i++) {
            float[] gi = taskGradients[i];
            for (int j = i; j < t; j++) {
                float[] gj = taskGradients[j];
                double dot = 0;
                for (int k = from; k < to; k++) {
                    dot += (double) gi[k] * gj[k];
                }
                packed[p++] = dot;
            }
        }
        return packed;
    }
}
