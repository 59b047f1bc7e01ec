package dev.repoworker.api.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.JobIds;
import dev.repoworker.protocol.Json;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a callback body, naming the first field that is missing or of the wrong kind. Lenient where the
 * original Worker differs: {@code output} stands for {@code result}, {@code cancelled} is a status, and
 * {@code logs} may be objects ({@link CallbackLogs}).
 */
final class CallbackParser {

    private static final List<String> STATUSES =
            List.of(Callback.COMPLETED, Callback.FAILED, Callback.RUNNING, Callback.CANCELLED);

    /** A callback as read from the network, with its logs in either form. */
    record Parsed(Callback callback, CallbackLogs.Lines logs) {}
    /** Times the job store can hold as epoch milliseconds, and any real job has. */
    private static final Instant EARLIEST = Instant.EPOCH;

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private CallbackParser() {}

    static Parsed parse(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidInputException("body", "the body must be a JSON object");
        }
        requireText(node, "jobId");
        if (!JobIds.isValid(node.get("jobId").asText())) {
            throw new InvalidInputException("jobId", "jobId " + JobIds.RULE);
        }
        requireText(node, "status");
        String status = node.get("status").asText();
        if (!STATUSES.contains(status)) {
            throw new InvalidInputException("status", "status must be one of " + String.join(", ", STATUSES));
        }
        if (node.has("attempt")
                && !(isWhole(node.get("attempt"))
                        && node.get("attempt").canConvertToInt()
                        && node.get("attempt").asInt() >= 1)) {
            throw new InvalidInputException("attempt", "attempt must be a whole number of at least 1");
        }
        if (node.hasNonNull("result") && !node.get("result").isObject()) {
            throw new InvalidInputException("result", "result must be an object");
        }
        if (node.hasNonNull("output") && !node.get("output").isObject()) {
            throw new InvalidInputException(
                    "output", "output (the original Worker's name for result) must be an object");
        }
        if (Callback.FAILED.equals(status)) {
            requireText(node, "error");
        } else if (node.hasNonNull("error") && !node.get("error").isTextual()) {
            throw new InvalidInputException("error", "error must be a string");
        }
        if (node.hasNonNull("duration") && !isWholeNonNegative(node.get("duration"))) {
            throw new InvalidInputException("duration", "duration must be a whole number of milliseconds");
        }
        if (node.hasNonNull("processedAt") && !node.get("processedAt").isTextual()) {
            throw new InvalidInputException(
                    "processedAt", "processedAt must be an ISO-8601 time such as 2030-01-01T00:00:00Z");
        }
        checkProgress(node.get("progress"));
        CallbackLogs.Lines logs = CallbackLogs.read(node.get("logs"));
        Callback callback = toCallback(withoutLogsAndOutput((ObjectNode) node));
        if (callback.processedAt() != null
                && (callback.processedAt().isBefore(EARLIEST)
                        || callback.processedAt().isAfter(LATEST))) {
            throw new InvalidInputException("processedAt", "processedAt must be a time between 1970 and 9999");
        }
        return new Parsed(callback, logs);
    }

    /** A shallow copy that maps onto {@link Callback}: {@code output} as {@code result} when there is none, no {@code logs}. */
    private static ObjectNode withoutLogsAndOutput(ObjectNode node) {
        ObjectNode copy = Json.mapper().createObjectNode();
        copy.setAll(node);
        copy.remove("logs");
        JsonNode output = copy.remove("output");
        if (!copy.hasNonNull("result") && output != null && !output.isNull()) {
            copy.set("result", output);
        }
        return copy;
    }

    private static void checkProgress(JsonNode progress) {
        if (progress == null || progress.isNull()) {
            return;
        }
        if (!progress.isObject()) {
            throw new InvalidInputException("progress", "progress must be an object");
        }
        for (String field : new String[] {"step", "message"}) {
            if (progress.hasNonNull(field) && !progress.get(field).isTextual()) {
                throw new InvalidInputException("progress." + field, "progress." + field + " must be a string");
            }
        }
        for (String field : new String[] {"done", "total"}) {
            if (progress.hasNonNull(field) && !isWholeNonNegative(progress.get(field))) {
                throw new InvalidInputException(
                        "progress." + field, "progress." + field + " must be a whole number of at least 0");
            }
        }
    }

    private static Callback toCallback(JsonNode node) {
        try {
            return Json.mapper().treeToValue(node, Callback.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                    .collect(Collectors.joining("."));
            throw new InvalidInputException(
                    field.isEmpty() ? "body" : field, (field.isEmpty() ? "the body" : field) + " has the wrong type");
        } catch (JsonProcessingException | RuntimeException e) {
            // the parser's own words name Java classes
            throw new InvalidInputException("body", "the body is not a valid callback");
        }
    }

    private static boolean isWhole(JsonNode value) {
        return value != null && value.isIntegralNumber();
    }

    private static boolean isWholeNonNegative(JsonNode value) {
        return isWhole(value) && value.canConvertToLong() && value.asLong() >= 0;
    }

    private static void requireText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null
                || value.isNull()
                || !value.isTextual()
                || value.asText().isBlank()) {
            throw new InvalidInputException(field, field + " is required and must be a non-empty string");
        }
    }
}
