package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtlab.core.contract.StudySpec;

class CsvTaskDataTest {
    @TempDir
    Path dir;

    private Path csv(String content) throws IOException {
        Path file = dir.resolve("data.csv");
        Files.writeString(file, content);
        return file;
    }

    private static StudySpec.DatasetSpec spec(Path file, Object features, Map<String, Object> extra) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("path", file.toString());
        if (features != null) {
            params.put("features", features);
        }
        params.put("targets", Map.of("churn", "classification", "spend", "regression"));
        params.putAll(extra);
        return new StudySpec.DatasetSpec("csv", params);
    }

    private static TaskData load(StudySpec.DatasetSpec spec) {
        return DatasetKinds.standard().load(List.of("churn", "spend"), spec);
    }

    /** 20 rows: a = row index, b = constant 5, churn yes/no alternating, spend = 2·a. */
    private String twentyRows() {
        StringBuilder s = new StringBuilder("a,b,\"churn\",spend\n");
        for (int i = 0; i < 20; i++) {
            s.append(i).append(",5,").append(i % 2 == 0 ? "yes" : "no").append(',').append(2 * i).append('\n');
        }
        return s.toString();
    }

    @Test
    void splitsBySeedAndStandardisesWithTrainingStatisticsOnly() throws IOException {
        Path file = csv(twentyRows());
        CsvTaskData data = (CsvTaskData) load(spec(file, null, Map.of("seed", 4)));
        assertEquals(List.of("a", "b"), data.featureColumns(), "every non-target column is a feature");
        assertEquals(List.of(TaskData.Task.classification("churn", 2), TaskData.Task.regression("spend")), data.tasks());
        assertEquals(List.of("no", "yes"), data.classNames(0));
        CsvTaskData.Part train = (CsvTaskData.Part) data.train();
        CsvTaskData.Part validation = (CsvTaskData.Part) data.validation();
        CsvTaskData.Part test = (CsvTaskData.Part) data.test();
        assertEquals(14, train.size());
        assertEquals(2, validation.size());
        assertEquals(4, test.size());
        Set<Integer> all = new HashSet<>();
        for (CsvTaskData.Part part : List.of(train, validation, test)) {
            for (int row : part.rows()) {
                assertTrue(all.add(row), "row " + row + " in two splits");
            }
        }
        assertEquals(20, all.size());

        // standardisation: mean and population std of column a over the training rows only, computed here
        double mean = 0;
        for (int row : train.rows()) {
            mean += row;
        }
        mean /= 14;
        double var = 0;
        for (int row : train.rows()) {
            var += (row - mean) * (row - mean);
        }
        double std = Math.sqrt(var / 14);
        assertEquals(mean, data.featureMean()[0], 1e-12);
        assertEquals(std, data.featureScale()[0], 1e-12);
        assertEquals(1.0, data.featureScale()[1], "a constant column is only centred");
        float[] x = new float[2];
        for (CsvTaskData.Part part : List.of(train, validation, test)) {
            for (int s = 0; s < part.size(); s++) {
                int row = part.rows()[s];
                part.features(s, x, 0);
                assertEquals((row - mean) / std, x[0], 1e-5);
                assertEquals(0f, x[1]);
                assertEquals(row % 2 == 0 ? 1f : 0f, part.target(0, s), "yes sorts after no");
                assertEquals(2f * row, part.target(1, s), "regression targets keep their units");
            }
        }

        CsvTaskData again = (CsvTaskData) load(spec(file, null, Map.of("seed", 4)));
        assertArrayEquals(test.rows(), ((CsvTaskData.Part) again.test()).rows(), "same seed, same split");
        CsvTaskData other = (CsvTaskData) load(spec(file, null, Map.of("seed", 5)));
        assertTrue(!java.util.Arrays.equals(test.rows(), ((CsvTaskData.Part) other.test()).rows()));
    }

    @Test
    void numericClassesSortByValueAndQuotedFieldsMayHoldCommas() throws IOException {
        Path file = csv("x,note,churn,spend\n1,\"a, b\",10,1\n2,\"say \"\"hi\"\"\",9,2\n3,c,10,3\n4,d,2,4\n5,e,9,5\n");
        CsvTaskData data = (CsvTaskData) load(spec(file, List.of("x"), Map.of("testFraction", 0.2,
                "validationFraction", 0.0)));
        assertEquals(List.of("2", "9", "10"), data.classNames(0));
        assertEquals(3, data.tasks().get(0).classes());
    }

    @Test
    void errorsSayWhatIsWrongAndWhere() throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv("a,churn\n1,yes\n"), null, Map.of())));
        assertTrue(missing.getMessage().contains("no column 'spend'") && missing.getMessage().contains("[a, churn]"),
                missing.getMessage());

        IllegalArgumentException feature = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv(twentyRows()), List.of("a", "age"), Map.of())));
        assertTrue(feature.getMessage().contains("no column 'age'"), feature.getMessage());

        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv("a,churn,spend\n1,yes,2\nfour,no,3\n"), null, Map.of())));
        assertTrue(text.getMessage().contains("line 3, column 'a': 'four' is not a number"), text.getMessage());

        IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv("a,churn,spend\n1,yes,2\n2,no,lots\n"), null, Map.of())));
        assertTrue(target.getMessage().contains("column 'spend': 'lots' is not a number"), target.getMessage());

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv(""), null, Map.of())));
        assertTrue(empty.getMessage().contains("is empty"), empty.getMessage());

        IllegalArgumentException headerOnly = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv("a,churn,spend\n"), null, Map.of())));
        assertTrue(headerOnly.getMessage().contains("no data rows"), headerOnly.getMessage());

        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv("a,churn,spend\n1,yes,2\n,no,3\n"), null, Map.of())));
        assertTrue(blank.getMessage().contains("line 3, column 'a': the value is empty"), blank.getMessage());

        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv("a,churn,spend\n1,yes,2\n2,no\n"), null, Map.of())));
        assertTrue(ragged.getMessage().contains("line 3 has 2 fields, the header 3"), ragged.getMessage());

        IllegalArgumentException oneClass = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv("a,churn,spend\n1,yes,2\n2,yes,3\n"), null, Map.of())));
        assertTrue(oneClass.getMessage().contains("only one class"), oneClass.getMessage());

        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv("a,churn,spend\n1,yes,2\n2,no,3\n"), null, Map.of())));
        assertTrue(tooFew.getMessage().contains("too few"), tooFew.getMessage());

        IllegalStateException noFile = assertThrows(IllegalStateException.class,
                () -> load(spec(dir.resolve("absent.csv"), null, Map.of())));
        assertTrue(noFile.getMessage().contains("absent.csv"), noFile.getMessage());
    }

    @Test
    void anEmptyTargetCellIsAMissingLabelCountedPerSplit() throws IOException {
        StringBuilder text = new StringBuilder("a,churn,spend\n");
        int rows = 40;
        int missingChurn = 0;
        int missingSpend = 0;
        for (int r = 0; r < rows; r++) {
            boolean noChurn = r % 3 == 0;
            boolean noSpend = r % 4 == 1;
            missingChurn += noChurn ? 1 : 0;
            missingSpend += noSpend ? 1 : 0;
            text.append(r).append(',').append(noChurn ? "" : r % 2 == 0 ? "yes" : "no").append(',')
                    .append(noSpend ? " " : String.valueOf(r * 0.5)).append('\n');
        }
        CsvTaskData data = (CsvTaskData) load(spec(csv(text.toString()), null, Map.of()));
        Map<String, Map<String, Integer>> counts = data.labelledCounts();
        assertEquals(List.of("train", "validation", "test"), List.copyOf(counts.keySet()));
        int churn = 0;
        int spend = 0;
        for (Map<String, Integer> split : counts.values()) {
            churn += split.get("churn");
            spend += split.get("spend");
        }
        assertEquals(rows - missingChurn, churn);
        assertEquals(rows - missingSpend, spend);
        // a missing label reads as NaN and only there; the labelled rows keep their values
        TaskData.Split train = data.train();
        int churnTask = data.taskIndex("churn");
        int spendTask = data.taskIndex("spend");
        CsvTaskData.Part part = (CsvTaskData.Part) train;
        for (int s = 0; s < train.size(); s++) {
            int row = part.rows()[s];
            assertEquals(row % 3 == 0, Float.isNaN(train.target(churnTask, s)), "churn of data row " + row);
            if (row % 4 == 1) {
                assertTrue(Float.isNaN(train.target(spendTask, s)));
            } else {
                assertEquals(row * 0.5f, train.target(spendTask, s));
            }
        }
        assertEquals(2, data.tasks().get(churnTask).outputs(), "an empty cell is not a class");
    }

    @Test
    void aTargetWithoutAnyTrainingLabelIsRefusedNamingIt() throws IOException {
        StringBuilder text = new StringBuilder("a,churn,spend\n");
        for (int r = 0; r < 20; r++) {
            text.append(r).append(',').append(r % 2 == 0 ? "yes" : "no").append(",\n");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load(spec(csv(text.toString()), null, Map.of())));
        assertTrue(e.getMessage().contains("target 'spend' has no label in the training split"), e.getMessage());
    }
}
