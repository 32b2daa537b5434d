package org.mtlab.gateway;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.contract.Violation;

/** Native images: the mtl-core contracts are read and written by Jackson through reflection. */
@RegisterForReflection(targets = {StudySpec.class, StudySpec.DatasetSpec.class, StudySpec.TaskSpec.class,
        StudySpec.ModelSpec.class, StudySpec.OptimizerSpec.class, StudySpec.TelemetrySpec.class, TrainingRequest.class,
        RunEvent.class, RunEvent.Metric.class, RunEvent.RunDescriptor.class, DeadLetter.class, Violation.class,
        Problem.class, Views.RunView.class, Views.StudyView.class, Views.StudySummary.class})
final class NativeReflection {
    private NativeReflection() {
    }
}
