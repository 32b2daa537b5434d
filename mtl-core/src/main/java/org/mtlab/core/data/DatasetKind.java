package org.mtlab.core.data;

import java.util.List;
import java.util.Map;

import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.model.DataShape;

/**
 * One kind of dataset a study can name ({@code dataset.kind}): its parameters, parsed and checked once (the spec
 * validator and the trainer call the same {@link #parse}), the shape of its samples and the kind of each task where the
 * spec tells them, and how it loads. Adding a kind is one class implementing this and one line in
 * {@link DatasetKinds}.
 *
 * @param <P> the parsed parameters
 */
public interface DatasetKind<P> {

    /** The name a spec uses, lower case. */
    String name();

    /** One line for the API description. */
    String description();

    /** The parameters ({@code dataset.params}), each with what it holds. */
    Map<String, String> parameters();

    /**
     * Parses and checks {@code spec.params()} for the study's tasks, adding a violation per problem, each naming its
     * field ({@code dataset.params.labels.digit.kind}, or {@code tasks[1].name} for a task this dataset lacks).
     *
     * @param tasks the study's task names in spec order (an entry is null where the spec's task has no name)
     * @return the parameters, or null when a violation was added
     */
    P parse(StudySpec.DatasetSpec spec, List<String> tasks, List<Violation> out);

    /** True when every sample is a single-channel image (what the image models take). */
    default boolean images() {
        return false;
    }

    /** The shape of a sample when the parameters fix it, null when only the data files tell. */
    DataShape shape(P params);

    /**
     * Each task's kind where the parameters fix it (a task the parameters leave open, such as a CSV task's classes
     * before the file is read, is still named with its kind; the class count comes from the data).
     */
    Map<String, TaskData.Kind> taskKinds(P params, List<String> tasks);

    /**
     * Reads or generates the data for {@code tasks}.
     *
     * @throws IllegalArgumentException when the data do not fit (naming the spec field and the file)
     * @throws IllegalStateException    when a file is missing
     */
    TaskData load(P params, List<String> tasks);
}
