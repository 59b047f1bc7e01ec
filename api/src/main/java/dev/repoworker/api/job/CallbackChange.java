package dev.repoworker.api.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A verified callback as the store applies it: the job's next state (completed, failed, cancelled or running)
 * for {@code attempt} (null: whatever attempt is current, the original Worker's form), the event that records it
 * and the events of its log lines (stored only when it applies), and the webhook id to remember (null for the
 * bearer and token forms and trusted in-process callbacks).
 */
public record CallbackChange(
        String jobId,
        Integer attempt,
        JobStatus target,
        Map<String, Object> result,
        String error,
        Instant processedAt,
        Long durationMs,
        Instant leaseUntil,
        JobEvent event,
        String messageId,
        Instant messageExpiresAt,
        Instant now,
        List<JobEvent> logEvents) {

    public CallbackChange {
        logEvents = logEvents == null ? List.of() : List.copyOf(logEvents);
    }

    public CallbackChange(
            String jobId,
            Integer attempt,
            JobStatus target,
            Map<String, Object> result,
            String error,
            Instant processedAt,
            Long durationMs,
            Instant leaseUntil,
            JobEvent event,
            String messageId,
            Instant messageExpiresAt,
            Instant now) {
        this(
                jobId,
                attempt,
                target,
                result,
                error,
                processedAt,
                durationMs,
                leaseUntil,
                event,
                messageId,
                messageExpiresAt,
                now,
                List.of());
    }

    /** The callback's event, then its log lines' events. */
    public List<JobEvent> events() {
        List<JobEvent> all = new java.util.ArrayList<>(logEvents.size() + 1);
        all.add(event);
        all.addAll(logEvents);
        return all;
    }

    /** What became of one callback. */
    public enum Kind {
        APPLIED,
        IGNORED,
        UNKNOWN_JOB,
        REPLAYED
    }

    /** {@code task} and {@code attempt} are the job's when it is known (for logs and metrics). */
    public record Verdict(Kind kind, String reason, String task, int attempt) {}
}
