package dev.repoworker.api.deploy;

import dev.repoworker.api.job.Columns;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** The SQL that reads deploys from the jobs table ({@code task = 'deploy-repo'}), newest first. */
final class DeployRows {

    static final String TASK = "deploy-repo";
    /** The events that say a runner took the job; their first one is when the deploy started. */
    private static final String STARTING_EVENTS = "('accepted', 'fallback', 'simulated', 'progress')";

    private static final String STARTED_AT = "(SELECT MIN(e.at) FROM job_events e WHERE e.job_id = j.id AND e.type IN "
            + STARTING_EVENTS + ") AS started_at";

    private static final String SELECT = "SELECT j.id, j.project_id, j.status, j.input_json, j.result_json, j.error, "
            + "j.duration_ms, j.created_at, j.completed_at, " + STARTED_AT + " FROM jobs j WHERE j.task = '" + TASK
            + "' ";
    private static final String NEWEST_FIRST = " ORDER BY j.created_at DESC, j.id DESC";
    static final RowMapper<DeployJob> MAPPER = (rs, ctx) -> new DeployJob(
            rs.getString("id"),
            rs.getString("project_id"),
            rs.getString("status"),
            Columns.read(rs.getString("input_json")),
            Columns.read(rs.getString("result_json")),
            rs.getString("error"),
            Columns.nullableLong(rs, "duration_ms"),
            Columns.instant(rs, "created_at"),
            Columns.instant(rs, "started_at"),
            Columns.instant(rs, "completed_at"));

    private DeployRows() {}

    static List<DeployJob> page(Handle h, String projectId, int page, int limit) {
        return h.createQuery(SELECT + "AND j.project_id = :projectId" + NEWEST_FIRST + " LIMIT :limit OFFSET :offset")
                .bind("projectId", projectId)
                .bind("limit", limit)
                .bind("offset", (long) (page - 1) * limit)
                .map(MAPPER)
                .list();
    }

    static long count(Handle h, String projectId) {
        return h.createQuery("SELECT COUNT(*) FROM jobs WHERE task = '" + TASK + "' AND project_id = :projectId")
                .bind("projectId", projectId)
                .mapTo(Long.class)
                .one();
    }

    static Optional<DeployJob> find(Handle h, String projectId, String jobId) {
        return h.createQuery(SELECT + "AND j.project_id = :projectId AND j.id = :id")
                .bind("projectId", projectId)
                .bind("id", jobId)
                .map(MAPPER)
                .findOne();
    }

    /** The newest completed deploy whose publish step made it active: the active one when the store has no pointer. */
    static Optional<DeployJob> newestActive(Handle h, String projectId) {
        return h
                .createQuery(SELECT + "AND j.project_id = :projectId AND j.status = 'completed'" + NEWEST_FIRST)
                .bind("projectId", projectId)
                .setMaxRows(200)
                .map(MAPPER)
                .stream()
                .filter(d -> Boolean.TRUE.equals(d.publish().get("active")))
                .findFirst();
    }

    /**
     * Deploys of any project changed within the window (from {@code windowStart}) and since {@code since}: the
     * ones whose webhooks may have become due. A job counts as changed when its row was written, or when an event
     * that starts it was appended: the dispatcher records a Worker's acceptance without writing the job's row.
     */
    static List<DeployJob> changedSince(Handle h, Instant windowStart, Instant since, int limit) {
        return h.createQuery(SELECT + "AND j.project_id IS NOT NULL AND j.updated_at >= :windowStart "
                        + "AND (j.updated_at >= :since OR EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = j.id "
                        + "AND e.type IN " + STARTING_EVENTS + " AND e.at >= :since)) "
                        + "ORDER BY j.updated_at DESC LIMIT :limit")
                .bind("windowStart", windowStart.toEpochMilli())
                .bind("since", since.toEpochMilli())
                .bind("limit", limit)
                .map(MAPPER)
                .list();
    }
}
