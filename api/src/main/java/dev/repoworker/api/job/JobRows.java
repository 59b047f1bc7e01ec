package dev.repoworker.api.job;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;

/** The {@code jobs} table: row mapping, insert and the version-checked update. */
final class JobRows {

    static final RowMapper<Job> MAPPER = (rs, ctx) -> new Job(
            rs.getString("id"),
            rs.getString("task"),
            rs.getString("requested_task"),
            JobStatus.fromWire(rs.getString("status")).orElseThrow(),
            Columns.read(rs.getString("input_json")),
            Columns.read(rs.getString("result_json")),
            rs.getString("error"),
            rs.getInt("attempt"),
            rs.getInt("max_attempts"),
            rs.getInt("version"),
            rs.getString("project_id"),
            rs.getString("user_id"),
            rs.getString("idempotency_key"),
            Runner.fromWire(rs.getString("runner")),
            rs.getString("worker_url"),
            Columns.instant(rs, "lease_until"),
            Columns.instant(rs, "processed_at"),
            Columns.nullableLong(rs, "duration_ms"),
            Columns.instant(rs, "created_at"),
            Columns.instant(rs, "updated_at"),
            Columns.instant(rs, "completed_at"));

    private JobRows() {}

    /** New jobs, pending and due at their creation, in one JDBC batch. */
    static void insertAll(Handle h, List<JobStore.NewJob> jobs) {
        PreparedBatch batch =
                h.prepareBatch("INSERT INTO jobs (id, task, requested_task, status, input_json, secrets_sealed, "
                        + "result_json, error, attempt, max_attempts, version, project_id, user_id, idempotency_key, runner, "
                        + "worker_url, lease_until, processed_at, duration_ms, created_at, updated_at, completed_at, due_at, dispatch_tries, "
                        + "callback_token_hash) "
                        + "VALUES (:id, :task, :requestedTask, :status, :input, :secrets, :result, :error, :attempt, :maxAttempts, "
                        + ":version, :projectId, :userId, :idempotencyKey, :runner, :workerUrl, :leaseUntil, :processedAt, "
                        + ":durationMs, :createdAt, :updatedAt, :completedAt, :createdAt, 0, :callbackTokenHash)");
        for (JobStore.NewJob newJob : jobs) {
            Job job = newJob.job();
            bindColumns(batch, job)
                    .bind("requestedTask", job.requestedTask())
                    .bind("task", job.task())
                    .bind("input", Columns.write(job.input()))
                    .bind("secrets", newJob.sealedSecrets())
                    .bind("callbackTokenHash", newJob.callbackTokenHash())
                    .bind("projectId", job.projectId())
                    .bind("userId", job.userId())
                    .bind("idempotencyKey", job.idempotencyKey())
                    .bind("createdAt", job.createdAt().toEpochMilli())
                    .bind("version", job.version())
                    .add();
        }
        batch.execute();
    }

    /**
     * Writes the mutable columns if the stored version is {@code next.version()}; true when it was. Any claim is
     * void afterwards; {@code dueAt} (or none) is when the job is due for dispatch.
     */
    static boolean updateIfVersion(Handle h, Job next, Instant dueAt) {
        String dropSecrets = next.status().isFinal() ? ", secrets_sealed = NULL" : "";
        String dispatch = dueAt != null
                ? ", due_at = :dueAt, dispatch_tries = 0"
                : next.status() == JobStatus.PENDING ? "" : ", due_at = NULL";
        Update update = h.createUpdate("UPDATE jobs SET status = :status, result_json = :result, error = :error, "
                + "attempt = :attempt, max_attempts = :maxAttempts, version = version + 1, runner = :runner, "
                + "worker_url = :workerUrl, lease_until = :leaseUntil, processed_at = :processedAt, "
                + "duration_ms = :durationMs, updated_at = :updatedAt, completed_at = :completedAt, claim_token = NULL"
                + dropSecrets + dispatch + " WHERE id = :id AND version = :version");
        if (dueAt != null) {
            update.bind("dueAt", dueAt.toEpochMilli());
        }
        return bindColumns(update, next).bind("version", next.version()).execute() == 1;
    }

    private static <T extends SqlStatement<T>> T bindColumns(T update, Job job) {
        return update.bind("id", job.id())
                .bind("status", job.status().wireName())
                .bind("result", Columns.write(job.result()))
                .bind("error", StoredText.of(job.error()))
                .bind("attempt", job.attempt())
                .bind("maxAttempts", job.maxAttempts())
                .bind("runner", job.runner() == null ? null : job.runner().wireName())
                .bind("workerUrl", job.workerUrl())
                .bind("leaseUntil", millis(job.leaseUntil()))
                .bind("processedAt", millis(job.processedAt()))
                .bind("durationMs", job.durationMs())
                .bind("updatedAt", millis(job.updatedAt()))
                .bind("completedAt", millis(job.completedAt()));
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }
}
