package org.mtlab.core.contract;

import java.util.UUID;

/**
 * An order about a run, on {@link Topics#RUN_CONTROL} keyed by run id (JSON), published by the gateway. Every
 * trainer reads the whole topic (not as a group): whichever trainer holds the run, or receives its request later,
 * acts on it. {@code CANCEL}: stop the run (or never start it) and report it CANCELLED with the reason.
 */
public record RunControl(int schemaVersion, Type type, UUID runId, UUID studyId, String reason, long timestampMs) {

    public static final int SCHEMA_VERSION = 1;
    public static final int MAX_REASON_LENGTH = 1000;

    public enum Type { CANCEL }

    public static RunControl cancel(UUID runId, UUID studyId, String reason) {
        return new RunControl(SCHEMA_VERSION, Type.CANCEL, runId, studyId, reason, System.currentTimeMillis());
    }

    public static RunControl decode(byte[] bytes) {
        RunControl control = Json.read(bytes, RunControl.class);
        if (control.schemaVersion() != SCHEMA_VERSION) {
            throw new ContractException("schemaVersion", "unsupported version " + control.schemaVersion()
                    + ", this reader knows " + SCHEMA_VERSION);
        }
        if (control.type() == null || control.runId() == null || control.studyId() == null) {
            throw new ContractException(control.type() == null ? "type" : control.runId() == null ? "runId" : "studyId",
                    "is required");
        }
        if (control.reason() == null || control.reason().isBlank() || control.reason().length() > MAX_REASON_LENGTH) {
            throw new ContractException("reason", "is required, at most " + MAX_REASON_LENGTH + " characters");
        }
        Violation text = ControlCharacters.check("reason", control.reason(), ControlCharacters.FREE_TEXT);
        if (text != null) {
            throw new ContractException(text.field(), text.message());
        }
        return control;
    }

    public byte[] encode() {
        return Json.write(this);
    }
}
