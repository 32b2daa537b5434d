package org.mtlab.core.data;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.mtlab.core.contract.StudySpec;

/**
 * The dataset kinds a study may name, behind one {@link TaskData} view:
 * <ul>
 *   <li>{@code synthetic}: {@link SyntheticMmoeDataset}, one regression task per study task;</li>
 *   <li>{@code multi-fashion}: {@link MultiFashion}, classification tasks {@code left} and {@code right}, 10 classes,
 *       36×36 images; {@code params.path} is the Fashion-MNIST directory (default {@link MultiFashion#directory()});</li>
 *   <li>{@code csv}: a team's own table, {@link CsvTaskData};</li>
 *   <li>{@code idx}: a team's own images in IDX files with one IDX label file per task, {@link IdxTaskData};</li>
 *   <li>{@code image-folder}: a folder of PNG or JPEG images with one label file per task,
 *       {@link ImageFolderTaskData}.</li>
 * </ul>
 */
public final class TaskDatasets {
    public static final String SYNTHETIC = "synthetic";
    public static final String MULTI_FASHION = MultiFashion.KIND;
    public static final String CSV = CsvTaskData.KIND;
    public static final String IDX = IdxTaskData.KIND;
    public static final String IMAGE_FOLDER = ImageFolderTaskData.KIND;
    public static final Set<String> KINDS = Set.of(SYNTHETIC, MULTI_FASHION, CSV, IDX, IMAGE_FOLDER);

    private TaskDatasets() {
    }

    /**
     * Builds the dataset for a study's tasks.
     *
     * @throws IllegalArgumentException for an unknown kind, bad parameters or tasks the dataset does not have
     * @throws IllegalStateException    when the data files are missing or unreadable (the message says what to do)
     */
    public static TaskData load(List<String> tasks, StudySpec.DatasetSpec spec) {
        try {
            return loadChecked(tasks, spec);
        } catch (UncheckedIOException e) {
            // an unreadable file fails the run with the reason; it must not be retried as if the trainer had failed
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static TaskData loadChecked(List<String> tasks, StudySpec.DatasetSpec spec) {
        String kind = spec == null || spec.kind() == null ? SYNTHETIC : spec.kind().toLowerCase(Locale.ROOT);
        TaskData data = switch (kind) {
            case SYNTHETIC -> synthetic(SyntheticMmoeDataset.generate(tasks, spec));
            case MULTI_FASHION -> multiFashion(MultiFashion.build(fashionDirectory(spec),
                    MultiFashion.Params.from(spec)));
            case CSV -> CsvTaskData.read(CsvTaskData.Params.from(spec, tasks));
            case IDX -> IdxTaskData.read(spec, tasks);
            case IMAGE_FOLDER -> ImageFolderTaskData.read(spec, tasks);
            default -> throw new IllegalArgumentException("unsupported dataset kind '" + kind + "'; known: "
                    + KINDS.stream().sorted().toList());
        };
        for (String task : tasks) {
            data.taskIndex(task);
        }
        return data;
    }

    /** {@code params.path} when given, else {@link MultiFashion#directory()}. */
    public static Path fashionDirectory(StudySpec.DatasetSpec spec) {
        Object path = spec == null || spec.params() == null ? null : spec.params().get("path");
        if (path != null && !(path instanceof String)) {
            throw new IllegalArgumentException("dataset.params.path must be a directory name");
        }
        return path == null || ((String) path).isBlank() ? MultiFashion.directory() : Path.of((String) path);
    }

    /** The synthetic MMoE data as regression tasks. */
    public static TaskData synthetic(SyntheticMmoeDataset dataset) {
        List<TaskData.Task> tasks = dataset.tasks().stream().map(TaskData.Task::regression).toList();
        int d = dataset.dimension();
        return new TaskData() {
            private final TaskData.Split train = split(dataset.train());
            private final TaskData.Split validation = split(dataset.validation());
            private final TaskData.Split test = split(dataset.test());

            @Override
            public List<Task> tasks() {
                return tasks;
            }

            @Override
            public int dimension() {
                return d;
            }

            @Override
            public int[] imageShape() {
                return null;
            }

            @Override
            public Split train() {
                return train;
            }

            @Override
            public Split validation() {
                return validation;
            }

            @Override
            public Split test() {
                return test;
            }

            private TaskData.Split split(SyntheticMmoeDataset.Split s) {
                return new TaskData.Split() {
                    @Override
                    public int size() {
                        return s.size();
                    }

                    @Override
                    public void features(int sample, float[] out, int offset) {
                        System.arraycopy(s.features(), sample * d, out, offset, d);
                    }

                    @Override
                    public float target(int task, int sample) {
                        return s.targets()[task][sample];
                    }
                };
            }
        };
    }

    /** MultiFashion as two 10-class classification tasks on 36×36 images. */
    public static TaskData multiFashion(MultiFashion dataset) {
        List<TaskData.Task> tasks = MultiFashion.TASKS.stream()
                .map(t -> TaskData.Task.classification(t, MultiFashion.CLASSES)).toList();
        MultiFashion.Split any = dataset.train();
        int[] shape = {any.rows(), any.cols()};
        return new TaskData() {
            private final TaskData.Split train = split(dataset.train());
            private final TaskData.Split validation = split(dataset.validation());
            private final TaskData.Split test = split(dataset.test());

            @Override
            public List<Task> tasks() {
                return tasks;
            }

            @Override
            public int dimension() {
                return shape[0] * shape[1];
            }

            @Override
            public int[] imageShape() {
                return shape.clone();
            }

            @Override
            public Split train() {
                return train;
            }

            @Override
            public Split validation() {
                return validation;
            }

            @Override
            public Split test() {
                return test;
            }

            private TaskData.Split split(MultiFashion.Split s) {
                return new TaskData.Split() {
                    @Override
                    public int size() {
                        return s.size();
                    }

                    @Override
                    public void features(int sample, float[] out, int offset) {
                        s.image(sample, out, offset);
                    }

                    @Override
                    public float target(int task, int sample) {
                        return s.label(task, sample);
                    }
                };
            }
        };
    }
}
