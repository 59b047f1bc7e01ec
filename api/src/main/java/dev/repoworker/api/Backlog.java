package dev.repoworker.api;

import dev.repoworker.api.job.Jobs;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on work waiting for dispatch: past {@code maxPending} jobs that no runner has started (pending, or
 * handed to a Worker that has not started them — a busy Worker's 503 sends a job back and forth between the
 * two) a submission is refused with 429 and {@code Retry-After}, instead of accepting work the system cannot
 * finish. The count is read from the database (so it covers every replica) at most every {@link #REFRESH_MS},
 * plus this replica's submissions since.
 */
final class Backlog {

    static final long REFRESH_MS = 250;
    private static final long RETRY_AFTER_SECONDS = 1;

    private final Jobs jobs;
    private final Clock clock;
    private final long maxPending;
    /** When the count was last read (epoch ms); 0: never, so the first submission reads it. */
    private final AtomicLong readAt = new AtomicLong();

    private final AtomicLong pending = new AtomicLong();

    Backlog(Jobs jobs, Clock clock, long maxPending) {
        this.jobs = jobs;
        this.clock = clock;
        this.maxPending = maxPending;
    }

    /** Counts one more submission, or throws 429 when the backlog is full. */
    void admit() {
        long now = clock.millis();
        long last = readAt.get();
        if (now - last >= REFRESH_MS && readAt.compareAndSet(last, now)) {
            pending.set(jobs.notStartedCount());
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            throw ApiException.tooBusy(
                    "too many jobs are waiting for dispatch (more than " + maxPending
                            + ", MAX_PENDING_JOBS); try again later",
                    RETRY_AFTER_SECONDS);
        }
    }
}
