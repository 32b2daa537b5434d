package org.mtlab.core.methods;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Correlation-reduced stochastic multi-objective gradient manipulation (Zhou, Zhang, Jiang, Zhong, Gu, Zhu, "On the
 * Convergence of Stochastic Multi-Objective Gradient Manipulation and Beyond", NeurIPS 2022): wraps a Gram-based
 * method and smooths its weights over steps with an exponential moving average, {@code λ_k = α λ_{k−1} +
 * (1 − α) λ̂_k} with λ̂_k the inner method's weights at step k and {@code λ_1 = λ̂_1}; the shared gradient is
 * {@code Σ λ_k,t g_t}. The paper shows that weights decided from the current mini-batch alone bias the direction
 * and can stop convergence to Pareto-optimal points; averaging them removes that. Smoothing α = 0.9 (TorchJD's
 * default for its CR-MOGM weighting); α = 0 is the inner method itself.
 *
 * <p>Named {@code "CR-MOGM:<inner>"} in the registry and in studies (see {@link MethodRegistry}); {@code "CR-MOGM"}
 * alone smooths {@value #DEFAULT_INNER}. The inner method must be a {@link MethodKind#GRAM_WEIGHTING} method (weights
 * w = f(G), combined {@code Jᵀw}); it receives the step's losses and Gram matrix. Its learnable parameters and
 * after-step losses (if any) are passed through. Parameters: {@code smoothing}, then the inner method's.
 */
public final class CR_MOGM extends AbstractMethod {
    public static final String NAME = "CR-MOGM";
    public static final String DEFAULT_INNER = "MGDA";
    public static final String SMOOTHING = "smoothing";
    private final MtlMethod inner;
    private final double smoothing;
    private double[] smoothed;

    /** CR-MOGM over {@value #DEFAULT_INNER} with α = 0.9. */
    public CR_MOGM() {
        this(new MGDA(), 0.9);
    }

    public CR_MOGM(MtlMethod inner, double smoothing) {
        super(describe(inner, smoothing));
        requireInUnitInterval(SMOOTHING, smoothing);
        if (smoothing == 1) {
            throw new IllegalArgumentException("smoothing must be below 1 (1 would keep the first weights forever)");
        }
        this.inner = inner;
        this.smoothing = smoothing;
    }

    /** The name of CR-MOGM over the method named {@code innerName}: {@code "CR-MOGM:<inner>"}, or plain over MGDA. */
    static String name(String innerName) {
        return DEFAULT_INNER.equals(innerName) ? NAME : NAME + MethodRegistry.WRAPPER_SEPARATOR + innerName;
    }

    private static MethodInfo describe(MtlMethod inner, double smoothing) {
        if (inner == null) {
            throw new IllegalArgumentException("CR-MOGM needs an inner method");
        }
        MethodInfo of = inner.info();
        if (of.kind() != MethodKind.GRAM_WEIGHTING || of.name().startsWith(NAME)) {
            throw new IllegalArgumentException("CR-MOGM smooths the weights of a Gram-based method; " + of.name()
                    + " is " + of.kind());
        }
        Set<MethodProperty> properties = EnumSet.of(MethodProperty.STATEFUL);
        properties.addAll(of.properties());
        Map<String, Double> parameters = new LinkedHashMap<>();
        parameters.put(SMOOTHING, smoothing);
        parameters.putAll(of.parameters());
        return new MethodInfo(name(of.name()), MethodKind.GRAM_WEIGHTING,
                "Zhou et al., On the Convergence of Stochastic Multi-Objective Gradient Manipulation and Beyond, "
                        + "NeurIPS 2022; weights of " + of.name() + " (" + of.citation() + ")", of.inputs(),
                parameters, properties);
    }

    /** The wrapped method. */
    public MtlMethod inner() {
        return inner;
    }

    @Override
    MethodResult decide(StepInput input) {
        return decidePartial(input);
    }

    /**
     * Also the step with every task labelled. Partial labels: the inner method sees the step's unlabelled tasks (its
     * own rule gives them weight 0), the labelled tasks' smoothed weights move, an unlabelled task's smoothed weight
     * stays as it was (reported as 0 for the step); a task first labelled after the first step starts from its inner
     * weight then.
     */
    @Override
    MethodResult decidePartial(StepInput input) {
        int n = input.taskCount();
        boolean[] unlabelled = new boolean[n];
        for (int t = 0; t < n; t++) {
            unlabelled[t] = input.unlabelled(t);
        }
        StepInput gramOnly = StepInput.ofGram(input.epoch(), input.step(), input.hasLosses() ? input.losses() : null,
                input.gram()).withUnlabelled(unlabelled);
        double[] current = inner.apply(gramOnly).weights();
        if (smoothed == null) {
            smoothed = Linalg.filled(n, Double.NaN);
        }
        double[] weights = new double[n];
        for (int t : input.labelledTasks()) {
            smoothed[t] = Double.isNaN(smoothed[t]) ? current[t]
                    : smoothing * smoothed[t] + (1 - smoothing) * current[t];
            weights[t] = smoothed[t];
        }
        return MethodResult.weighting(weights, input);
    }

    @Override
    public Optional<LearnableParameters> learnableParameters() {
        return inner.learnableParameters();
    }

    @Override
    public boolean needsLossesAfterStep() {
        return inner.needsLossesAfterStep();
    }

    @Override
    public void afterStep(double[] lossesAfterStep) {
        inner.afterStep(lossesAfterStep);
    }
}
