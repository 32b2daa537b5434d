package org.mtlab.gateway;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.mtlab.core.contract.DeadLetter;
import org.mtlab.core.contract.RunControl;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/**
 * Native images: the types that Jackson reads and writes through {@code org.mtlab.core.contract.Json} (records, whose
 * constructors and accessors it finds by reflection) and the REST views. Only the roots are named: the full hierarchy
 * (nested records, the types of their components) follows, as mtl-core is in the Jandex index
 * ({@code quarkus.index-dependency.mtl-core} in application.properties).
 */
@RegisterForReflection(registerFullHierarchy = true, targets = {StudySpec.class, TrainingRequest.class, RunEvent.class,
        RunControl.class, DeadLetter.class, Problem.class, Views.StudyView.class, Views.StudySummary.class,
        Views.RunView.class, StudyResource.CancelRequest.class, MethodsResource.ApplyRequest.class})
final class NativeReflection {
    private NativeReflection() {
    }
}
