package dev.repoworker.api.job;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A job's life: {@code pending → dispatched → running → completed | failed | cancelled}.
 *
 * <p>Besides the forward path: a dispatched or running job goes back to {@code pending} when its
 * worker lost it (a new attempt), a failed or cancelled job goes back to {@code pending} when it is
 * retried, and a pending job may fail (the worker rejected it) or be cancelled before it is sent.
 */
public enum JobStatus {
    PENDING,
    DISPATCHED,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    public Set<JobStatus> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(DISPATCHED, FAILED, CANCELLED);
            case DISPATCHED -> EnumSet.of(RUNNING, COMPLETED, FAILED, CANCELLED, PENDING);
            case RUNNING -> EnumSet.of(COMPLETED, FAILED, CANCELLED, PENDING);
            case COMPLETED -> EnumSet.noneOf(JobStatus.class);
            case FAILED, CANCELLED -> EnumSet.of(PENDING);
        };
    }

    public boolean canMoveTo(JobStatus target) {
        return next().contains(target);
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Handed to a runner and not yet finished: the lease applies. */
    public boolean isActive() {
        return this == DISPATCHED || this == RUNNING;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<JobStatus> fromWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
