package org.mtlab.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.TrainingRequest;

/** A run trained in the test's thread with what its listener saw: the gradient events, the STARTED descriptor. */
record RecordedRun(List<GradientEvent> events, RunEvent.RunDescriptor descriptor, TrainingOutcome outcome) {

    static RecordedRun train(TrainingRequest request) {
        List<GradientEvent> events = new ArrayList<>();
        RunEvent.RunDescriptor[] descriptor = new RunEvent.RunDescriptor[1];
        TrainingOutcome outcome = new MultiTaskTrainer().train(request, new TrainingListener() {
            @Override
            public void started(long totalSteps, RunEvent.RunDescriptor run) {
                descriptor[0] = run;
            }

            @Override
            public void gradients(GradientEvent event) {
                events.add(event);
            }
        }, () -> false);
        return new RecordedRun(events, descriptor[0], outcome);
    }
}
