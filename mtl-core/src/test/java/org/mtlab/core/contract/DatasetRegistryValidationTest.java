package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mtlab.core.data.DatasetKind;
import org.mtlab.core.data.DatasetKinds;
import org.mtlab.core.data.TaskData;
import org.mtlab.core.model.DataShape;

/**
 * The validator reads dataset kinds from the registry it is given, and only from there: a kind registered in a
 * registry alone is accepted, its parameters are checked by the kind, its declared shape meets the model checks; the
 * same registry loads it.
 */
class DatasetRegistryValidationTest {

    /** {@code constant}: {@code width} features all equal to {@code value}, one regression task per study task. */
    static final class ConstantKind implements DatasetKind<double[]> {
        private final TaskData.Kind declared;

        ConstantKind(TaskData.Kind declared) {
            this.declared = declared;
        }

        @Override
        public String name() {
            return "constant";
        }

        @Override
        public String description() {
            return "every feature the same value";
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of("value", "the features' value", "width", "features per sample");
        }

        @Override
        public double[] parse(StudySpec.DatasetSpec spec, List<String> tasks, List<Violation> out) {
            Object value = spec.params() == null ? null : spec.params().get("value");
            if (!(value instanceof Number)) {
                out.add(new Violation("dataset.params.value", "is required: a number"));
                return null;
            }
            return new double[] {((Number) value).doubleValue(), spec.number("width", 3)};
        }

        @Override
        public DataShape shape(double[] params) {
            return new DataShape((int) params[1], null);
        }

        @Override
        public Map<String, TaskData.Kind> taskKinds(double[] params, List<String> tasks) {
            Map<String, TaskData.Kind> kinds = new LinkedHashMap<>();
            tasks.forEach(t -> kinds.put(t, declared));
            return kinds;
        }

        @Override
        public TaskData load(double[] params, List<String> tasks) {
            int width = (int) params[1];
            TaskData.Split split = new TaskData.Split() {
                @Override
                public int size() {
                    return 4;
                }

                @Override
                public void features(int sample, float[] out, int offset) {
                    java.util.Arrays.fill(out, offset, offset + width, (float) params[0]);
                }

                @Override
                public float target(int task, int sample) {
                    return (float) params[0];
                }
            };
            List<TaskData.Task> list = tasks.stream().map(TaskData.Task::regression).toList();
            return new TaskData() {
                @Override
                public List<Task> tasks() {
                    return list;
                }

                @Override
                public int dimension() {
                    return width;
                }

                @Override
                public int[] imageShape() {
                    return null;
                }

                @Override
                public Split train() {
                    return split;
                }

                @Override
                public Split validation() {
                    return split;
                }

                @Override
                public Split test() {
                    return split;
                }
            };
        }
    }

    private static final DatasetKinds WITH_CONSTANT = new DatasetKinds(concat(DatasetKinds.standard().all(),
            new ConstantKind(TaskData.Kind.REGRESSION)));

    private static List<DatasetKind<?>> concat(List<DatasetKind<?>> kinds, DatasetKind<?> extra) {
        List<DatasetKind<?>> all = new ArrayList<>(kinds);
        all.add(extra);
        return all;
    }

    private static StudySpec spec(String dataset, String model) {
        String json = "{\"name\":\"s\",\"dataset\":" + dataset + ",\"tasks\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
                + "\"model\":" + model + ",\"optimizers\":[{\"name\":\"adam\",\"learningRate\":0.001}],"
                + "\"methods\":[\"ew\"],\"seeds\":[1],\"epochs\":1,\"batchSize\":8}";
        return Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class);
    }

    private static List<String> fields(List<Violation> violations) {
        return violations.stream().map(Violation::field).toList();
    }

    private static final String MLP = "{\"kind\":\"mlp\",\"hidden\":[4]}";

    @Test
    void aKindInTheRegistryAloneIsAcceptedAndItsParametersAreItsOwn() {
        StudySpecValidator validator = new StudySpecValidator(Set.of("ew"), WITH_CONSTANT);
        assertEquals(List.of(), validator.validate(spec("{\"kind\":\"constant\",\"params\":{\"value\":2}}", MLP)));
        assertEquals(List.of("dataset.params.value"),
                fields(validator.validate(spec("{\"kind\":\"Constant\",\"params\":{\"value\":\"x\"}}", MLP))));
        List<Violation> standard = new StudySpecValidator(Set.of("ew"))
                .validate(spec("{\"kind\":\"constant\",\"params\":{\"value\":2}}", MLP));
        assertEquals(List.of("dataset.kind"), fields(standard));
        assertEquals("must be one of " + DatasetKinds.standard().sortedNames(), standard.get(0).message());
    }

    @Test
    void theKindsShapeAndImageFlagMeetTheModelChecks() {
        StudySpecValidator validator = new StudySpecValidator(Set.of("ew"), WITH_CONSTANT);
        List<Violation> lenet = validator.validate(spec("{\"kind\":\"constant\",\"params\":{\"value\":2}}",
                "{\"kind\":\"multilenet\"}"));
        assertEquals(List.of("model.kind"), fields(lenet));
        assertTrue(lenet.get(0).message().contains("needs image data: dataset kind one of [idx, image-folder, "
                + "multi-fashion]"), lenet.get(0).message());
        List<Violation> torchScript = validator.validate(spec("{\"kind\":\"constant\",\"params\":{\"value\":2,"
                + "\"width\":5}}", "{\"kind\":\"torchscript\",\"path\":\"/m.pt\",\"inputShape\":[4],"
                + "\"outputWidth\":8}"));
        assertEquals(List.of("model.inputShape"), fields(torchScript), "the declared 5 features do not fit [4]");
    }

    @Test
    void theSameRegistryLoadsTheKindAndHoldsItToItsDeclaredTaskKinds() {
        TaskData data = WITH_CONSTANT.load(List.of("a", "b"), new StudySpec.DatasetSpec("constant",
                Map.of("value", 1.5, "width", 2)));
        float[] features = new float[2];
        data.train().features(0, features, 0);
        assertEquals(1.5f, features[1]);
        assertEquals(List.of(TaskData.Task.regression("a"), TaskData.Task.regression("b")), data.tasks());
        DatasetKinds lying = new DatasetKinds(List.of(new ConstantKind(TaskData.Kind.CLASSIFICATION)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lying.load(List.of("a"),
                new StudySpec.DatasetSpec("constant", Map.of("value", 1))));
        assertTrue(e.getMessage().contains("declares task 'a' CLASSIFICATION but loaded it as REGRESSION"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DatasetKinds(List.of(
                new ConstantKind(TaskData.Kind.REGRESSION), new ConstantKind(TaskData.Kind.REGRESSION))));
    }
}
