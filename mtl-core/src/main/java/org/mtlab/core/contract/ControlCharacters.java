package org.mtlab.core.contract;

import java.util.List;
import java.util.Map;

/**
 * Control characters (Unicode category Cc: U+0000–U+001F and U+007F–U+009F) in text a user sends. PostgreSQL refuses
 * U+0000 in any text column (SQLState 22021), so a name carrying one can never be stored; the others are stored, but
 * they end up in log lines, dead letters and the dashboard, where they rewrite what an operator sees (ESC sequences
 * in a terminal, a carriage return overwriting a log line). They are refused where the text enters, naming the field.
 *
 * <p>Decision on tab and line breaks: names, identifiers, kinds and file paths are single-line values, so every
 * control character is refused there ({@link #NAME}). Free text — the reason of a cancellation, a message — may
 * span lines: {@link #FREE_TEXT} accepts {@code \t}, {@code \n} and {@code \r} (a browser's text area sends CRLF) and
 * refuses the rest. The study spec has no free-text field; every text in it is a name.
 */
public final class ControlCharacters {
    /** Single-line text: no control character at all. */
    public static final boolean NAME = false;
    /** Free text: tab, line feed and carriage return allowed. */
    public static final boolean FREE_TEXT = true;

    private ControlCharacters() {
    }

    /** Whether {@code c} is in Unicode category Cc. */
    public static boolean isControl(char c) {
        return c <= 0x1F || (c >= 0x7F && c <= 0x9F);
    }

    /** Index of the first refused control character in {@code text}, or -1 when there is none (or no text). */
    public static int firstRefused(String text, boolean freeText) {
        if (text == null) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c) && !(freeText && (c == '\t' || c == '\n' || c == '\r'))) {
                return i;
            }
        }
        return -1;
    }

    /** The violation for {@code field} when {@code text} holds a refused control character, else null. */
    public static Violation check(String field, String text, boolean freeText) {
        int at = firstRefused(text, freeText);
        if (at < 0) {
            return null;
        }
        return new Violation(field, "must not contain control characters"
                + (freeText ? " other than tab and line breaks" : "") + ": " + codePoint(text.charAt(at))
                + " at position " + at);
    }

    /** Adds the violation of {@link #check} to {@code out} when there is one; true when it did. */
    public static boolean check(String field, String text, boolean freeText, List<Violation> out) {
        Violation v = check(field, text, freeText);
        if (v != null) {
            out.add(v);
        }
        return v != null;
    }

    /**
     * Every string in a JSON-like value (maps, lists, strings; map keys too), under {@code field}: a key with a
     * control character is named with the character escaped ({@code dataset.params.a\u0000b}), so that the field
     * path itself is printable.
     */
    public static void checkTree(String field, Object value, List<Violation> out) {
        if (value instanceof String s) {
            check(field, s, NAME, out);
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String path = field + "." + printable(key);
                int at = firstRefused(key, NAME);
                if (at >= 0) {
                    out.add(new Violation(path, "the parameter name must not contain control characters: "
                            + codePoint(key.charAt(at)) + " at position " + at));
                }
                checkTree(path, entry.getValue(), out);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkTree(field + "[" + i + "]", list.get(i), out);
            }
        }
    }

    /** {@code text} with each control character written as {@code \}{@code uXXXX}. */
    public static String printable(String text) {
        if (firstRefused(text, NAME) < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }
}
