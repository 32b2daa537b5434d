package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.model.DataShape;

/**
 * Each kind parses its parameters once, for the validator and the trainer alike: what it accepts, every refusal named
 * by its field, its declared shape and task kinds, and the trainer's load refusing with the validator's words.
 */
class DatasetKindParamsTest {
    private static final List<String> TASKS = List.of("a", "b");

    private static <P> P parse(DatasetKind<P> kind, Map<String, Object> params, List<String> tasks,
                               List<Violation> out) {
        return kind.parse(new StudySpec.DatasetSpec(kind.name(), params), tasks, out);
    }

    /** The fields of the violations a kind reports for these parameters. */
    private static Set<String> fields(DatasetKind<?> kind, Map<String, Object> params, List<String> tasks) {
        List<Violation> out = new ArrayList<>();
        Object parsed = parse(kind, params, tasks, out);
        assertNull(parsed, "a refused spec parses to nothing: " + out);
        return out.stream().map(Violation::field).collect(Collectors.toSet());
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> label(String path, String kind) {
        return map("path", path, "kind", kind);
    }

    @Test
    void everyKindNamesAnUnknownParameterAndDescribesItsOwn() {
        for (DatasetKind<?> kind : DatasetKinds.standard().all()) {
            assertTrue(fields(kind, map("bogus", 1), TASKS).contains("dataset.params.bogus"), kind.name());
            assertFalse(kind.parameters().isEmpty(), kind.name());
            assertFalse(kind.description().isBlank(), kind.name());
            assertEquals(kind.name().toLowerCase(java.util.Locale.ROOT), kind.name());
        }
    }

    @Test
    void syntheticParametersAreNamed() {
        SyntheticKind kind = new SyntheticKind();
        List<Violation> out = new ArrayList<>();
        SyntheticMmoeDataset.Params p = parse(kind, map("rho", 0.25, "dimension", 12, "samples", 500, "seed", 7,
                "scale", 2), TASKS, out);
        assertEquals(List.of(), out);
        assertEquals(new SyntheticMmoeDataset.Params(0.25, 12, 500, 7, 2), p);
        assertEquals(new DataShape(12, null), kind.shape(p));
        assertEquals(Map.of("a", TaskData.Kind.REGRESSION, "b", TaskData.Kind.REGRESSION), kind.taskKinds(p, TASKS));
        assertEquals(Set.of("dataset.params.rho", "dataset.params.dimension", "dataset.params.samples",
                "dataset.params.scale"), fields(kind, map("rho", 2, "dimension", 1.5, "samples", 19, "scale", 0), TASKS));
        assertEquals(Set.of("dataset.params.seed"), fields(kind, map("seed", "x"), TASKS));
        assertEquals(Set.of("dataset.params.dimension"), fields(kind, map("dimension", 2), List.of("a", "b", "c")),
                "fewer dimensions than tasks");
    }

    @Test
    void multiFashionParametersAndTasksAreNamed() {
        MultiFashionKind kind = new MultiFashionKind();
        List<Violation> out = new ArrayList<>();
        MultiFashionKind.Params p = parse(kind, map("trainSamples", 100, "validationSamples", 0, "testSamples", 10,
                "seed", -2), MultiFashion.TASKS, out);
        assertEquals(List.of(), out);
        assertEquals(new MultiFashion.Params(100, 0, 10, -2), p.data());
        assertEquals(MultiFashion.directory(), p.directory(), "no path: the default directory");
        assertArrayEquals(new int[] {36, 36}, kind.shape(p).image());
        assertEquals(TaskData.Kind.CLASSIFICATION, kind.taskKinds(p, MultiFashion.TASKS).get("left"));
        assertEquals(Set.of("dataset.params.path", "dataset.params.trainSamples", "dataset.params.validationSamples",
                "dataset.params.testSamples", "dataset.params.seed", "tasks[1].name"),
                fields(kind, map("path", " ", "trainSamples", 0, "validationSamples", -1, "testSamples", 2.5,
                        "seed", 0.5), List.of("left", "top")));
    }

    @Test
    void csvParametersAreNamed() {
        CsvKind kind = new CsvKind();
        List<Violation> out = new ArrayList<>();
        CsvTaskData.Params p = parse(kind, map("path", "/d/t.csv", "features", List.of("x", "y"), "targets",
                map("b", "Regression", "a", "classification"), "validationFraction", 0, "testFraction", 0.5,
                "seed", 3), TASKS, out);
        assertEquals(List.of(), out);
        assertEquals(new CsvTaskData.Params(Path.of("/d/t.csv"), List.of("x", "y"), Map.of("a", "classification", "b",
                "regression"), 0, 0.5, 3), p);
        assertEquals(List.of("a", "b"), List.copyOf(p.targets().keySet()), "targets in task order");
        assertEquals(new DataShape(2, null), kind.shape(p));
        assertEquals(Map.of("a", TaskData.Kind.CLASSIFICATION, "b", TaskData.Kind.REGRESSION), kind.taskKinds(p, TASKS));
        CsvTaskData.Params all = parse(kind, map("path", "t.csv", "targets", map("a", "regression", "b",
                "regression")), TASKS, out);
        assertNull(kind.shape(all), "every non-target column: the file tells");
        assertEquals(Set.of("dataset.params.path", "dataset.params.targets.a", "dataset.params.targets.b",
                "dataset.params.targets.c", "dataset.params.features[1]", "dataset.params.features[2]",
                "dataset.params.validationFraction", "dataset.params.seed"),
                fields(kind, map("features", Arrays.asList("x", "x", 3), "targets", map("a", "ordinal", "c",
                        "regression"), "validationFraction", 1, "seed", "s"), TASKS));
        assertEquals(Set.of("dataset.params.targets", "dataset.params.testFraction"),
                fields(kind, map("path", "t.csv", "validationFraction", 0.5, "testFraction", 0.5), TASKS));
    }

    @Test
    void idxParametersAreNamed() {
        IdxKind kind = new IdxKind();
        List<Violation> out = new ArrayList<>();
        IdxKind.Params p = parse(kind, map("images", "/d/i", "testImages", "/d/t", "labels", map(
                "a", map("path", "/d/a", "testPath", "/d/ta", "kind", "classification", "classes", 4),
                "b", map("path", "/d/b", "testPath", "/d/tb", "kind", "REGRESSION")), "seed", 9, "standardise", true),
                TASKS, out);
        assertEquals(List.of(), out);
        assertEquals(Path.of("/d/t"), p.testImages());
        assertEquals(new ImageTaskData.LabelSource("a", Path.of("/d/a"), Path.of("/d/ta"), TaskData.Kind.CLASSIFICATION,
                4), p.common().labels().get(0));
        assertEquals(TaskData.Kind.REGRESSION, p.common().labels().get(1).kind());
        assertTrue(p.common().standardise());
        assertEquals(9, p.common().seed());
        assertNull(kind.shape(p), "the image size is in the files");
        assertEquals(Map.of("a", TaskData.Kind.CLASSIFICATION, "b", TaskData.Kind.REGRESSION), kind.taskKinds(p, TASKS));
        assertEquals(Set.of("dataset.params.images", "dataset.params.labels.a.kind", "dataset.params.labels.a.colour",
                "dataset.params.labels.b", "dataset.params.standardise", "dataset.params.testFraction"),
                fields(kind, map("labels", map("a", map("path", "/d/a", "kind", "ordinal", "colour", 1)),
                        "standardise", "yes", "testFraction", 0), TASKS));
        assertEquals(Set.of("dataset.params.labels.a.testPath", "dataset.params.labels.b.classes"),
                fields(kind, map("images", "/d/i", "labels", map("a", map("path", "/d/a", "kind", "classification",
                        "testPath", "/t"), "b", map("path", "/d/b", "kind", "regression", "classes", 3))), TASKS),
                "testPath needs testImages; classes apply to classification");
    }

    @Test
    void imageFolderParametersAreNamed() {
        ImageFolderKind kind = new ImageFolderKind();
        List<Violation> out = new ArrayList<>();
        ImageFolderKind.Params p = parse(kind, map("path", "/d", "width", 40, "height", 28, "labels", map(
                "a", label("/d/a.csv", "classification"), "b", label("/d/b.csv", "regression"))), TASKS, out);
        assertEquals(List.of(), out);
        assertEquals(new DataShape(40 * 28, new int[] {28, 40}).features(), kind.shape(p).features());
        assertArrayEquals(new int[] {28, 40}, kind.shape(p).image(), "rows × cols");
        ImageFolderKind.Params undeclared = parse(kind, map("path", "/d", "labels", map("a", label("/a", "regression"),
                "b", label("/b", "regression"))), TASKS, out);
        assertNull(kind.shape(undeclared), "the first image's size");
        assertEquals(Set.of("dataset.params.path", "dataset.params.width", "dataset.params.height",
                "dataset.params.labels.a.testPath", "dataset.params.labels.b"),
                fields(kind, map("width", 5000, "labels", map("a", map("path", "/a", "kind", "regression", "testPath",
                        "/t"))), TASKS), "no test files in a folder: testPath is unknown");
    }

    @Test
    void theTrainerRefusesWithTheValidatorsWords() {
        Map<String, Object> params = map("targets", map("a", "regression", "b", "ordinal"));
        List<Violation> out = new ArrayList<>();
        DatasetKinds.standard().validate(new StudySpec.DatasetSpec("csv", params), TASKS, out);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetKinds.standard().load(TASKS, new StudySpec.DatasetSpec("csv", params)));
        assertEquals(out.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; ")),
                e.getMessage());
        assertEquals("dataset.params.path is required: the CSV file, as the trainers see it; "
                + "dataset.params.targets.b must be \"classification\" or \"regression\"", e.getMessage());
    }

    @Test
    void aDatasetWithoutKindIsSyntheticAndAnUnknownKindIsNamed() {
        assertNotNull(DatasetKinds.standard().load(TASKS, null));
        assertEquals(20, DatasetKinds.standard().load(TASKS, new StudySpec.DatasetSpec(null, map("samples", 25,
                "dimension", 3))).train().size());
        List<Violation> out = new ArrayList<>();
        DatasetKinds.standard().validate(new StudySpec.DatasetSpec("parquet", Map.of()), TASKS, out);
        assertEquals(List.of(new Violation("dataset.kind", "must be one of [csv, idx, image-folder, multi-fashion, "
                + "synthetic]")), out);
    }
}
