package org.mtlab.core.methods;

import java.util.EnumSet;
import java.util.Random;

/**
 * Gradient Sign Dropout (Chen, Ngiam, Huang, Luong, Kretzschmar, Chai, Anguelov, "Just Pick a Sign: Optimizing
 * Deep Multitask Models with Gradient Sign Dropout", NeurIPS 2020). Per coordinate, the positive-sign purity
 * {@code P = ½(1 + Σ_t g_t / Σ_t |g_t|)}; draw U ~ Uniform(0,1) (seeded); keep the positive task entries where
 * P &gt; U and the negative ones where P &lt; U; combined {@code Σ_t g_t ⊙ (ℓ + (1−ℓ) M_t)} with leak ℓ = 0
 * (LibMTL). The paper applies this to gradients at a layer's activations weighted by the sign of its input;
 * callers who want that pass those as the gradient rows. Reported weights are each task's kept share
 * {@code ⟨g_t ⊙ mask_t, g_t⟩ / ‖g_t‖²} (1 for a zero gradient): per-coordinate masking has no exact per-task weight.
 */
public final class GradDrop extends AbstractMethod {
    private final double leak;
    private final Random random;

    public GradDrop(long seed) {
        this(0.0, seed);
    }

    public GradDrop(double leak, long seed) {
        super(MethodInfo.of("GradDrop", MethodKind.GRADIENT_AGGREGATION,
                "Chen et al., Just Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout, "
                        + "NeurIPS 2020", EnumSet.of(MethodInput.GRADIENTS), EnumSet.of(MethodProperty.SEEDED))
                .with("leak", leak).with("seed", seed));
        requireInUnitInterval("leak", leak);
        this.leak = leak;
        this.random = new Random(seed);
    }

    @Override
    MethodResult decide(StepInput input) {
        double[][] gradients = input.gradients();
        int n = gradients.length;
        int p = gradients[0].length;
        double[] combined = new double[p];
        double[] keptInner = new double[n];
        for (int k = 0; k < p; k++) {
            double sum = 0.0;
            double absoluteSum = 0.0;
            for (double[] g : gradients) {
                sum += g[k];
                absoluteSum += Math.abs(g[k]);
            }
            double purity = 0.5 * (1 + sum / (absoluteSum + 1e-7)); // 1e-7 as in LibMTL: all-zero column → ½
            double u = random.nextDouble();
            for (int t = 0; t < n; t++) {
                double value = gradients[t][k];
                boolean kept = (purity > u && value > 0) || (purity < u && value < 0);
                double factor = leak + (1 - leak) * (kept ? 1.0 : 0.0);
                combined[k] += factor * value;
                keptInner[t] += factor * value * value;
            }
        }
        double[] weights = new double[n];
        for (int t = 0; t < n; t++) {
            double squaredNorm = input.gram()[t][t];
            weights[t] = squaredNorm > 0 ? keptInner[t] / squaredNorm : 1.0;
        }
        return new MethodResult(weights, combined);
    }
}
