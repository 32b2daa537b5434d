package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonContractsTest {
    static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew"));

    static StudySpec spec() {
        return new StudySpec("demo", new StudySpec.DatasetSpec("synthetic", Map.of("rho", 0.5, "dimension", 20)),
                List.of(new StudySpec.TaskSpec("y1"), new StudySpec.TaskSpec("y2")),
                new StudySpec.ModelSpec("mlp", List.of(16, 16)),
                List.of(new StudySpec.OptimizerSpec("sgd", 0.01, 0.9), new StudySpec.OptimizerSpec("adam", 0.001, null)),
                List.of("ew"), List.of(1L, 2L), 3, 32, new StudySpec.TelemetrySpec(1, true));
    }

    @Test
    void expansionGivesStlPerTaskAndMtlPerMethodForEveryOptimizerAndSeed() {
        List<RunPlan> runs = StudyExpansion.expand(spec());
        assertEquals(2 * 2 * (2 + 1), runs.size());
        assertEquals(runs.size(), StudyExpansion.runCount(spec()));
        assertEquals(8, runs.stream().filter(r -> r.kind() == RunKind.STL).count());
        assertEquals(4, runs.stream().filter(r -> r.kind() == RunKind.MTL).count());
        assertEquals(List.of("y1", "y2"), runs.stream().filter(r -> r.kind() == RunKind.MTL).findFirst().orElseThrow().tasks());
        assertEquals(12, runs.stream().map(RunPlan::label).distinct().count(), "labels identify runs");
    }

    @Test
    void validSpecPassesAndRoundTrips() {
        assertEquals(List.of(), VALIDATOR.validate(spec()));
        StudySpec back = Json.read(Json.write(spec()), StudySpec.class);
        assertEquals(spec(), back);
    }

    @Test
    void violationsNameTheField() {
        StudySpec bad = new StudySpec("", spec().dataset(), List.of(new StudySpec.TaskSpec("y1")), spec().model(),
                List.of(new StudySpec.OptimizerSpec("rmsprop", 0.1, null), new StudySpec.OptimizerSpec("adam", -1.0, null)),
                List.of("nope"), List.of(1L, 1L), 0, 32, null);
        List<String> fields = VALIDATOR.validate(bad).stream().map(Violation::field).toList();
        assertTrue(fields.containsAll(List.of("name", "tasks", "optimizers[0].name", "optimizers[1].learningRate",
                "methods[0]", "seeds[1]", "epochs")), fields.toString());
        assertTrue(VALIDATOR.validate(bad).stream().anyMatch(v -> v.message().contains("known: [ew]")));
    }

    @Test
    void fullGradientsAreGuardedByModelSize() {
        StudySpec big = new StudySpec("big", new StudySpec.DatasetSpec("synthetic", Map.of("dimension", 1000)),
                spec().tasks(), new StudySpec.ModelSpec("mlp", List.of(512)), spec().optimizers(), List.of("ew"),
                List.of(1L), 1, 32, new StudySpec.TelemetrySpec(1, true));
        assertEquals(List.of("telemetry.fullGradients"), VALIDATOR.validate(big).stream().map(Violation::field).toList());
        assertEquals(1000L * 512 + 512, StudySpecValidator.sharedParameterCount(big));
    }

    @Test
    void unreadableJsonNamesThePath() {
        ContractException e = assertThrows(ContractException.class, () -> Json.read(
                "{\"name\":\"x\",\"optimizers\":[{\"name\":\"sgd\",\"learningRate\":\"fast\"}]}", StudySpec.class));
        assertEquals("optimizers[0].learningRate", e.field());
        assertEquals("colour", assertThrows(ContractException.class,
                () -> Json.read("{\"colour\":1}", StudySpec.class)).field());
        assertThrows(ContractException.class, () -> Json.read("{not json", StudySpec.class));
        // no guessing of types: a number is no name, a string no number
        assertEquals("name", assertThrows(ContractException.class, () -> Json.read("{\"name\":7}", StudySpec.class)).field());
        assertEquals("name", assertThrows(ContractException.class, () -> Json.read("{\"name\":true}", StudySpec.class)).field());
        assertEquals("epochs", assertThrows(ContractException.class, () -> Json.read("{\"epochs\":\"3\"}", StudySpec.class)).field());
        assertThrows(ContractException.class, () -> Json.read(new byte[0], StudySpec.class));
    }

    @Test
    void trainingRequestRoundTripsAndRefusesUnknownVersions() {
        RunPlan plan = StudyExpansion.expand(spec()).get(0);
        TrainingRequest request = TrainingRequest.of(UUID.randomUUID(), UUID.randomUUID(), plan, spec());
        assertEquals(request, TrainingRequest.decode(request.encode()));
        String json = new String(request.encode(), StandardCharsets.UTF_8).replace("\"schemaVersion\":1", "\"schemaVersion\":7");
        assertEquals("schemaVersion", assertThrows(ContractException.class,
                () -> TrainingRequest.decode(json.getBytes(StandardCharsets.UTF_8))).field());
        String noRun = new String(request.encode(), StandardCharsets.UTF_8).replaceFirst("\"runId\":\"[^\"]+\",", "");
        assertEquals("runId", assertThrows(ContractException.class,
                () -> TrainingRequest.decode(noRun.getBytes(StandardCharsets.UTF_8))).field());
    }

    @Test
    void runEventsRoundTripAndCheckTheirPayload() {
        TrainingRequest r = TrainingRequest.of(UUID.randomUUID(), UUID.randomUUID(), StudyExpansion.expand(spec()).get(0), spec());
        RunEvent eval = RunEvent.eval(r, 10, 100, 1, List.of(new RunEvent.Metric("y1", "test", "mse", 0.25, false)));
        assertEquals(eval, RunEvent.decode(eval.encode()));
        RunEvent started = RunEvent.started(r, 100, new RunEvent.RunDescriptor(RunKind.STL, List.of("y1"), "sgd", 0.01,
                "stl", 1, List.of("trunk.0", "trunk.1"), 100, "cpu"));
        assertEquals(started, RunEvent.decode(started.encode()));
        RunEvent failed = RunEvent.failed(r, "boom");
        assertEquals("boom", RunEvent.decode(failed.encode()).message());
        String broken = new String(eval.encode(), StandardCharsets.UTF_8).replace("0.25", "\"NaN\"");
        assertThrows(ContractException.class, () -> RunEvent.decode(broken.getBytes(StandardCharsets.UTF_8)));
        String missing = new String(eval.encode(), StandardCharsets.UTF_8).replaceFirst(",\"metrics\":\\[[^\\]]*\\]", "");
        assertEquals("metrics", assertThrows(ContractException.class,
                () -> RunEvent.decode(missing.getBytes(StandardCharsets.UTF_8))).field());
    }

    @Test
    void aDeadLetterIsReadFromTheConnectorsHeadersAndKeepsTheOriginalBytes() {
        byte[] original = {0, 1, 2, (byte) 0xff};
        Map<String, String> headers = Map.of(DeadLetter.TOPIC, Topics.GRADIENTS, DeadLetter.PARTITION, "3",
                DeadLetter.OFFSET, "42", DeadLetter.REASON, "truncated", DeadLetter.CONSUMER, "analysis");
        DeadLetter letter = DeadLetter.read("run-1", original, headers::get);
        assertEquals(new DeadLetter(Topics.GRADIENTS, 3, 42, "run-1", new byte[] {0, 1, 2, (byte) 0xff}, "truncated",
                null, "analysis"), letter);
        assertEquals(List.of((byte) 0, (byte) 1, (byte) 2, (byte) 0xff), List.of(letter.originalValue()[0],
                letter.originalValue()[1], letter.originalValue()[2], letter.originalValue()[3]));
        // a record without the headers is no dead letter: the missing header is named
        assertEquals(DeadLetter.REASON, assertThrows(ContractException.class, () -> DeadLetter.read("k", original,
                Map.of(DeadLetter.TOPIC, "t", DeadLetter.PARTITION, "0", DeadLetter.OFFSET, "1")::get)).field());
        assertEquals(DeadLetter.OFFSET, assertThrows(ContractException.class, () -> DeadLetter.read("k", original,
                Map.of(DeadLetter.TOPIC, "t", DeadLetter.PARTITION, "0", DeadLetter.OFFSET, "x",
                        DeadLetter.REASON, "r")::get)).field());
    }

    /** A token pasted into the wrong field is refused by name and length, never repeated (it would reach logs). */
    @Test
    void errorsNameTheFieldButNeverRepeatALongLiteral() {
        String secret = "eyJhbGciOiJSUzI1NiJ9." + "x".repeat(60);
        ContractException typeError = assertThrows(ContractException.class,
                () -> Json.read("{\"name\":\"s\",\"epochs\":\"" + secret + "\"}", StudySpec.class));
        assertEquals("epochs", typeError.field());
        assertTrue(!typeError.getMessage().contains(secret) && !typeError.getMessage().contains("x".repeat(33)),
                typeError.getMessage());
        assertTrue(typeError.getMessage().contains("(a text of " + secret.length() + " characters)"), typeError.getMessage());
        ContractException syntaxError = assertThrows(ContractException.class,
                () -> Json.read("{\"name\": " + secret.replace(".", "") + "}", StudySpec.class));
        assertTrue(!syntaxError.getMessage().contains("x".repeat(33)), syntaxError.getMessage());
        // a short literal still helps the submitter
        ContractException shortOne = assertThrows(ContractException.class,
                () -> Json.read("{\"name\":\"s\",\"epochs\":\"ten\"}", StudySpec.class));
        assertTrue(shortOne.getMessage().contains("\"ten\""), shortOne.getMessage());
    }
}
