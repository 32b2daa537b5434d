package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The options of {@code telemetry} (sampling, single-task baseline, gradient space), validated from JSON as sent. */
class TelemetrySpecValidationTest {
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew", "db-mtl", "mgda"));

    private static List<String> violatedFields(String telemetry) {
        return violations("[\"ew\"]", "adam", 64, telemetry).stream().map(Violation::field).toList();
    }

    private static List<Violation> violations(String methods, String optimizer, int batchSize, String telemetry) {
        String json = "{\"name\":\"s\",\"dataset\":{\"kind\":\"synthetic\"},\"tasks\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
                + "\"model\":{\"kind\":\"mlp\",\"hidden\":[8]},\"optimizers\":[{\"name\":\"" + optimizer
                + "\",\"learningRate\":0.001}],\"methods\":" + methods + ",\"seeds\":[1],\"epochs\":2,\"batchSize\":"
                + batchSize + ",\"telemetry\":" + telemetry + "}";
        return VALIDATOR.validate(Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class));
    }

    @Test
    void theGradientSpaceDefaultsToParametersAndAcceptsRepresentation() {
        assertEquals(GradientEvent.Space.PARAMETERS, Json.read("{}", StudySpec.TelemetrySpec.class).gradientSpaceOrDefault());
        assertEquals(GradientEvent.Space.REPRESENTATION, Json.read("{\"gradientSpace\":\"Representation\"}",
                StudySpec.TelemetrySpec.class).gradientSpaceOrDefault());
        assertEquals(List.of(), violatedFields("{\"gradientSpace\":\"parameters\"}"));
        assertEquals(List.of(), violatedFields("{\"gradientSpace\":\"representation\"}"));
        assertEquals(List.of(), violations("[\"ew\",\"mgda\"]", "sgd", 64, "{\"gradientSpace\":\"representation\"}"));
    }

    @Test
    void anUnknownGradientSpaceIsRefusedNamingTheField() {
        List<Violation> v = violations("[\"ew\"]", "adam", 64, "{\"gradientSpace\":\"activations\"}");
        assertEquals(List.of("telemetry.gradientSpace"), v.stream().map(Violation::field).toList());
        assertTrue(v.get(0).message().contains("'activations'"), v.get(0).message());
    }

    @Test
    void representationSpaceRefusesDbMtlAndAdaTaskNamingTheEntry() {
        List<Violation> dbMtl = violations("[\"ew\",\"db-mtl\"]", "adam", 64, "{\"gradientSpace\":\"representation\"}");
        assertEquals(List.of("methods[1]"), dbMtl.stream().map(Violation::field).toList());
        assertTrue(dbMtl.get(0).message().contains("gradientSpace"), dbMtl.get(0).message());
        assertEquals(List.of(), violations("[\"ew\",\"db-mtl\"]", "adam", 64, "{}"), "fine on the parameters");
        List<Violation> adaTask = violations("[\"ew\"]", "adatask", 64, "{\"gradientSpace\":\"representation\"}");
        assertEquals(List.of("optimizers[0].name"), adaTask.stream().map(Violation::field).toList());
    }

    @Test
    void representationSpaceRefusesEveryMethodThatDeclaresItselfParameterSpaceOnly() {
        StudySpecValidator all = new StudySpecValidator(Set.copyOf(org.mtlab.core.methods.MethodRegistry.names()));
        for (String name : org.mtlab.core.methods.MethodRegistry.names()) {
            String json = "{\"name\":\"s\",\"dataset\":{\"kind\":\"synthetic\"},\"tasks\":[{\"name\":\"a\"},"
                    + "{\"name\":\"b\"}],\"model\":{\"kind\":\"mlp\",\"hidden\":[8]},\"optimizers\":[{\"name\":"
                    + "\"adam\",\"learningRate\":0.001}],\"methods\":[\"" + name.toLowerCase(java.util.Locale.ROOT)
                    .replace('-', '_') + "\"],\"seeds\":[1],\"epochs\":2,\"batchSize\":64,"
                    + "\"telemetry\":{\"gradientSpace\":\"representation\"}}";
            List<Violation> v = all.validate(Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class));
            boolean refused = v.stream().anyMatch(x -> x.field().equals("methods[0]"));
            assertEquals(!org.mtlab.core.methods.MethodRegistry.describe(name).worksInRepresentationSpace(), refused,
                    name + ": " + v);
        }
        List<String> parameterSpaceOnly = org.mtlab.core.methods.MethodRegistry.list().stream()
                .filter(info -> !info.worksInRepresentationSpace()).map(info -> info.name()).toList();
        assertEquals(List.of("DB-MTL", "MoCo", "ExcessMTL"), parameterSpaceOnly);
    }

    @Test
    void fullRepresentationGradientsAreLimitedByBatchTimesWidth() {
        // trunk [8]: a representation gradient has batchSize × 8 entries
        assertEquals(List.of(), violations("[\"ew\"]", "adam", 6250, "{\"gradientSpace\":\"representation\","
                + "\"fullGradients\":true}"));
        assertEquals(List.of("telemetry.fullGradients"), violations("[\"ew\"]", "adam", 6251,
                "{\"gradientSpace\":\"representation\",\"fullGradients\":true}").stream().map(Violation::field).toList());
    }

    @Test
    void defaultsAreAnEventEveryTwentyStepsAndABaselineOfEightSamplesOnEveryTenthEvent() {
        assertEquals(20,
                Json.read("{}", StudySpec.TelemetrySpec.class).everyStepsOrDefault());
        StudySpec.TelemetrySpec telemetry = Json.read("{\"everySteps\":2}", StudySpec.TelemetrySpec.class);
        assertEquals(8, telemetry.baselineSamplesOrDefault());
        assertEquals(10, telemetry.baselineEveryOrDefault());
        assertEquals(List.of(), violatedFields("{\"everySteps\":2}"));
    }

    @Test
    void zeroTurnsTheBaselineOffAndOneSampleOrTooManyAreRefused() {
        assertEquals(List.of(), violatedFields("{\"baselineSamples\":0}"));
        assertEquals(List.of(), violatedFields("{\"baselineSamples\":2,\"baselineEvery\":1}"));
        assertEquals(List.of(), violatedFields("{\"baselineSamples\":64}"));
        assertEquals(List.of("telemetry.baselineSamples"), violatedFields("{\"baselineSamples\":1}"));
        assertEquals(List.of("telemetry.baselineSamples"), violatedFields("{\"baselineSamples\":65}"));
        assertEquals(List.of("telemetry.baselineSamples"), violatedFields("{\"baselineSamples\":-3}"));
        assertEquals(List.of("telemetry.baselineEvery"), violatedFields("{\"baselineEvery\":0}"));
    }

    @Test
    void aBaselineTooLargeForOneEventIsRefused() {
        // 2 tasks × 64 samples: 2 × 2080 packed doubles and 2 × 2016 counts, about 50 kB: fine
        assertEquals(List.of(), violatedFields("{\"baselineSamples\":64}"));
        StringBuilder tasks = new StringBuilder("[");
        for (int t = 0; t < 16; t++) {
            tasks.append(t == 0 ? "" : ",").append("{\"name\":\"t").append(t).append("\"}");
        }
        String json = "{\"name\":\"s\",\"dataset\":{\"kind\":\"synthetic\"},\"tasks\":" + tasks + "],"
                + "\"model\":{\"kind\":\"mlp\",\"hidden\":[8]},\"optimizers\":[{\"name\":\"adam\",\"learningRate\":0.001}],"
                + "\"methods\":[\"ew\"],\"seeds\":[1],\"epochs\":2,\"batchSize\":64,\"telemetry\":{\"baselineSamples\":64}}";
        List<String> fields = VALIDATOR.validate(Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class))
                .stream().map(Violation::field).toList();
        assertEquals(List.of("telemetry.baselineSamples"), fields, "16 tasks × 64 samples: about 500 kB per event");
    }
}
