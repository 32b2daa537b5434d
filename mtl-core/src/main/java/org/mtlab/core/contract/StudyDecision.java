package org.mtlab.core.contract;

import java.util.List;
import java.util.Locale;

/**
 * What the study's report decides by: the primary task, each task's value and margin, and whether the study is a quick
 * one. The gateway puts it in every training request and the trainer's STARTED event carries it on, so that the
 * analysis, which sees only run events, builds the report the study asked for.
 *
 * @param primaryTask the task the verdict leads with
 * @param tasks       every task of the study with its value and margin (margin null: no constraint)
 * @param quick       whether the study took the quick path (primary task and one other, STL vs MTL with ew)
 * @param methods     the methods the spec lists (a quick study trains only ew: the report names what it left out)
 */
public record StudyDecision(String primaryTask, List<StudySpec.TaskSpec> tasks, boolean quick, List<String> methods) {

    public static StudyDecision of(StudySpec spec) {
        return new StudyDecision(spec.primaryTaskOrDefault(), List.copyOf(spec.tasks()), spec.quickOrDefault(),
                spec.methods().stream().map(m -> m.toLowerCase(Locale.ROOT)).toList());
    }

    /** The defaults for a study that states nothing: the first task is primary, every value 1, no margins. */
    public static StudyDecision defaults(List<String> tasks) {
        return new StudyDecision(tasks.get(0), tasks.stream().map(StudySpec.TaskSpec::new).toList(), false, List.of());
    }

    public double valueOf(String task) {
        return tasks.stream().filter(t -> t.name().equals(task)).findFirst()
                .map(StudySpec.TaskSpec::valueOrDefault).orElse(1.0);
    }

    /** The task's margin as a fraction, or null when it has none. */
    public Double marginOf(String task) {
        return tasks.stream().filter(t -> t.name().equals(task)).findFirst().map(StudySpec.TaskSpec::margin).orElse(null);
    }
}
