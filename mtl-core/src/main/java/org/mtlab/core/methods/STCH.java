package org.mtlab.core.methods;

import java.util.EnumSet;

import java.util.Set;

/**
 * Smooth Tchebycheff scalarization (Lin, Zhang, Zhang, Liu, Zhang, "Smooth Tchebycheff Scalarization for
 * Multi-Objective Optimization", ICML 2024), as LibMTL and the official STCH_MTL code use it. Warm-up (epochs up to
 * and including {@code warmupEpochs}): objective {@code Σ_t log L_t}, loss weights {@code 1/L_t}; the mean losses
 * over epoch {@code warmupEpochs} become the nadir vector N. After: objective
 * {@code T · μ · log Σ_t exp(log(L_t / N_t) / μ)}, loss weights {@code T · softmax_t(log(L_t/N_t)/μ) / L_t}.
 * μ = 1, 4 warm-up epochs. Losses must be positive.
 */
public final class STCH extends AbstractMethod {
    private final double mu;
    private final int warmupEpochs;
    private final EpochLossAverages averages = new EpochLossAverages();
    private double[] nadir;

    public STCH() {
        this(1.0, 4);
    }

    public STCH(double mu, int warmupEpochs) {
        super(MethodInfo.of("STCH", MethodKind.LOSS_WEIGHTING,
                "Lin et al., Smooth Tchebycheff Scalarization for Multi-Objective Optimization, ICML 2024",
                Set.of(MethodInput.LOSSES),
                EnumSet.of(MethodProperty.STATEFUL)).with("mu", mu).with("warmupEpochs", warmupEpochs));
        requirePositive("mu", mu);
        if (warmupEpochs < 0) {
            throw new IllegalArgumentException("warmupEpochs must not be negative: " + warmupEpochs);
        }
        this.mu = mu;
        this.warmupEpochs = warmupEpochs;
    }

    @Override
    MethodResult decide(StepInput input) {
        double[] losses = input.losses();
        int n = losses.length;
        for (int t = 0; t < n; t++) {
            if (!(losses[t] > 0)) {
                throw new IllegalArgumentException("STCH needs positive losses; task " + t + " has " + losses[t]);
            }
        }
        double[] weights = new double[n];
        if (input.epoch() <= warmupEpochs) {
            if (input.epoch() == warmupEpochs) {
                averages.add(input.epoch(), losses);
            }
            for (int t = 0; t < n; t++) {
                weights[t] = 1.0 / losses[t];
            }
            return MethodResult.weighting(weights, input);
        }
        if (nadir == null) {
            // No step seen in the last warm-up epoch (e.g. resumed later): the first losses after it serve instead.
            nadir = averages.has(warmupEpochs) ? averages.mean(warmupEpochs) : losses.clone();
        }
        double[] scaledLogs = new double[n];
        for (int t = 0; t < n; t++) {
            scaledLogs[t] = Math.log(losses[t] / nadir[t]) / mu;
        }
        double[] softmax = Softmax.of(scaledLogs);
        for (int t = 0; t < n; t++) {
            weights[t] = n * softmax[t] / losses[t];
        }
        return MethodResult.weighting(weights, input);
    }
}
