package org.mtlab.core.report;

import java.util.List;
import java.util.Map;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.analysis.StudyAnalysis.Spread;

/**
 * The study report: everything a team needs to decide whether to train its tasks together, each figure labelled with
 * its convention. Built by {@link StudyReportBuilder}; rendered by {@link MarkdownReport} and {@link HtmlReport};
 * serialisable as JSON as it is (records, lists, maps, boxed numbers where a value may be missing).
 *
 * @param deltaMConventions which sign convention each Δm figure uses
 * @param stlBaselines      per task: the best STL optimizer's mean ± std over seeds, and every STL optimizer's
 * @param configurations    per MTL configuration (optimizer × method): per task mean ± std, gain against STL, Δm
 * @param pareto            front over configuration means, hypervolume with its reference point, Table-2 counts
 * @param conflict          gradient conflict on the shared trunk: angle and magnitude, with the rule used
 * @param verdict           per task MTL better / worse / not distinguishable, the recommendation, warnings
 * @param notes             what is missing or assumed
 */
public record StudyReport(String studyId, List<String> tasks, int runsKnown, int finishedRuns, String deltaMConventions,
                          List<StudyAnalysis.StlBaseline> stlBaselines, List<Configuration> configurations,
                          ParetoSummary pareto, ConflictEvidence conflict, Verdict verdict, List<String> notes) {

    /**
     * One MTL configuration over its seeds.
     *
     * @param label                "optimizer/method"
     * @param perTask              test metric mean ± std over seeds, per task
     * @param gainVsStlPercent     per task, relative change of the mean against the STL baseline in percent,
     *                             POSITIVE when MTL is better (whatever the metric's direction)
     * @param deltaMPercent        literature Δm% (lower is better), mean ± std over seeds; null without baselines
     * @param improvementFraction  LibMTL convention (fraction, higher is better); null without baselines
     * @param dominatedBy          labels of the configurations (and "STL" for the STL baseline point) whose means
     *                             dominate this configuration's means
     */
    public record Configuration(String label, String optimizer, String method, int seeds, Map<String, Spread> perTask,
                                Map<String, Double> gainVsStlPercent, Spread deltaMPercent, Spread improvementFraction,
                                boolean paretoOptimal, List<String> dominatedBy) {
    }

    /** Pareto-optimal MTL configurations of one optimizer, as in Elich et al.'s Table 2 ("Adam vs SGD"). */
    public record OptimizerCount(String optimizer, int configurations, int paretoOptimal, Double hypervolume) {
    }

    /**
     * @param scope                  what the front is taken over
     * @param front                  labels of the Pareto-optimal MTL configurations
     * @param stlPoint               the STL baseline as a point (each task's best STL mean), for comparison
     * @param stlDominatesEveryConfiguration true when training apart beats every MTL configuration in every task
     * @param referencePoint         hypervolume reference point, per task
     * @param referenceRule          how the reference point was chosen
     * @param hypervolume            of the MTL configuration means (only front members contribute); null when
     *                               there is no configuration
     * @param stlHypervolume         of the STL baseline point alone, same reference
     * @param byOptimizer            Table 2: per optimizer, configurations and Pareto-optimal configurations
     */
    public record ParetoSummary(String scope, List<String> front, Map<String, Double> stlPoint,
                                boolean stlDominatesEveryConfiguration, Map<String, Double> referencePoint,
                                String referenceRule, Double hypervolume, Double stlHypervolume,
                                List<OptimizerCount> byOptimizer) {
    }

    /**
     * Angular and magnitude conflict of one task pair, pooled over the runs of one MTL configuration (or over all MTL
     * runs when {@code configuration} is "all MTL runs").
     *
     * @param steps              analysed steps pooled over the runs
     * @param meanCosine         mean cosine of the two tasks' gradients on the shared trunk
     * @param cosineLow          lower end of mean ± 1.96·std/√steps
     * @param conflictFraction   fraction of steps with cosine &lt; 0
     * @param magnitudeSimilarity mean of 2|g_a||g_b|/(|g_a|²+|g_b|²): 1 equal norms, → 0 very different
     * @param normRatio          larger mean gradient norm / smaller one
     * @param larger             the task with the larger mean gradient norm
     * @param angle              "conflicting", "aligned" or "not distinguishable from orthogonal"
     * @param magnitude          "similar" or "different"
     */
    public record PairEvidence(String configuration, String taskA, String taskB, int runs, long steps, double meanCosine,
                               double cosineStd, double cosineLow, double cosineHigh, double conflictFraction,
                               double magnitudeSimilarity, double normA, double normB, double normRatio, String larger,
                               String angle, String magnitude, String sentence) {
    }

    /**
     * @param singleTaskBaselineAvailable whether inter-sample (single-task) conflict figures exist to compare with
     * @param baselineStatement           what that means for reading these figures, in plain words
     * @param rules                       the rules used for "conflicting" and "different"
     * @param pairs                       per configuration and task pair, then pooled over all MTL runs
     */
    public record ConflictEvidence(boolean singleTaskBaselineAvailable, String baselineStatement, List<String> rules,
                                   List<PairEvidence> pairs, List<String> findings) {
    }
}
