package org.mtlab.core.report;

import java.util.List;
import org.mtlab.core.analysis.StudyAnalysis.Spread;

/**
 * The answer to "should these tasks be trained together?", with the numbers and rules behind it.
 *
 * @param lead        what the verdict leads with: the decision in one sentence and at most three bullets; every
 *                    rendering shows it first and the rest under it
 * @param answer      what the evidence shows (the lead's decision is drawn from it, the margins and the cost)
 * @param summary     one plain sentence with its numbers
 * @param perTask     per task: the best MTL configuration for that task against the STL baseline
 * @param recommended the recommended MTL configuration and what it trades; null when none can be recommended
 * @param warnings    plain sentences, each with its numbers
 * @param rules       the rules the verdict applied
 * @param primaryTask    the task the verdict leads with
 * @param primaryFinding does any MTL configuration beat the primary task's STL baseline beyond the seed spread, and
 *                       at what cost to the other tasks
 */
public record Verdict(VerdictLead lead, Answer answer, String summary, List<TaskVerdict> perTask,
                      Recommendation recommended, List<String> warnings, List<String> rules, String primaryTask,
                      String primaryFinding) {

    public enum Answer {
        /** The recommended configuration beats STL on average and no task is distinguishably worse. */
        TRAIN_TOGETHER,
        /** It beats STL on average, but at least one task is distinguishably worse. */
        TRAIN_TOGETHER_WITH_TRADE_OFF,
        /** No MTL configuration beats STL on average and some task is distinguishably worse. */
        TRAIN_APART,
        /** The differences do not exceed the seed spread (or there is one seed). */
        NOT_DISTINGUISHABLE,
        /** Every MTL configuration loses more than its margin on some task. */
        NO_CONFIGURATION_WITHIN_MARGINS,
        /** Baselines or MTL runs are missing. */
        INSUFFICIENT_DATA
    }

    /**
     * @param configuration the MTL configuration compared ("optimizer/method")
     * @param comparison    difference, gain %, Welch interval and outcome
     */
    public record TaskVerdict(String task, String metric, boolean higherIsBetter, String configuration, Spread mtl,
                              String stlOptimizer, Spread stl, SeedComparison.Result comparison,
                              SeedComparison.Outcome outcome, String sentence) {
    }

    /**
     * @param deltaMPercent literature Δm% of the configuration (lower is better)
     * @param trades        the configuration against STL, per task
     * @param sentence      what it gains and what it gives up, with numbers; it opens with "Recommended:" only when the
     *                      lead decides to train together
     * @param valueWeightedGainPercent Σ_k value_k·gain_k / Σ_k value_k, positive = better than STL
     */
    public record Recommendation(String configuration, String optimizer, String method, Spread deltaMPercent,
                                 List<TaskVerdict> trades, String sentence, Double valueWeightedGainPercent) {
    }
}
