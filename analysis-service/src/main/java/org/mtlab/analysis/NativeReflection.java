package org.mtlab.analysis;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mtlab.core.analysis.ConflictBaselineStatistics;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunningStat;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.core.contract.RunEvent;

/** Native images: the mtl-core contracts and analysis results are read and written by Jackson through reflection. */
@RegisterForReflection(targets = {RunEvent.class, RunEvent.Metric.class, RunEvent.RunDescriptor.class, DeadLetter.class,
        RunGradientStatistics.Snapshot.class, RunGradientStatistics.PairSummary.class,
        RunGradientStatistics.TaskSummary.class, RunningStat.Summary.class, StudyAnalysis.Result.class,
        StudyAnalysis.Spread.class, StudyAnalysis.StlOption.class, StudyAnalysis.StlBaseline.class,
        StudyAnalysis.RunDelta.class, StudyAnalysis.Configuration.class, StudyAnalysis.ParetoPoint.class,
        AnalysisResource.RunGradients.class, AnalysisResource.StudyAnalysisView.class,
        ConflictBaselineStatistics.Snapshot.class, ConflictBaselineStatistics.Summary.class,
        ConflictBaselineStatistics.Distribution.class, ConflictBaselineStatistics.InterTaskPair.class,
        ConflictBaselineStatistics.SingleTask.class, ConflictBaselineStatistics.EpochInterTaskPair.class,
        ConflictBaselineStatistics.EpochSingleTask.class, ConflictBaselineStatistics.Epoch.class,
        org.mtlab.core.analysis.Percentiles.class, org.mtlab.core.contract.StudyDecision.class,
        org.mtlab.core.contract.RunCost.class, org.mtlab.core.contract.StudySpec.TaskSpec.class,
        org.mtlab.core.analysis.RunHistory.EpochMetrics.class, org.mtlab.core.analysis.LearningRateSelection.Choice.class,
        org.mtlab.core.analysis.LearningRateSelection.Candidate.class,
        org.mtlab.core.analysis.LearningRateSelection.Result.class, org.mtlab.core.analysis.BaselineBands.Band.class,
        org.mtlab.core.analysis.BaselineBands.PairBands.class, RunGradientStatistics.EpochSummary.class,
        RunGradientStatistics.EpochPair.class, RunGradientStatistics.BlockPair.class})
final class NativeReflection {
    private NativeReflection() {
    }
}
