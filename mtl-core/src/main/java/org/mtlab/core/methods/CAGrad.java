package org.mtlab.core.methods;

/**
 * Conflict-Averse Gradient descent (Liu, Liu, Jin, Stone, Liu, "Conflict-Averse Gradient Descent for Multi-task
 * Learning", NeurIPS 2021). With the mean gradient g0 and r = c‖g0‖, find λ on the simplex minimising
 * {@code F(λ) = g_λᵀ g0 + r ‖g_λ‖} (g_λ = Σ λ_t g_t); the update is {@code d = g0 + (r/‖g_λ‖) g_λ}, divided by
 * {@code 1 + c²} (rescale 1), {@code 1 + c} (rescale 2) or not at all (rescale 0). c = 0.5, rescale 1 as in LibMTL.
 *
 * <p>Solved without a generic NLP solver: {@code ‖g‖ = min_{t>0} ‖g‖²/(2t) + t/2}, and for a fixed s = t/r the
 * minimisation over λ is the min-norm point of the hull of the shifted gradients {@code g_t + s·g0} (Gram
 * {@code G + s(Gb1ᵀ + 1bᵀG) + s²bᵀGb}), solved exactly; the remaining one-dimensional function of s is convex and
 * is minimised by golden-section search to machine precision.
 */
public final class CAGrad extends GramWeighting {
    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;
    private final double c;
    private final int rescale;

    public CAGrad() {
        this(0.5, 1);
    }

    public CAGrad(double c, int rescale) {
        super(MethodInfo.of("CAGrad", MethodKind.GRAM_WEIGHTING,
                "Liu et al., Conflict-Averse Gradient Descent for Multi-task Learning, NeurIPS 2021", gramOnly(),
                noProperties()).with("c", c).with("rescale", rescale));
        if (!(c >= 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("c must be finite and non-negative: " + c);
        }
        if (rescale < 0 || rescale > 2) {
            throw new IllegalArgumentException("rescale must be 0, 1 or 2: " + rescale);
        }
        this.c = c;
        this.rescale = rescale;
    }

    @Override
    double[] weights(double[][] gram, StepInput input) {
        int n = gram.length;
        double[] mean = Linalg.filled(n, 1.0 / n);
        double[] gramTimesMean = Linalg.multiply(gram, mean);
        double meanNormSquared = Math.max(0.0, Linalg.dot(mean, gramTimesMean));
        double radius = c * Math.sqrt(meanNormSquared);
        double[] weights = mean.clone();
        if (radius > 0) {
            double[] lambda = minimiseConflictObjective(gram, gramTimesMean, meanNormSquared, radius);
            double lambdaNorm = Gram.norm(gram, lambda);
            // ‖g_λ‖ = 0 means the hull holds the origin along the optimum: no conflict-averse correction is defined.
            if (lambdaNorm > 1e-12 * Math.sqrt(Linalg.maxDiagonal(gram))) {
                for (int t = 0; t < n; t++) {
                    weights[t] += radius / lambdaNorm * lambda[t];
                }
            }
        }
        double divisor = switch (rescale) {
            case 1 -> 1 + c * c;
            case 2 -> 1 + c;
            default -> 1.0;
        };
        for (int t = 0; t < n; t++) {
            weights[t] /= divisor;
        }
        return weights;
    }

    /** argmin over the simplex of g_λᵀg0 + r‖g_λ‖, through the convex one-dimensional reduction in s. */
    private static double[] minimiseConflictObjective(double[][] gram, double[] gramTimesMean, double meanNormSquared,
                                                      double radius) {
        double upper = Math.sqrt(Linalg.maxDiagonal(gram)) / radius; // ‖g_λ‖ ≤ max_t ‖g_t‖ bounds t = s·r
        double low = 0.0;
        double high = upper;
        double left = high - GOLDEN * (high - low);
        double right = low + GOLDEN * (high - low);
        double leftValue = reduced(gram, gramTimesMean, meanNormSquared, radius, left);
        double rightValue = reduced(gram, gramTimesMean, meanNormSquared, radius, right);
        for (int iteration = 0; iteration < 200 && high - low > 1e-15 * upper; iteration++) {
            if (leftValue <= rightValue) {
                high = right;
                right = left;
                rightValue = leftValue;
                left = high - GOLDEN * (high - low);
                leftValue = reduced(gram, gramTimesMean, meanNormSquared, radius, left);
            } else {
                low = left;
                left = right;
                leftValue = rightValue;
                right = low + GOLDEN * (high - low);
                rightValue = reduced(gram, gramTimesMean, meanNormSquared, radius, right);
            }
        }
        return QuadraticPrograms.minNormWeights(shiftedGram(gram, gramTimesMean, meanNormSquared, (low + high) / 2));
    }

    /** Φ(s) = m(s)²/(2s) + s(r² − ‖g0‖²)/2, m(s) the min-norm of the hull of {g_t + s g0}. */
    private static double reduced(double[][] gram, double[] gramTimesMean, double meanNormSquared, double radius,
                                  double s) {
        double[][] shifted = shiftedGram(gram, gramTimesMean, meanNormSquared, s);
        double minNormSquared = Math.max(0.0, Linalg.quadratic(shifted, QuadraticPrograms.minNormWeights(shifted)));
        return minNormSquared / (2 * s) + s * (radius * radius - meanNormSquared) / 2;
    }

    private static double[][] shiftedGram(double[][] gram, double[] gramTimesMean, double meanNormSquared, double s) {
        int n = gram.length;
        double[][] shifted = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                shifted[i][j] = gram[i][j] + s * (gramTimesMean[i] + gramTimesMean[j]) + s * s * meanNormSquared;
            }
        }
        return shifted;
    }
}
