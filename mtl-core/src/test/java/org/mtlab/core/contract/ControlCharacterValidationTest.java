package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Control characters in any text of a spec are refused, naming the field; ordinary Unicode is not. */
class ControlCharacterValidationTest {
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew"));
    private static final String SPEC = """
            {"name":"NAME","dataset":{"kind":"csv","params":{"path":"/data/PATH.csv","targets":{"a":"regression","b":"regression"}}},
             "tasks":[{"name":"a"},{"name":"b"}],"model":{"kind":"mlp","hidden":[8]},
             "optimizers":[{"name":"sgd","learningRate":0.01}],"methods":["ew"],"seeds":[1],"epochs":2,"batchSize":16}""";

    /** Validates the spec as sent over JSON, with {@code name} and {@code path} put in (JSON-escaped). */
    private static List<Violation> validate(String name, String path) {
        String json = SPEC.replace("NAME", name).replace("PATH", path);
        return VALIDATOR.validate(Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class));
    }

    @Test
    void aValidSpecWithUnicodeNamesPasses() {
        assertEquals(List.of(), validate("Étude — 多任务 ✓", "données"));
    }

    @Test
    void nulAndOtherControlCharactersInTheNameAreRefusedNamingTheField() {
        for (String escaped : List.of("\\u0000", "\\u0001", "\\t", "\\n", "\\r", "\\u001b[31m", "\\u007f", "\\u0085", "\\u009f")) {
            List<Violation> v = validate("demo" + escaped + "x", "train");
            assertEquals(1, v.size(), escaped + ": " + v);
            assertEquals("name", v.get(0).field());
            assertTrue(v.get(0).message().contains("control characters") && v.get(0).message().contains("position 4"),
                    v.get(0).message());
        }
        assertTrue(validate("a\\u0000", "train").get(0).message().contains("U+0000"));
    }

    @Test
    void theCharactersAroundTheControlRangesAreAccepted() {
        // U+0020 (space), U+007E (~), U+00A0 (no-break space) border the refused ranges
        assertEquals(List.of(), validate("a b~\\u00a0c", "train"));
    }

    @Test
    void everyTextOfTheSpecIsChecked() {
        List<Violation> path = validate("demo", "tr\\u0000ain");
        assertEquals(List.of("dataset.params.path"), path.stream().map(Violation::field).toList());
        String json = SPEC.replace("NAME", "demo").replace("PATH", "x")
                .replace("{\"name\":\"a\"}", "{\"name\":\"a\\u0000\"}")
                .replace("\"ew\"]", "\"e\\u0007w\"]")
                .replace("\"mlp\"", "\"ml\\u0000p\"")
                .replace("\"csv\"", "\"c\\u0000sv\"")
                .replace("\"sgd\"", "\"s\\u0000gd\"")
                .replace("\"regression\",\"b\"", "\"regression\",\"b\\u0000\"");
        List<Violation> v = VALIDATOR.validate(Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class));
        assertEquals(Set.of("tasks[0].name", "methods[0]", "model.kind", "dataset.kind", "optimizers[0].name",
                "dataset.params.targets.b\\u0000"), Set.copyOf(v.stream().map(Violation::field).toList()), v.toString());
        assertTrue(v.stream().allMatch(x -> ControlCharacters.firstRefused(x.field(), ControlCharacters.NAME) < 0),
                "every field path is printable: " + v);
    }

    @Test
    void freeTextAcceptsTabAndLineBreaksOnly() {
        assertNull(ControlCharacters.check("reason", "line 1\r\n\tline 2", ControlCharacters.FREE_TEXT));
        assertEquals("reason", ControlCharacters.check("reason", "a\u0000", ControlCharacters.FREE_TEXT).field());
        assertEquals("reason", ControlCharacters.check("reason", "a\u001b[2J", ControlCharacters.FREE_TEXT).field());
        assertEquals("name", ControlCharacters.check("name", "a\tb", ControlCharacters.NAME).field());
        assertNull(ControlCharacters.check("name", null, ControlCharacters.NAME));
        assertEquals("a\\u0000b\\u001b", ControlCharacters.printable("a\u0000b\u001b"));
    }
}
