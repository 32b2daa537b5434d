package org.mtlab.core.data;

import java.util.List;

/**
 * A multi-task dataset as the trainer reads it, whatever its source: the tasks with their kind (classification with
 * a number of classes, or regression), and three splits whose samples are drawn into a caller's buffer on request
 * (so an image dataset need not hold its composites in memory). Built by {@link DatasetKinds#load}.
 */
public interface TaskData {

    /** Classification: cross-entropy loss, softmax head of {@code classes} outputs, accuracy. Regression: MSE, MAE. */
    enum Kind { CLASSIFICATION, REGRESSION }

    /**
     * One task of the dataset.
     *
     * @param classes number of classes (≥ 2) for classification, 1 for regression
     */
    record Task(String name, Kind kind, int classes) {
        public Task {
            if (kind == Kind.CLASSIFICATION ? classes < 2 : classes != 1) {
                throw new IllegalArgumentException("task '" + name + "': " + kind + " with " + classes + " classes");
            }
        }

        public static Task regression(String name) {
            return new Task(name, Kind.REGRESSION, 1);
        }

        public static Task classification(String name, int classes) {
            return new Task(name, Kind.CLASSIFICATION, classes);
        }

        public boolean isClassification() {
            return kind == Kind.CLASSIFICATION;
        }

        /** Width of the task's head: one logit per class, or one value. */
        public int outputs() {
            return classes;
        }
    }

    /** One split. Targets are the regression value, or the class index (0..classes−1) as a float. */
    interface Split {
        int size();

        /** Writes sample {@code sample}'s {@link TaskData#dimension()} features into {@code out} from {@code offset}. */
        void features(int sample, float[] out, int offset);

        /**
         * Target of dataset task {@code task} (index in {@link TaskData#tasks()}) for a sample; NaN when the sample
         * has no label for the task (partial labels).
         */
        float target(int task, int sample);

        /** Samples that carry task {@code task}'s label. */
        default int labelled(int task) {
            int count = 0;
            for (int s = 0; s < size(); s++) {
                if (!Float.isNaN(target(task, s))) {
                    count++;
                }
            }
            return count;
        }
    }

    List<Task> tasks();

    /** Features per sample. */
    int dimension();

    /** {@code {rows, cols}} when every sample is a single-channel image (row-major), else null. */
    int[] imageShape();

    Split train();

    Split validation();

    Split test();

    /** Index of a task by name, or an {@link IllegalArgumentException} naming the dataset's tasks. */
    default int taskIndex(String name) {
        List<Task> tasks = tasks();
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "'; the dataset's tasks are "
                + tasks.stream().map(Task::name).toList());
    }
}
