package io.weir.cluster.zk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A JSON value read with jackson-core's streaming parser into plain Java values: {@code Map<String,
 * Object>} (members in document order; a repeated name keeps its first position and its last
 * value), {@code List<Object>}, {@code String}, {@code Integer}, {@code Long} or {@code BigInteger}
 * (the smallest that holds the number), {@code Double}, {@code Boolean}, and {@code null} for JSON
 * null. The accessors convert as jackson-databind's {@code JsonNode} did ({@code asText},
 * iteration), which is what the znode decoders accepted when they were written on databind.
 * Stateless and thread-safe.
 */
final class JsonTree {

    private JsonTree() {
    }

    /** Reads the value that starts at the parser's current token, up to its last token. */
    static Object read(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        if (token == null) {
            throw new JsonParseException(p, "unexpected end of input");
        }
        return switch (token) {
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> readArray(p);
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(p, "unexpected token " + token);
        };
    }

    /** Reads the object that starts at the parser's current token ({@code START_OBJECT}). */
    static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> members = new LinkedHashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            members.put(name, read(p));
        }
        return members;
    }

    private static List<Object> readArray(JsonParser p) throws IOException {
        List<Object> elements = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            elements.add(read(p));
        }
        return elements;
    }

    /** The members of an object; none for any other value. */
    @SuppressWarnings("unchecked") // read() builds every object as a Map<String, Object>
    static Map<String, Object> members(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    /** The elements of an array, the member values of an object, none for any other value. */
    static Collection<?> elements(Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        return value instanceof Map<?, ?> map ? map.values() : List.of();
    }

    /** A scalar's text ({@code "null"} for null, numbers in Java's notation); "" for an array or object. */
    static String asText(Object value) {
        return value instanceof Collection || value instanceof Map ? "" : String.valueOf(value);
    }
}
