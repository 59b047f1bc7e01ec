package dev.repoworker.api.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.Json;
import java.util.Map;

/** JSON text columns to and from maps. */
final class JsonColumns {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private JsonColumns() {
    }

    static String write(Map<String, Object> value) {
        return value == null ? null : Json.write(value);
    }

    static Map<String, Object> read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON column cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
