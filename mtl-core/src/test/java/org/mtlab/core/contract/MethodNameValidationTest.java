package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A study's method names are compared by the registry's canonical names: any spelling, no duplicates by spelling. */
class MethodNameValidationTest {
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew", "mgda", "nash-mtl",
            "upgrad", "cr-mogm", "db-mtl"));

    private static List<Violation> methods(String methods) {
        return VALIDATOR.validate(Json.read("{\"name\":\"s\",\"dataset\":{\"kind\":\"synthetic\"},\"tasks\":[{\"name\":"
                + "\"a\"},{\"name\":\"b\"}],\"model\":{\"kind\":\"mlp\",\"hidden\":[8]},\"optimizers\":[{\"name\":"
                + "\"adam\",\"learningRate\":0.001}],\"methods\":" + methods + ",\"seeds\":[1],\"epochs\":2,"
                + "\"batchSize\":64}", StudySpec.class));
    }

    @Test
    void anySpellingTheMethodsApiAcceptsIsAcceptedHere() {
        assertEquals(List.of(), methods("[\"nash_mtl\", \"EW\", \"Db_Mtl\", \"CR-MOGM\", \"cr_mogm:upgrad\"]"));
        assertEquals(List.of(), methods("[\"NASHMTL\", \"cr_mogm:nash_mtl\"]"));
    }

    @Test
    void duplicatesAreFoundByCanonicalName() {
        List<Violation> v = methods("[\"nash_mtl\", \"Nash-MTL\"]");
        assertEquals(List.of("methods[1]"), v.stream().map(Violation::field).toList());
        assertTrue(v.get(0).message().contains("duplicate") && v.get(0).message().contains("Nash-MTL"),
                v.get(0).message());
        assertEquals(List.of("methods[1]"), methods("[\"cr-mogm\", \"cr_mogm:mgda\"]").stream().map(Violation::field)
                .toList(), "CR-MOGM smooths MGDA unless told otherwise");
    }

    @Test
    void unknownOrNotAllowedMethodsAreRefusedNamingTheEntry() {
        // GradDrop exists but this validator does not know it; CR-MOGM wraps Gram-based methods only; PCGrad unknown here
        for (String refused : List.of("graddrop", "magic", "cr_mogm:ew", "cr_mogm:pcgrad", "nash mtl")) {
            List<Violation> v = methods("[\"ew\", \"" + refused + "\"]");
            assertEquals(List.of("methods[1]"), v.stream().map(Violation::field).toList(), refused);
            assertTrue(v.get(0).message().contains("known: ["), v.get(0).message());
        }
    }
}
