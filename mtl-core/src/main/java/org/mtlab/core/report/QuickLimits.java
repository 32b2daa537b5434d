package org.mtlab.core.report;

import java.util.ArrayList;
import java.util.List;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.contract.StudyExpansion;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.StudySpecValidator;

/** What a quick study's answer cannot tell, in plain sentences (see {@link StudyExpansion} for the quick path). */
final class QuickLimits {
    private QuickLimits() {
    }

    static List<String> of(List<String> trained, StudyDecision decision) {
        List<String> out = new ArrayList<>();
        out.add("This is a quick answer (at most " + StudySpecValidator.QUICK_MAX_RUNS + " runs): the primary task "
                + decision.primaryTask() + " with " + String.join(", ", trained.stream()
                        .filter(t -> !t.equals(decision.primaryTask())).toList())
                + ", STL against MTL with equal weighting (ew) only, SGD and Adam, with the gradient similarity of the "
                + "MTL runs. It tells whether sharing a model helps or hurts the primary task at all; it cannot tell:");
        List<String> left = decision.tasks().stream().map(StudySpec.TaskSpec::name).filter(t -> !trained.contains(t)).toList();
        if (!left.isEmpty()) {
            out.add("- how " + String.join(", ", left) + " would fare, nor how adding " + (left.size() == 1 ? "it" : "them")
                    + " to the shared model changes the primary task (more tasks can help or hurt);");
        }
        List<String> methods = decision.methods().stream().filter(m -> !m.equals(StudyExpansion.QUICK_METHOD)).toList();
        out.add("- whether a weighting method beats equal weighting" + (methods.isEmpty() ? ""
                : " (the spec lists " + String.join(", ", methods) + ", not trained)")
                + ": a loss here may be recovered by a method that balances the task gradients' magnitudes;");
        out.add("- anything beyond the seeds and learning rates it ran: with few seeds small differences stay "
                + "\"not distinguishable\", and the chosen learning rate is only the best of the grid given.");
        out.add("Run the full study (\"quick\": false) before committing to a configuration.");
        return out;
    }
}
