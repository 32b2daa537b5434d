package org.mtlab.analysis;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mtlab.core.analysis.ConflictBaselineStatistics;
import org.mtlab.core.analysis.LearningRateSelection;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.analysis.StudyAnalysis;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.core.contract.RunCost;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.report.StudyReport;

/**
 * Native images: the types that Jackson reads and writes through {@code org.mtlab.core.contract.Json} (Kafka records,
 * the statistics kept in PostgreSQL as JSON) and the REST views. Only the roots are named: the full hierarchy (nested
 * records, the types of their components) follows, as mtl-core is in the Jandex index
 * ({@code quarkus.index-dependency.mtl-core} in application.properties).
 */
@RegisterForReflection(registerFullHierarchy = true, targets = {RunEvent.class, DeadLetter.class, StudyDecision.class,
        RunCost.class, RunHistory.EpochMetrics.class, RunState.EventFacts.class, RunGradientStatistics.Snapshot.class,
        ConflictBaselineStatistics.Snapshot.class, StudyAnalysis.Result.class, LearningRateSelection.Result.class,
        StudyReport.class, AnalysisResource.RunGradients.class, AnalysisResource.StudyAnalysisView.class})
final class NativeReflection {
    private NativeReflection() {
    }
}
