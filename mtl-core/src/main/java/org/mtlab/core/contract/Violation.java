package org.mtlab.core.contract;

/** One reason a document is invalid: the dotted path of the field and what is wrong with it. */
public record Violation(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
