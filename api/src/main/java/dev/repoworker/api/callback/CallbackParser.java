package dev.repoworker.api.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a callback body, naming the first field that is missing or of the wrong kind. */
final class CallbackParser {

    private static final List<String> STATUSES = List.of(Callback.COMPLETED, Callback.FAILED, Callback.RUNNING);

    private CallbackParser() {
    }

    static Callback parse(String body) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(null, "the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(null, "the body must be a JSON object");
        }
        requireText(node, "jobId");
        requireText(node, "status");
        String status = node.get("status").asText();
        if (!STATUSES.contains(status)) {
            throw new InvalidInputException("status", "status must be one of " + String.join(", ", STATUSES));
        }
        if (node.has("attempt") && !(node.get("attempt").isIntegralNumber() && node.get("attempt").asInt() >= 1)) {
            throw new InvalidInputException("attempt", "attempt must be a whole number of at least 1");
        }
        if (node.hasNonNull("result") && !node.get("result").isObject()) {
            throw new InvalidInputException("result", "result must be an object");
        }
        if (Callback.FAILED.equals(status)) {
            requireText(node, "error");
        }
        if (node.hasNonNull("progress") && !node.get("progress").isObject()) {
            throw new InvalidInputException("progress", "progress must be an object");
        }
        if (node.hasNonNull("duration") && !(node.get("duration").isNumber() && node.get("duration").asLong() >= 0)) {
            throw new InvalidInputException("duration", "duration must be a number of milliseconds");
        }
        try {
            return Json.mapper().treeToValue(node, Callback.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                    .collect(Collectors.joining("."));
            throw new InvalidInputException(field, (field.isEmpty() ? "the body" : field) + " has the wrong type");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(null, "the body is not a valid callback");
        }
    }

    private static void requireText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidInputException(field, field + " is required and must be a non-empty string");
        }
    }
}
