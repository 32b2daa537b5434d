package org.mtlab.kafka;

/** A record that can never be processed (as opposed to a transient failure): it goes to the dead-letter topic. */
public class RecordRejectedException extends RuntimeException {
    public RecordRejectedException(String reason) {
        super(reason);
    }

    public RecordRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
