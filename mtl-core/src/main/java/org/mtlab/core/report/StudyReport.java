package org.mtlab.core.report;

import java.util.List;
import java.util.Map;
import org.mtlab.core.analysis.LearningRateSelection;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.contract.StudyDecision;
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
 * @param decision          the primary task, task values and margins the verdict applied
 * @param selection         the validation-only choice of learning rate and epoch per configuration
 * @param cost              training cost per configuration and for the study; one MTL model vs T STL models
 * @param quickLimits       for a quick study, what its answer cannot tell (empty otherwise)
 * @param lossScale         the loss-scale probe's shifts per optimizer; null without probe runs
 * @param corruption        MTL against STL accuracy drops under image corruptions; null without corrupted evaluations
 * @param similarity        per MTL configuration and task pair, the inter-task gradient similarity per epoch against
 *                          the single-task band; empty without baselines
 */
public record StudyReport(String studyId, List<String> tasks, int runsKnown, int finishedRuns, String deltaMConventions,
                          List<StudyAnalysis.StlBaseline> stlBaselines, List<Configuration> configurations,
                          ParetoSummary pareto, ConflictEvidence conflict, Verdict verdict, List<String> notes,
                          StudyDecision decision, SelectionSummary selection, CostSummary cost,
                          List<String> quickLimits, ReproductionEvidence.LossScaleEvidence lossScale,
                          ReproductionEvidence.CorruptionEvidence corruption,
                          List<ReproductionEvidence.SimilarityCurve> similarity) {

    /** A report without the reproduction sections (no loss-scale probe, corruption evaluation or similarity curves). */
    public StudyReport(String studyId, List<String> tasks, int runsKnown, int finishedRuns, String deltaMConventions,
                       List<StudyAnalysis.StlBaseline> stlBaselines, List<Configuration> configurations,
                       ParetoSummary pareto, ConflictEvidence conflict, Verdict verdict, List<String> notes,
                       StudyDecision decision, SelectionSummary selection, CostSummary cost, List<String> quickLimits) {
        this(studyId, tasks, runsKnown, finishedRuns, deltaMConventions, stlBaselines, configurations, pareto, conflict,
                verdict, notes, decision, selection, cost, quickLimits, null, null, List.of());
    }

    /** This report with the reproduction sections. */
    public StudyReport withReproduction(ReproductionEvidence.LossScaleEvidence lossScale,
                                        ReproductionEvidence.CorruptionEvidence corruption,
                                        List<ReproductionEvidence.SimilarityCurve> similarity) {
        return new StudyReport(studyId, tasks, runsKnown, finishedRuns, deltaMConventions, stlBaselines, configurations,
                pareto, conflict, verdict, notes, decision, selection, cost, quickLimits, lossScale, corruption,
                similarity);
    }

    /**
     * How each configuration's learning rate and epoch were chosen (validation only), and what was chosen; null when
     * the report was built from final metrics alone.
     */
    public record SelectionSummary(String rule, List<LearningRateSelection.Choice> choices, List<String> notes) {
    }

    /**
     * Wall time of one configuration's runs, over every learning rate of its grid (the whole cost of tuning it).
     *
     * @param wallSeconds   sum over its finished runs of STARTED → COMPLETED (trainer clock)
     * @param gpuHours      the part of that on GPU devices, in hours
     */
    public record ConfigurationCost(String configuration, String kind, int runs, double wallSeconds,
                                    double meanRunSeconds, double gpuHours) {
    }

    /**
     * One MTL model against the T STL models it replaces, from the trainer's measurements (mean over the chosen
     * runs' seeds); a figure is null when the trainers did not report it.
     *
     * @param mtlConfiguration           the MTL configuration compared (the recommended one, else the best)
     * @param stlParameters              sum over the tasks of their STL baseline models' parameter counts
     * @param parameterReductionPercent  100·(1 − MTL / STL sum)
     * @param stlTrainingSeconds         sum over the tasks of their STL runs' training times
     * @param stlMicrosPerSample         sum over the tasks of their STL models' inference latency per sample (serving
     *                                   all tasks for one sample means running every STL model)
     * @param servingSpeedup             STL sum / MTL latency
     */
    public record Savings(String mtlConfiguration, int tasks, Double mtlParameters, Double stlParameters,
                          Double parameterReductionPercent, Double mtlTrainingSeconds, Double stlTrainingSeconds,
                          Double mtlMicrosPerSample, Double stlMicrosPerSample, Double servingSpeedup, String sentence) {
    }

    /**
     * @param studyComputeHours sum of every finished run's wall time (trainer clock), in hours
     * @param studyElapsedHours first STARTED to last COMPLETED, in hours
     * @param gpuHours          the part of the compute on GPU devices
     */
    public record CostSummary(String rule, int runsTimed, Double studyComputeHours, Double studyElapsedHours,
                              double gpuHours, List<ConfigurationCost> configurations, Savings savings,
                              List<String> findings) {
    }

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
     * @param valueWeightedGainPercent Σ_k value_k·gain_k / Σ_k value_k over the tasks (gain_k as above); null without
     *                             every baseline
     * @param marginBreachPoints   per task whose loss against STL exceeds its margin: by how many percentage points
     * @param learningRate         the learning rate chosen on validation; null when not known
     * @param epoch                the epoch chosen on validation; null for the end of training
     */
    public record Configuration(String label, String optimizer, String method, int seeds, Map<String, Spread> perTask,
                                Map<String, Double> gainVsStlPercent, Spread deltaMPercent, Spread improvementFraction,
                                boolean paretoOptimal, List<String> dominatedBy, Double valueWeightedGainPercent,
                                Map<String, Double> marginBreachPoints, Double learningRate, Integer epoch) {

        /** Every task within its margin (and every gain known). */
        public boolean withinMargins() {
            return valueWeightedGainPercent != null && marginBreachPoints.isEmpty();
        }
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
     * @param baseline                    per configuration and task pair (then pooled), the inter-task figures against
     *                                    the single-task (inter-sample) baseline; empty when no run sent one
     */
    public record ConflictEvidence(boolean singleTaskBaselineAvailable, String baselineStatement, List<String> rules,
                                   List<PairEvidence> pairs, List<String> findings, List<BaselineComparison> baseline) {
    }

    /**
     * One task pair's conflict against single-task noise, pooled over the runs of one MTL configuration (or all MTL
     * runs), by the rules of {@link BaselineEvidence}: per run-epoch, the median inter-task (same-sample) cosine
     * against each task's 2.5th inter-sample percentile; the magnitude similarity between the tasks against that
     * between two samples of each task.
     *
     * @param runEpochs                 run-epochs with a baseline
     * @param runEpochsBeyond           of those, where the inter-task median lies below both tasks' 2.5th percentiles
     * @param interTaskMeanCosine       mean cosine between the tasks on the same sample
     * @param interTaskMedianCosine     mean over run-epochs of the per-epoch median of that cosine
     * @param interSampleMeanCosineA    mean cosine between two samples of task A (B likewise)
     * @param interSampleLowCosineA     mean over run-epochs of the 2.5th percentile of that cosine (B likewise)
     * @param angle                     "beyond single-task noise" or "within single-task noise"
     * @param magnitude                 "lower between tasks" or "not lower between tasks"
     * @param interTaskSignDisagreement mean fraction of shared parameters whose signs disagree between the tasks on
     *                                  the same sample (inter-sample for A and B likewise)
     */
    public record BaselineComparison(String configuration, String taskA, String taskB, int runs, int runEpochs,
                                     int runEpochsBeyond, double interTaskMeanCosine, double interTaskMedianCosine,
                                     double interSampleMeanCosineA, double interSampleMeanCosineB,
                                     double interSampleLowCosineA, double interSampleLowCosineB, String angle,
                                     double interTaskMagnitudeSimilarity, double interSampleMagnitudeSimilarityA,
                                     double interSampleMagnitudeSimilarityB, String magnitude,
                                     double interTaskSignDisagreement, double interSampleSignDisagreementA,
                                     double interSampleSignDisagreementB, String sentence) {
    }
}
