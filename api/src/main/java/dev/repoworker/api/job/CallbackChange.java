package dev.repoworker.api.job;

import java.time.Instant;
import java.util.Map;

/**
 * A verified callback as the store applies it: the job's next state (completed, failed or running) for
 * {@code attempt} (null: whatever attempt is current, the original Worker's form), the event that records it,
 * and the webhook id to remember (null for the bearer form and trusted in-process callbacks).
 */
public record CallbackChange(String jobId, Integer attempt, JobStatus target, Map<String, Object> result, String error,
                             Instant processedAt, Long durationMs, Instant leaseUntil, JobEvent event,
                             String messageId, Instant messageExpiresAt, Instant now) {

    /** What became of one callback. */
    public enum Kind { APPLIED, IGNORED, UNKNOWN_JOB, REPLAYED }

    /** {@code task} and {@code attempt} are the job's when it is known (for logs and metrics). */
    public record Verdict(Kind kind, String reason, String task, int attempt) {
    }
}
