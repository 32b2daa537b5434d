package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The single-task baseline options of {@code telemetry}, validated from JSON as sent. */
class TelemetrySpecValidationTest {
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(Set.of("ew"));

    private static List<String> violatedFields(String telemetry) {
        String json = "{\"name\":\"s\",\"dataset\":{\"kind\":\"synthetic\"},\"tasks\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
                + "\"model\":{\"kind\":\"mlp\",\"hidden\":[8]},\"optimizers\":[{\"name\":\"adam\",\"learningRate\":0.001}],"
                + "\"methods\":[\"ew\"],\"seeds\":[1],\"epochs\":2,\"batchSize\":64,\"telemetry\":" + telemetry + "}";
        return VALIDATOR.validate(Json.read(json.getBytes(StandardCharsets.UTF_8), StudySpec.class)).stream()
                .map(Violation::field).toList();
    }

    @Test
    void baselineDefaultsToEightSamplesOnEveryTwentiethEvent() {
        StudySpec.TelemetrySpec telemetry = Json.read("{\"everySteps\":2}", StudySpec.TelemetrySpec.class);
        assertEquals(8, telemetry.baselineSamplesOrDefault());
        assertEquals(20, telemetry.baselineEveryOrDefault());
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
