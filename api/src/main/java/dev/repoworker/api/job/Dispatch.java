package dev.repoworker.api.job;

import java.time.Instant;

/** One claimed row of the dispatch outbox: send attempt {@code attempt} of job {@code jobId}. */
public record Dispatch(String id, String jobId, int attempt, int tries, Instant dueAt) {

    public static final String PENDING = "pending";
    public static final String SENT = "sent";
    public static final String FALLBACK = "fallback";
    public static final String REJECTED = "rejected";
    public static final String OBSOLETE = "obsolete";
}
