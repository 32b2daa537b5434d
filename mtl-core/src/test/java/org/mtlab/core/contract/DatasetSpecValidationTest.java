package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The multi-fashion and csv dataset kinds, multilenet and the optimizer options, validated from JSON as sent. */
class DatasetSpecValidationTest {
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew"));

    private static List<Violation> validate(String dataset, String tasks, String model, String optimizer) {
        String json = "{\"name\":\"s\",\"dataset\":" + dataset + ",\"tasks\":" + tasks + ",\"model\":" + model
                + ",\"optimizers\":[" + optimizer + "],\"methods\":[\"ew\"],\"seeds\":[1],\"epochs\":2,\"batchSize\":64}";
        return VALIDATOR.validate(Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class));
    }

    private static final String FASHION_TASKS = "[{\"name\":\"left\"},{\"name\":\"right\"}]";
    private static final String LENET = "{\"kind\":\"multilenet\"}";
    private static final String ADAM = "{\"name\":\"adam\",\"learningRate\":0.001}";

    private static List<String> fields(List<Violation> violations) {
        return violations.stream().map(Violation::field).toList();
    }

    @Test
    void theMultiFashionBenchmarkIsValid() {
        assertEquals(List.of(), validate("{\"kind\":\"multi-fashion\",\"params\":{\"trainSamples\":12000,"
                + "\"validationSamples\":1000,\"testSamples\":2000,\"seed\":0,\"path\":\"/data/fashion\"}}",
                FASHION_TASKS, LENET, "{\"name\":\"adamw\",\"learningRate\":0.001,\"weightDecay\":0.01,"
                        + "\"stepDecay\":{\"stepSize\":10,\"gamma\":0.5}}"));
        assertEquals(List.of(), validate("{\"kind\":\"multi-fashion\"}", FASHION_TASKS,
                "{\"kind\":\"mlp\",\"hidden\":[64]}", ADAM));
    }

    @Test
    void badMultiFashionParamsAreNamed() {
        List<Violation> v = validate("{\"kind\":\"multi-fashion\",\"params\":{\"trainSamples\":0,\"testSamples\":1.5,"
                + "\"path\":7,\"colour\":true}}", "[{\"name\":\"left\"},{\"name\":\"middle\"}]", LENET, ADAM);
        assertEquals(Set.of("dataset.params.trainSamples", "dataset.params.testSamples", "dataset.params.path",
                "dataset.params.colour", "tasks[1].name"), Set.copyOf(fields(v)), v.toString());
        assertTrue(v.stream().anyMatch(x -> x.message().contains("dataset-fashion-mnist")), v.toString());
    }

    @Test
    void multiLeNetTakesImagesOnlyAndNoHiddenLayers() {
        List<Violation> v = validate("{\"kind\":\"synthetic\"}", "[{\"name\":\"a\"},{\"name\":\"b\"}]", LENET, ADAM);
        assertEquals(List.of("model.kind"), fields(v));
        v = validate("{\"kind\":\"multi-fashion\"}", FASHION_TASKS, "{\"kind\":\"multilenet\",\"hidden\":[8]}", ADAM);
        assertEquals(List.of("model.hidden"), fields(v));
    }

    @Test
    void csvNeedsAPathAndAKindPerTask() {
        String tasks = "[{\"name\":\"churn\"},{\"name\":\"spend\"}]";
        String mlp = "{\"kind\":\"mlp\",\"hidden\":[16]}";
        assertEquals(List.of(), validate("{\"kind\":\"csv\",\"params\":{\"path\":\"/data/t.csv\",\"features\":[\"a\",\"b\"],"
                + "\"targets\":{\"churn\":\"classification\",\"spend\":\"Regression\"},\"testFraction\":0.25,"
                + "\"validationFraction\":0.1,\"seed\":3}}", tasks, mlp, ADAM));
        List<Violation> v = validate("{\"kind\":\"csv\",\"params\":{\"features\":[\"a\",\"a\",\"spend\"],"
                + "\"targets\":{\"churn\":\"ordinal\",\"other\":\"regression\"},\"testFraction\":0.95,"
                + "\"validationFraction\":0.1}}", tasks, mlp, ADAM);
        assertEquals(Set.of("dataset.params.path", "dataset.params.targets.churn", "dataset.params.targets.other",
                "dataset.params.targets.spend", "dataset.params.features[1]",
                "dataset.params.testFraction"),
                Set.copyOf(fields(v)), v.toString());
        v = validate("{\"kind\":\"csv\",\"params\":{\"path\":\"t.csv\",\"features\":[\"spend\"],"
                + "\"targets\":{\"churn\":\"classification\",\"spend\":\"regression\"}}}", tasks, mlp, ADAM);
        assertEquals(List.of("dataset.params.features[0]"), fields(v), "a target cannot be a feature");
    }

    @Test
    void optimizerOptionsAreNamed() {
        String data = "{\"kind\":\"multi-fashion\"}";
        List<Violation> v = validate(data, FASHION_TASKS, LENET,
                "{\"name\":\"adam\",\"learningRate\":0.001,\"weightDecay\":0.1,\"stepDecay\":{\"stepSize\":0,\"gamma\":2}}");
        assertEquals(List.of("optimizers[0].weightDecay", "optimizers[0].stepDecay.stepSize",
                "optimizers[0].stepDecay.gamma"), fields(v));
        v = validate(data, FASHION_TASKS, LENET, "{\"name\":\"adamw\",\"learningRate\":0.001,\"weightDecay\":-1}");
        assertEquals(List.of("optimizers[0].weightDecay"), fields(v));
        v = validate(data, FASHION_TASKS, LENET, "{\"name\":\"sgd\",\"learningRate\":0.001,\"stepDecay\":{}}");
        assertEquals(List.of("optimizers[0].stepDecay.stepSize"), fields(v));
    }

    @Test
    void perTaskAdamGoesWithEqualWeightingOnly() {
        String data = "{\"kind\":\"multi-fashion\"}";
        assertEquals(List.of(), validate(data, FASHION_TASKS, LENET, "{\"name\":\"adatask\",\"learningRate\":0.001}"));
        String json = "{\"name\":\"s\",\"dataset\":" + data + ",\"tasks\":" + FASHION_TASKS + ",\"model\":" + LENET
                + ",\"optimizers\":[" + ADAM + ",{\"name\":\"adatask\",\"learningRate\":0.001}],\"methods\":[\"ew\",\"pcgrad\"],"
                + "\"seeds\":[1],\"epochs\":2,\"batchSize\":64}";
        List<Violation> v = new StudySpecValidator(Set.of("ew", "pcgrad"))
                .validate(Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class));
        assertEquals(List.of("optimizers[1].name"), fields(v));
    }

    @Test
    void theTrunkSizeCountsMultiLeNetForFullGradients() {
        StudySpec spec = Json.read(("{\"name\":\"s\",\"dataset\":{\"kind\":\"multi-fashion\"},\"tasks\":" + FASHION_TASKS
                + ",\"model\":" + LENET + ",\"optimizers\":[" + ADAM + "],\"methods\":[\"ew\"],\"seeds\":[1],"
                + "\"epochs\":1,\"batchSize\":8}").getBytes(StandardCharsets.UTF_8), StudySpec.class);
        // conv1 10·1·9·9 + 10, conv2 20·10·5·5 + 20, fc 50·500 + 50
        assertEquals(820 + 5020 + 25050, StudySpecValidator.sharedParameterCount(spec));
    }

    private static final String IMAGE_TASKS = "[{\"name\":\"digit\"},{\"name\":\"size\"}]";

    @Test
    void idxNeedsImagesAndALabelFilePerTask() {
        assertEquals(List.of(), validate("{\"kind\":\"idx\",\"params\":{\"images\":\"/d/train-images.gz\","
                + "\"labels\":{\"digit\":{\"path\":\"/d/digit\",\"kind\":\"classification\",\"classes\":10},"
                + "\"size\":{\"path\":\"/d/size\",\"kind\":\"regression\"}},\"validationFraction\":0.1,"
                + "\"testFraction\":0.2,\"seed\":3,\"standardise\":true}}", IMAGE_TASKS, LENET, ADAM));
        assertEquals(List.of(), validate("{\"kind\":\"idx\",\"params\":{\"images\":\"/d/a\",\"testImages\":\"/d/b\","
                + "\"labels\":{\"digit\":{\"path\":\"/d/c\",\"testPath\":\"/d/e\",\"kind\":\"classification\"},"
                + "\"size\":{\"path\":\"/d/f\",\"testPath\":\"/d/g\",\"kind\":\"regression\"}}}}", IMAGE_TASKS,
                "{\"kind\":\"mlp\",\"hidden\":[32]}", ADAM));
        List<Violation> v = validate("{\"kind\":\"idx\",\"params\":{\"testImages\":\"/d/b\",\"testFraction\":0.2,"
                + "\"standardise\":\"yes\",\"colour\":1,\"labels\":{\"digit\":{\"path\":\"/d/c\",\"kind\":\"ordinal\","
                + "\"classes\":1,\"extra\":0},\"size\":{\"kind\":\"regression\",\"classes\":3,\"testPath\":\"/t\"},"
                + "\"other\":{\"path\":\"/d/o\",\"kind\":\"regression\"}}}}", IMAGE_TASKS, LENET, ADAM);
        assertEquals(Set.of("dataset.params.images", "dataset.params.testFraction", "dataset.params.standardise",
                "dataset.params.colour", "dataset.params.labels.digit.kind", "dataset.params.labels.digit.extra",
                "dataset.params.labels.digit.testPath", "dataset.params.labels.size.path",
                "dataset.params.labels.size.classes", "dataset.params.labels.other"), Set.copyOf(fields(v)), v.toString());
        v = validate("{\"kind\":\"idx\",\"params\":{\"images\":\"/d/a\",\"labels\":{\"digit\":{\"path\":\"/d/c\","
                + "\"kind\":\"classification\",\"classes\":1,\"testPath\":\"/d/t\"}}}}", IMAGE_TASKS, LENET, ADAM);
        assertEquals(Set.of("dataset.params.labels.digit.classes", "dataset.params.labels.digit.testPath",
                "dataset.params.labels.size"), Set.copyOf(fields(v)), v.toString());
    }

    @Test
    void anImageFolderNeedsAFolderLabelFilesAndBothSidesOfADeclaredSize() {
        String labels = "\"labels\":{\"digit\":{\"path\":\"/d/digit.csv\",\"kind\":\"classification\"},"
                + "\"size\":{\"path\":\"/d/size.csv\",\"kind\":\"regression\"}}";
        assertEquals(List.of(), validate("{\"kind\":\"image-folder\",\"params\":{\"path\":\"/d/images\"," + labels
                + ",\"width\":36,\"height\":28,\"seed\":1}}", IMAGE_TASKS, LENET, ADAM));
        List<Violation> v = validate("{\"kind\":\"image-folder\",\"params\":{\"width\":0," + labels
                + ",\"testImages\":\"/x\"}}", IMAGE_TASKS, LENET, ADAM);
        assertEquals(Set.of("dataset.params.path", "dataset.params.width", "dataset.params.height",
                "dataset.params.testImages"), Set.copyOf(fields(v)), v.toString());
        v = validate("{\"kind\":\"image-folder\",\"params\":{\"path\":\"/d\",\"width\":16,\"height\":16,"
                + labels + "}}", IMAGE_TASKS, LENET, ADAM);
        assertEquals(List.of("model.kind"), fields(v), "MultiLeNet needs 20×20 at least");
        v = validate("{\"kind\":\"image-folder\",\"params\":{\"path\":\"/d\",\"labels\":{\"digit\":{\"path\":\"/a\","
                + "\"kind\":\"classification\",\"testPath\":\"/b\"},\"size\":{\"path\":\"/c\",\"kind\":\"regression\"}}}}",
                IMAGE_TASKS, LENET, ADAM);
        assertEquals(List.of("dataset.params.labels.digit.testPath"), fields(v), "no test files in a folder");
    }

    @Test
    void theTrunkSizeOfImageKindsIsKnownWhenTheSizeIsDeclared() {
        String base = "{\"name\":\"s\",\"tasks\":" + IMAGE_TASKS + ",\"optimizers\":[" + ADAM + "],\"methods\":[\"ew\"],"
                + "\"seeds\":[1],\"epochs\":1,\"batchSize\":8,";
        String labels = "\"labels\":{\"digit\":{\"path\":\"/a\",\"kind\":\"classification\"},"
                + "\"size\":{\"path\":\"/b\",\"kind\":\"regression\"}}";
        StudySpec folder = Json.read((base + "\"dataset\":{\"kind\":\"image-folder\",\"params\":{\"path\":\"/d\","
                + "\"width\":40,\"height\":28," + labels + "}},\"model\":" + LENET + "}").getBytes(StandardCharsets.UTF_8),
                StudySpec.class);
        // 28×40: conv 9 → 20×32, pool → 10×16, conv 5 → 6×12, pool → 3×6; fc 50·(20·3·6) + 50
        assertEquals(820 + 5020 + 50L * 20 * 3 * 6 + 50, StudySpecValidator.sharedParameterCount(folder));
        StudySpec mlp = Json.read((base + "\"dataset\":{\"kind\":\"image-folder\",\"params\":{\"path\":\"/d\","
                + "\"width\":40,\"height\":28," + labels + "}},\"model\":{\"kind\":\"mlp\",\"hidden\":[10]}}")
                .getBytes(StandardCharsets.UTF_8), StudySpec.class);
        assertEquals(28L * 40 * 10 + 10, StudySpecValidator.sharedParameterCount(mlp));
        StudySpec idx = Json.read((base + "\"dataset\":{\"kind\":\"idx\",\"params\":{\"images\":\"/d\"," + labels
                + "}},\"model\":" + LENET + "}").getBytes(StandardCharsets.UTF_8), StudySpec.class);
        assertEquals(-1, StudySpecValidator.sharedParameterCount(idx), "known from the file only");
    }
}
