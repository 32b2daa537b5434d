package org.mtlab.core.report;

import org.mtlab.core.analysis.StudyAnalysis.Spread;

/**
 * Is an MTL configuration's mean different from the STL baseline's mean, given the spread over seeds of both?
 *
 * <p>Rule (Welch's unequal-variance interval): difference d = mean_MTL − mean_STL, standard error
 * SE = √(s²_MTL/n_MTL + s²_STL/n_STL), Welch–Satterthwaite degrees of freedom ν rounded down (conservative), and the
 * 95% interval d ± t(0.975, ν)·SE. MTL is better or worse when the interval excludes 0, otherwise not
 * distinguishable. With a single seed on either side the spread is unknown and the outcome is "not distinguishable:
 * one seed". When both spreads are exactly 0 (n ≥ 2) any non-zero difference counts.
 */
public final class SeedComparison {
    public static final String RULE = "MTL vs STL per task: Welch interval d ± t(0.975, ν)·SE with d = MTL mean − STL mean, "
            + "SE = √(s²_MTL/n_MTL + s²_STL/n_STL), ν = Welch–Satterthwaite degrees of freedom rounded down; "
            + "better or worse when the 95% interval excludes 0, otherwise not distinguishable; "
            + "with one seed on either side: not distinguishable (one seed, spread unknown).";

    /** Two-sided 97.5% quantiles of Student's t for ν = 1..30. */
    private static final double[] T_975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
            2.056, 2.052, 2.048, 2.045, 2.042};

    private SeedComparison() {
    }

    public enum Outcome {
        MTL_BETTER, MTL_WORSE, NOT_DISTINGUISHABLE;

        public String words() {
            return switch (this) {
                case MTL_BETTER -> "MTL better";
                case MTL_WORSE -> "MTL worse";
                case NOT_DISTINGUISHABLE -> "not distinguishable";
            };
        }
    }

    /**
     * @param difference        MTL mean − STL mean, in the metric's units
     * @param gainPercent       relative change against STL in percent, positive when MTL is better
     * @param standardError     null with one seed on either side
     * @param degreesOfFreedom  Welch–Satterthwaite ν before rounding; null when undefined (one seed, or no spread)
     * @param intervalLow       lower end of the 95% interval of the difference; null with one seed
     * @param oneSeed           true when either side has a single seed
     */
    public record Result(double difference, double gainPercent, Double standardError, Double degreesOfFreedom,
                         Double tCritical, Double intervalLow, Double intervalHigh, boolean oneSeed, Outcome outcome) {
    }

    public static Result compare(Spread mtl, Spread stl, boolean higherIsBetter) {
        double d = mtl.mean() - stl.mean();
        double gain = 100.0 * d / Math.abs(stl.mean()) * (higherIsBetter ? 1 : -1);
        if (mtl.n() < 2 || stl.n() < 2) {
            return new Result(d, gain, null, null, null, null, null, true, Outcome.NOT_DISTINGUISHABLE);
        }
        double vm = mtl.std() * mtl.std() / mtl.n();
        double vs = stl.std() * stl.std() / stl.n();
        double se = Math.sqrt(vm + vs);
        Double nu = null;
        double t;
        if (se == 0) {
            t = 0;
        } else {
            nu = (vm + vs) * (vm + vs) / (vm * vm / (mtl.n() - 1) + vs * vs / (stl.n() - 1));
            t = tQuantile975(nu);
        }
        double low = d - t * se;
        double high = d + t * se;
        Outcome outcome;
        if (low > 0 || high < 0) {
            boolean mtlLarger = low > 0;
            outcome = mtlLarger == higherIsBetter ? Outcome.MTL_BETTER : Outcome.MTL_WORSE;
        } else {
            outcome = Outcome.NOT_DISTINGUISHABLE;
        }
        return new Result(d, gain, se, nu, t, low, high, false, outcome);
    }

    /** t(0.975, ν) with ν rounded down (a wider, conservative interval); 1.96 in the limit. */
    public static double tQuantile975(double nu) {
        int df = Math.max(1, (int) Math.floor(nu));
        if (df <= 30) {
            return T_975[df - 1];
        }
        if (df < 40) {
            return 2.042;
        }
        if (df < 60) {
            return 2.021;
        }
        if (df < 120) {
            return 2.000;
        }
        return 1.980;
    }
}
