package org.mtlab.core.contract;

/** A record or document that does not satisfy its contract; {@link #field()} names the offending field. */
public class ContractException extends RuntimeException {
    private final String field;

    public ContractException(String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
    }

    public ContractException(String field, String message, Throwable cause) {
        super(field == null ? message : field + ": " + message, cause);
        this.field = field;
    }

    /** Dotted path of the offending field, or null when the whole record is unreadable. */
    public String field() {
        return field;
    }
}
