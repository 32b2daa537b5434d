package org.mtlab.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunControlTest {

    @Test
    void aCancelOrderRoundTrips() {
        RunControl order = RunControl.cancel(UUID.randomUUID(), UUID.randomUUID(), "cancelled: wrong dataset");
        assertEquals(order, RunControl.decode(order.encode()));
    }

    @Test
    void malformedOrdersAreRefusedNamingTheField() {
        UUID run = UUID.randomUUID();
        UUID study = UUID.randomUUID();
        assertEquals("schemaVersion", refused("{\"schemaVersion\":2,\"type\":\"CANCEL\",\"runId\":\"" + run
                + "\",\"studyId\":\"" + study + "\",\"reason\":\"r\",\"timestampMs\":1}"));
        assertEquals("runId", refused("{\"schemaVersion\":1,\"type\":\"CANCEL\",\"studyId\":\"" + study
                + "\",\"reason\":\"r\",\"timestampMs\":1}"));
        assertEquals("reason", refused("{\"schemaVersion\":1,\"type\":\"CANCEL\",\"runId\":\"" + run
                + "\",\"studyId\":\"" + study + "\",\"reason\":\" \",\"timestampMs\":1}"));
        assertEquals("reason", refused("{\"schemaVersion\":1,\"type\":\"CANCEL\",\"runId\":\"" + run
                + "\",\"studyId\":\"" + study + "\",\"reason\":\"" + "x".repeat(RunControl.MAX_REASON_LENGTH + 1)
                + "\",\"timestampMs\":1}"));
        assertEquals("reason", refused("{\"schemaVersion\":1,\"type\":\"CANCEL\",\"runId\":\"" + run
                + "\",\"studyId\":\"" + study + "\",\"reason\":\"wrong\\u0000data\",\"timestampMs\":1}"));
        assertEquals("two\nlines", RunControl.decode(("{\"schemaVersion\":1,\"type\":\"CANCEL\",\"runId\":\"" + run
                + "\",\"studyId\":\"" + study + "\",\"reason\":\"two\\nlines\",\"timestampMs\":1}")
                .getBytes(StandardCharsets.UTF_8)).reason(), "free text: a line break is kept");
        assertThrows(ContractException.class, () -> RunControl.decode("{\"type\":".getBytes(StandardCharsets.UTF_8)));
        assertThrows(ContractException.class, () -> RunControl.decode(("{\"schemaVersion\":1,\"type\":\"PAUSE\",\"runId\":\""
                + run + "\",\"studyId\":\"" + study + "\",\"reason\":\"r\",\"timestampMs\":1}").getBytes(StandardCharsets.UTF_8)));
    }

    private static String refused(String json) {
        return assertThrows(ContractException.class, () -> RunControl.decode(json.getBytes(StandardCharsets.UTF_8))).field();
    }
}
