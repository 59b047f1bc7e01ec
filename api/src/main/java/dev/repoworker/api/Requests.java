package dev.repoworker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;

/** Reading request bodies and parameters, each complaint a clear 4xx naming the field. */
final class Requests {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Requests() {
    }

    /** The body as text, after checking it is declared JSON; an empty body is allowed when {@code optional}. */
    static String jsonText(Context ctx, boolean optional) {
        String body = ctx.body();
        if (optional && body.isBlank()) {
            return "";
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "the body must be sent as application/json", null);
        }
        return body;
    }

    /** The body as a JSON object; {@code {}} for an empty optional body. */
    static Map<String, Object> object(Context ctx, boolean optional) {
        String text = jsonText(ctx, optional);
        if (text.isBlank()) {
            if (optional) {
                return Map.of();
            }
            throw ApiException.badRequest(null, "the body must be a JSON object");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "invalid_json", "the body is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(null, "the body must be a JSON object");
        }
        return Json.mapper().convertValue(node, MAP);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> objectField(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw ApiException.badRequest(field, field + " must be an object");
        }
        return (Map<String, Object>) value;
    }

    static String textField(Map<String, Object> body, String field, int maxLength) {
        Object value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text) || text.length() > maxLength) {
            throw ApiException.badRequest(field, field + " must be a string of at most " + maxLength + " characters");
        }
        return text.isBlank() ? null : text;
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name, name + " must be a whole number from " + min + " to " + max);
    }
}
