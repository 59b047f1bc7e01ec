package dev.repoworker.api.job;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

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
    public static Job newPending(
            String id,
            String task,
            String requestedTask,
            Map<String, Object> input,
            int maxAttempts,
            String projectId,
            String userId,
            String idempotencyKey,
            Instant now) {
        return new Job(
                id,
                task,
                requestedTask,
                JobStatus.PENDING,
                input,
                null,
                null,
                1,
                maxAttempts,
                0,
                projectId,
                userId,
                idempotencyKey,
                null,
                null,
                null,
                null,
                null,
                now,
                now,
                null);
    }

    /** This job in {@code target} state; a final state stamps {@code completedAt} and drops the lease. */
    public Job moveTo(JobStatus target, Instant now) {
        if (!status.canMoveTo(target)) {
            throw new IllegalTransitionException(id, status, target);
        }
        return with(c -> {
            c.status = target;
            c.leaseUntil = target.isActive() ? leaseUntil : null;
            c.updatedAt = now;
            c.completedAt = target.isFinal() ? now : null;
        });
    }

    public Job withResult(Map<String, Object> newResult, Instant newProcessedAt, Long newDurationMs) {
        return with(c -> {
            c.result = newResult;
            c.processedAt = newProcessedAt;
            c.durationMs = newDurationMs;
        });
    }

    public Job withError(String newError, Instant newProcessedAt) {
        return with(c -> {
            c.error = newError;
            c.processedAt = newProcessedAt;
        });
    }

    public Job withLease(Instant newLeaseUntil, Instant now) {
        return with(c -> {
            c.leaseUntil = newLeaseUntil;
            c.updatedAt = now;
        });
    }

    /** This job as stored after a successful version-checked update (which bumps the version by one). */
    public Job stored() {
        return with(c -> {
            c.version = version + 1;
            c.leaseUntil = millis(leaseUntil);
            c.processedAt = millis(processedAt);
            c.createdAt = millis(createdAt);
            c.updatedAt = millis(updatedAt);
            c.completedAt = millis(completedAt);
        });
    }

    /** Instants are stored as epoch milliseconds. */
    private static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** A fresh attempt: back to pending with the outcome of the previous attempt cleared. */
    public Job nextAttempt(int newMaxAttempts, Instant now) {
        return resend(now).with(c -> {
            c.result = null;
            c.error = null;
            c.attempt = attempt + 1;
            c.maxAttempts = newMaxAttempts;
            c.processedAt = null;
            c.durationMs = null;
        });
    }

    /** The same attempt, back to pending for another hand-over (its first one may never have reached the runner). */
    public Job resend(Instant now) {
        return moveTo(JobStatus.PENDING, now).with(c -> {
            c.runner = null;
            c.workerUrl = null;
            c.leaseUntil = null;
        });
    }

    /** A copy of this job with what {@code change} sets; the only place besides reading a row that lists every field. */
    private Job with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The fields of a job while a copy is being changed. */
    private static final class Copy {
        private final String id;
        private final String task;
        private final String requestedTask;
        private JobStatus status;
        private final Map<String, Object> input;
        private Map<String, Object> result;
        private String error;
        private int attempt;
        private int maxAttempts;
        private int version;
        private final String projectId;
        private final String userId;
        private final String idempotencyKey;
        private Runner runner;
        private String workerUrl;
        private Instant leaseUntil;
        private Instant processedAt;
        private Long durationMs;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant completedAt;

        private Copy(Job job) {
            id = job.id;
            task = job.task;
            requestedTask = job.requestedTask;
            status = job.status;
            input = job.input;
            result = job.result;
            error = job.error;
            attempt = job.attempt;
            maxAttempts = job.maxAttempts;
            version = job.version;
            projectId = job.projectId;
            userId = job.userId;
            idempotencyKey = job.idempotencyKey;
            runner = job.runner;
            workerUrl = job.workerUrl;
            leaseUntil = job.leaseUntil;
            processedAt = job.processedAt;
            durationMs = job.durationMs;
            createdAt = job.createdAt;
            updatedAt = job.updatedAt;
            completedAt = job.completedAt;
        }

        private Job build() {
            return new Job(
                    id,
                    task,
                    requestedTask,
                    status,
                    input,
                    result,
                    error,
                    attempt,
                    maxAttempts,
                    version,
                    projectId,
                    userId,
                    idempotencyKey,
                    runner,
                    workerUrl,
                    leaseUntil,
                    processedAt,
                    durationMs,
                    createdAt,
                    updatedAt,
                    completedAt);
        }
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
