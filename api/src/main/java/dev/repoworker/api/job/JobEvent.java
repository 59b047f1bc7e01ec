package dev.repoworker.api.job;

import java.time.Instant;
import java.util.Map;

/** One entry of a job's append-only log. {@code data} is already redacted. */
public record JobEvent(Instant at, String type, int attempt, String message, Map<String, Object> data) {

    public static final String CREATED = "created";
    public static final String DISPATCHED = "dispatched";
    public static final String DISPATCH_FAILED = "dispatch-failed";
    public static final String ACCEPTED = "accepted";
    public static final String PROGRESS = "progress";
    public static final String CALLBACK = "callback";
    public static final String FALLBACK = "fallback";
    public static final String SIMULATED = "simulated";
    public static final String RETRY = "retry";
    public static final String RECONCILED = "reconciled";
    public static final String RESENT = "resent";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";
    /** One line of a callback's {@code logs}. */
    public static final String LOG = "log";

    public static JobEvent of(Instant at, String type, int attempt, String message) {
        return new JobEvent(at, type, attempt, message, null);
    }

    public static JobEvent of(Instant at, String type, int attempt, String message, Map<String, Object> data) {
        return new JobEvent(at, type, attempt, message, data);
    }
}
