package dev.repoworker.worker.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.worker.WorkerError;
import java.util.OptionalInt;

/** The optional body of {@code POST /jobs/{jobId}/cancel}: {@code {"attempt": n}} cancels attempts up to n, else every attempt. */
public record CancelRequest(OptionalInt attempt) {

    public static CancelRequest parse(String body) {
        if (body == null || body.isBlank()) {
            return new CancelRequest(OptionalInt.empty());
        }
        JsonNode tree;
        try {
            tree = Json.parseUntrusted(body);
        } catch (Json.InvalidJsonException e) {
            throw new WorkerError(400, e.getMessage(), e.field() == null ? "body" : e.field());
        }
        if (!tree.isObject()) {
            throw new WorkerError(400, "body must be empty or a JSON object {attempt}", "body");
        }
        JsonNode attempt = tree.get("attempt");
        if (attempt == null || attempt.isNull()) {
            return new CancelRequest(OptionalInt.empty());
        }
        if (!attempt.isIntegralNumber() || !attempt.canConvertToInt() || attempt.intValue() < 1) {
            throw new WorkerError(400, "attempt must be a whole number, 1 or more", "attempt");
        }
        return new CancelRequest(OptionalInt.of(attempt.intValue()));
    }
}
