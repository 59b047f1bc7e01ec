package dev.repoworker.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import io.javalin.http.Context;
import java.util.Map;

/** Reading request bodies and parameters, each complaint a clear 4xx naming the field. */
final class Requests {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private Requests() {}

    /** The body as text, after checking it is declared JSON; an empty body is allowed when {@code optional}. */
    static String jsonText(Context ctx, boolean optional) {
        if (optional && ctx.body().isBlank()) {
            return "";
        }
        requireJson(ctx);
        return strictText(ctx);
    }

    /** 415 unless the body is declared {@code application/json} (in UTF-8). */
    static void requireJson(Context ctx) {
        if (!Json.isJsonContentType(ctx.contentType())) {
            throw new ApiException(
                    415,
                    "unsupported_media_type",
                    "the body must be sent as application/json (in UTF-8)",
                    "Content-Type");
        }
    }

    /** The body decoded strictly as UTF-8: malformed bytes are a 400, never silently replaced. */
    static String strictText(Context ctx) {
        try {
            return Json.decodeUtf8(ctx.bodyAsBytes());
        } catch (Json.InvalidJsonException e) {
            throw new ApiException(400, "invalid_json", e.getMessage(), "body");
        }
    }

    /** The body as a JSON object; {@code {}} for an empty optional body. */
    static Map<String, Object> object(Context ctx, boolean optional) {
        String text = jsonText(ctx, optional);
        if (optional && text.isEmpty()) {
            return Map.of();
        }
        return object(text);
    }

    /** {@code text} as a JSON object, parsed with the limits for untrusted input; a 400 naming the problem otherwise. */
    static Map<String, Object> object(String text) {
        JsonNode node;
        try {
            node = Json.parseUntrusted(text);
        } catch (Json.InvalidJsonException e) {
            throw new ApiException(400, "invalid_json", e.getMessage(), e.field() == null ? "body" : e.field());
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("body", "the body must be a JSON object");
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
        if (!(value instanceof String text) || text.length() > maxLength || hasControlCharacters(text)) {
            throw ApiException.badRequest(
                    field,
                    field + " must be a string of at most " + maxLength + " characters, without control characters");
        }
        return text.isBlank() ? null : text;
    }

    /** Control characters (NUL, line breaks, escapes) have no place in keys and names, and PostgreSQL refuses NUL in text. */
    static boolean hasControlCharacters(String text) {
        return text.chars().anyMatch(Character::isISOControl);
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
