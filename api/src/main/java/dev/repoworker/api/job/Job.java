package dev.repoworker.api.job;

import java.time.Instant;
import java.util.Map;

/**
 * One job as stored. {@code input} never holds secrets (they live encrypted beside the row);
 * {@code version} is checked and bumped by every update.
 */
public record Job(
        String id,
        String task,
        String requestedTask,
        JobStatus status,
        Map<String, Object> input,
        Map<String, Object> result,
        String error,
        int attempt,
        int maxAttempts,
        int version,
        String projectId,
        String userId,
        String idempotencyKey,
        Runner runner,
        String workerUrl,
        Instant leaseUntil,
        Instant processedAt,
        Long durationMs,
        Instant createdAt,
        Instant updatedAt,
        Instant completedAt) {

    public Job {
        input = input == null ? Map.of() : input;
    }

    /** A new job, attempt 1, waiting for its first dispatch. */
    public static Job newPending(String id, String task, String requestedTask, Map<String, Object> input, int maxAttempts,
                                 String projectId, String userId, String idempotencyKey, Instant now) {
        return new Job(id, task, requestedTask, JobStatus.PENDING, input, null, null, 1, maxAttempts, 0,
                projectId, userId, idempotencyKey, null, null, null, null, null, now, now, null);
    }

    /** This job in {@code target} state; a final state stamps {@code completedAt} and drops the lease. */
    public Job moveTo(JobStatus target, Instant now) {
        if (!status.canMoveTo(target)) {
            throw new IllegalTransitionException(id, status, target);
        }
        Instant lease = target.isActive() ? leaseUntil : null;
        Instant completed = target.isFinal() ? now : null;
        return new Job(id, task, requestedTask, target, input, result, error, attempt, maxAttempts, version,
                projectId, userId, idempotencyKey, runner, workerUrl, lease, processedAt, durationMs, createdAt, now, completed);
    }

    public Job withResult(Map<String, Object> newResult, Instant newProcessedAt, Long newDurationMs) {
        return new Job(id, task, requestedTask, status, input, newResult, error, attempt, maxAttempts, version,
                projectId, userId, idempotencyKey, runner, workerUrl, leaseUntil, newProcessedAt, newDurationMs, createdAt, updatedAt, completedAt);
    }

    public Job withError(String newError, Instant newProcessedAt) {
        return new Job(id, task, requestedTask, status, input, result, newError, attempt, maxAttempts, version,
                projectId, userId, idempotencyKey, runner, workerUrl, leaseUntil, newProcessedAt, durationMs, createdAt, updatedAt, completedAt);
    }

    public Job withLease(Instant newLeaseUntil, Instant now) {
        return new Job(id, task, requestedTask, status, input, result, error, attempt, maxAttempts, version,
                projectId, userId, idempotencyKey, runner, workerUrl, newLeaseUntil, processedAt, durationMs, createdAt, now, completedAt);
    }

    /** This job as stored after a successful version-checked update (which bumps the version by one). */
    public Job stored() {
        return new Job(id, task, requestedTask, status, input, result, error, attempt, maxAttempts, version + 1,
                projectId, userId, idempotencyKey, runner, workerUrl, millis(leaseUntil), millis(processedAt), durationMs,
                millis(createdAt), millis(updatedAt), millis(completedAt));
    }

    /** Instants are stored as epoch milliseconds. */
    private static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** A fresh attempt: back to pending with the outcome of the previous attempt cleared. */
    public Job nextAttempt(int newMaxAttempts, Instant now) {
        Job pending = moveTo(JobStatus.PENDING, now);
        return new Job(id, task, requestedTask, JobStatus.PENDING, input, null, null, attempt + 1, newMaxAttempts, version,
                projectId, userId, idempotencyKey, null, null, null, null, null, createdAt, pending.updatedAt(), null);
    }

    /** The same attempt, back to pending for another hand-over (its first one may never have reached the runner). */
    public Job resend(Instant now) {
        Job pending = moveTo(JobStatus.PENDING, now);
        return new Job(id, task, requestedTask, JobStatus.PENDING, input, result, error, attempt, maxAttempts, version,
                projectId, userId, idempotencyKey, null, null, null, processedAt, durationMs, createdAt, pending.updatedAt(), null);
    }

    /** Thrown when a change would break the state machine. */
    public static final class IllegalTransitionException extends RuntimeException {
        private final JobStatus from;

        public IllegalTransitionException(String jobId, JobStatus from, JobStatus to) {
            super("job " + jobId + " cannot go from " + from + " to " + to);
            this.from = from;
        }

        public JobStatus from() {
            return from;
        }
    }
}
