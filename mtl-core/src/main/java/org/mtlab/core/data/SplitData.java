package org.mtlab.core.data;

import java.util.List;

/** A {@link TaskData} of given tasks, shape and splits: what a kind whose data class is no TaskData hands the trainer. */
record SplitData(List<Task> tasks, int dimension, int[] shape, Split train, Split validation, Split test)
        implements TaskData {
    SplitData {
        tasks = List.copyOf(tasks);
        shape = shape == null ? null : shape.clone();
    }

    @Override
    public int[] imageShape() {
        return shape == null ? null : shape.clone();
    }
}
