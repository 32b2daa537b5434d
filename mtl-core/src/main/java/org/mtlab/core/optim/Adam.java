package org.mtlab.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba, ICLR 2015) as {@code torch.optim.Adam} with its defaults (β₁ 0.9, β₂ 0.999, ε 1e-8, no weight
 * decay, no AMSGrad): {@code m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * p ← p − lr · (m / (1−β₁ᵗ)) / (sqrt(v / (1−β₂ᵗ)) + ε)}. The first step therefore moves every coordinate with a
 * non-zero gradient by almost exactly lr·sign(g).
 *
 * <p>AdamW ({@link #adamW}; Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) as
 * {@code torch.optim.AdamW}: before the Adam update the parameters shrink by the decoupled weight decay λ,
 * {@code p ← p · (1 − lr·λ)}; the decay never enters the moments (unlike an L2 term added to the gradient).
 *
 * <p>Adam's invariance to a constant rescaling of the gradient (up to ε) is what makes task heads invariant to a
 * constant task-loss scale (Elich et al., GCPR 2024); the shared trunk sees the sum of the tasks' gradients and is not.
 */
public final class Adam implements Optimizer {
    public static final String NAME = "adam";
    public static final String ADAMW = "adamw";
    /** {@code torch.optim.AdamW}'s default weight decay. */
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPS = 1e-8;

    private final String name;
    private final double learningRate;
    private double currentRate;
    private final double weightDecay;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private double[] m;
    private double[] v;
    private long steps;

    public Adam(int size, double learningRate) {
        this(size, learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS);
    }

    public Adam(int size, double learningRate, double beta1, double beta2, double eps) {
        this(NAME, size, learningRate, beta1, beta2, eps, 0);
    }

    /** AdamW with PyTorch's betas and ε and decoupled weight decay {@code weightDecay} (≥ 0). */
    public static Adam adamW(int size, double learningRate, double weightDecay) {
        return new Adam(ADAMW, size, learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, weightDecay);
    }

    private Adam(String name, int size, double learningRate, double beta1, double beta2, double eps,
                 double weightDecay) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("eps must not be negative, got " + eps);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number ≥ 0, got " + weightDecay);
        }
        this.name = name;
        this.weightDecay = weightDecay;
        this.learningRate = learningRate;
        this.currentRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.m = new double[size];
        this.v = new double[size];
    }

    @Override
    public String name() {
        return name;
    }

    /** The decoupled weight decay λ (0 for Adam). */
    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public double currentLearningRate() {
        return currentRate;
    }

    @Override
    public void setLearningRate(double rate) {
        currentRate = Optimizer.checkRate(rate);
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public int size() {
        return m.length;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void step(float[] params, float[] gradient) {
        Optimizer.checkLengths(this, params, gradient);
        long t = steps + 1;
        double biasCorrection1 = 1 - StrictMath.pow(beta1, t);
        double sqrtBiasCorrection2 = Math.sqrt(1 - StrictMath.pow(beta2, t));
        double stepSize = currentRate / biasCorrection1;
        double shrink = 1 - currentRate * weightDecay;
        for (int k = 0; k < params.length; k++) {
            double g = gradient[k];
            double p = weightDecay == 0 ? params[k] : params[k] * shrink;
            double mk = beta1 * m[k] + (1 - beta1) * g;
            double vk = beta2 * v[k] + (1 - beta2) * g * g;
            m[k] = mk;
            v[k] = vk;
            params[k] = (float) (p - stepSize * mk / (Math.sqrt(vk) / sqrtBiasCorrection2 + eps));
        }
        steps = t;
    }

    @Override
    public OptimizerState state() {
        Map<String, double[]> buffers = new LinkedHashMap<>();
        buffers.put("exp_avg", m);
        buffers.put("exp_avg_sq", v);
        return new OptimizerState(name, steps, buffers);
    }

    @Override
    public void restore(OptimizerState state) {
        if (!name.equals(state.optimizer())) {
            throw new IllegalArgumentException("cannot restore " + state.optimizer() + " state into " + name);
        }
        m = state.buffer("exp_avg", m.length);
        v = state.buffer("exp_avg_sq", v.length);
        steps = state.steps();
    }
}
