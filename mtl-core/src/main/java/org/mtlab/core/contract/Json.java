package org.mtlab.core.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The one JSON configuration used for every JSON contract, so that all services read and write alike. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            // "1" is no number and 7 is no name: a type mismatch is the submitter's error, not ours to guess
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .findAndAddModules()
            .build();

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String writeString(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    /** Reads a JSON document; a failure names the field path that could not be read. */
    public static <T> T read(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) {
            throw new ContractException(null, "empty record, expected a JSON " + type.getSimpleName());
        }
        try {
            return MAPPER.readValue(bytes, type);
        } catch (JsonMappingException e) {
            throw new ContractException(pathOf(e), withoutLongLiterals(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new ContractException(null, "not valid JSON: " + withoutLongLiterals(e.getMessage()), e);
        }
    }

    public static <T> T read(String text, Class<T> type) {
        return read(text == null ? null : text.getBytes(StandardCharsets.UTF_8), type);
    }

    /** A quoted literal longer than this is not repeated in an error message. */
    static final int MAX_QUOTED_CHARACTERS = 32;
    private static final Pattern LONG_LITERAL = Pattern.compile(
            "\"[^\"]{" + (MAX_QUOTED_CHARACTERS + 1) + ",}\"|'[^']{" + (MAX_QUOTED_CHARACTERS + 1) + ",}'");

    /**
     * Jackson's messages quote the offending input. Error messages reach problem+json bodies, dead letters and log
     * lines, so a long literal (a token or a key pasted into the wrong field) is replaced by its length: it never
     * travels further than the request that carried it.
     */
    static String withoutLongLiterals(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = LONG_LITERAL.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, "(a text of " + (m.group().length() - 2) + " characters)");
        }
        return m.appendTail(out).toString();
    }

    /** Jackson's reference path as a dotted field name, e.g. {@code optimizers[0].learningRate}. */
    public static String pathOf(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        return path.startsWith(".") ? path.substring(1) : (path.isEmpty() ? null : path);
    }
}
