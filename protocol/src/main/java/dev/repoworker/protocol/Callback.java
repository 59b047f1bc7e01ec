package dev.repoworker.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Body the Worker POSTs to {@code callbackUrl}: a finished job ({@code completed} with
 * {@code result} and {@code duration} in milliseconds, or {@code failed} with {@code error}) or a
 * progress report ({@code running} with {@code progress}). The API also takes {@code cancelled}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Callback(
        String jobId,
        String status,
        Map<String, Object> result,
        String error,
        Instant processedAt,
        Long duration,
        Progress progress,
        Integer attempt,
        List<String> logs) {

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String RUNNING = "running";
    /** The original Worker's word for a job it stopped; ours does not send it. */
    public static final String CANCELLED = "cancelled";

    public static Callback completed(
            String jobId, Integer attempt, Map<String, Object> result, Instant processedAt, long durationMs) {
        return new Callback(jobId, COMPLETED, result, null, processedAt, durationMs, null, attempt, null);
    }

    public static Callback failed(String jobId, Integer attempt, String error, Instant processedAt) {
        return new Callback(jobId, FAILED, null, error, processedAt, null, null, attempt, null);
    }

    public static Callback running(String jobId, Integer attempt, Progress progress) {
        return new Callback(jobId, RUNNING, null, null, null, null, progress, attempt, null);
    }

    @JsonIgnore
    public boolean isFinal() {
        return COMPLETED.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
    }
}
