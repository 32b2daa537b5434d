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
        return decidePartial(input);
    }

    /**
     * Also the step with every task labelled. Partial labels: only labelled tasks need positive losses and get
     * weights; an unlabelled task's loss does not enter the nadir's epoch mean; a task no warm-up step labelled takes
     * its first labelled loss after warm-up as its nadir; the softmax runs over the labelled tasks (times their count).
     */
    @Override
    MethodResult decidePartial(StepInput input) {
        double[] losses = input.losses();
        int n = losses.length;
        int[] labelled = input.labelledTasks();
        for (int t : labelled) {
            if (!(losses[t] > 0)) {
                throw new IllegalArgumentException("STCH needs positive losses; task " + t + " has " + losses[t]);
            }
        }
        double[] weights = new double[n];
        if (input.epoch() <= warmupEpochs) {
            if (input.epoch() == warmupEpochs) {
                averages.add(input.epoch(), losses, input);
            }
            for (int t : labelled) {
                weights[t] = 1.0 / losses[t];
            }
            return MethodResult.weighting(weights, input);
        }
        if (nadir == null) {
            // No step seen in the last warm-up epoch (e.g. resumed later): the first labelled losses after it serve.
            nadir = averages.has(warmupEpochs) ? averages.mean(warmupEpochs) : Linalg.filled(n, Double.NaN);
        }
        for (int t : labelled) {
            if (Double.isNaN(nadir[t])) {
                nadir[t] = losses[t];
            }
        }
        double[] scaledLogs = new double[labelled.length];
        for (int k = 0; k < labelled.length; k++) {
            int t = labelled[k];
            scaledLogs[k] = Math.log(losses[t] / nadir[t]) / mu;
        }
        double[] softmax = Softmax.of(scaledLogs);
        for (int k = 0; k < labelled.length; k++) {
            int t = labelled[k];
            weights[t] = labelled.length * softmax[k] / losses[t];
        }
        return MethodResult.weighting(weights, input);
    }
}
