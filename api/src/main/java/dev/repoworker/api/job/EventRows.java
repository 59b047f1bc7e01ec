package dev.repoworker.api.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The append-only {@code job_events} table. The next sequence number of a job is computed by the insert itself;
 * callers append only while their transaction holds the job's row (they updated it, or locked it), so two
 * writers of one job take turns and {@code (job_id, seq)} stays unique.
 */
final class EventRows {

    /** One event of one job, as a batch carries it. */
    record Entry(String jobId, JobEvent event) {}

    private EventRows() {}

    private static final String NEXT =
            "INSERT INTO job_events (id, job_id, seq, at, type, attempt, message, data_json) "
                    + "SELECT :id, :jobId, COALESCE(MAX(seq), 0) + 1, :at, :type, :attempt, :message, :data "
                    + "FROM job_events WHERE job_id = :jobId";
    private static final String FIRST =
            "INSERT INTO job_events (id, job_id, seq, at, type, attempt, message, data_json) "
                    + "VALUES (:id, :jobId, 1, :at, :type, :attempt, :message, :data)";

    static void append(Handle h, String jobId, JobEvent event) {
        appendAll(h, List.of(new Entry(jobId, event)));
    }

    /** One JDBC batch (one round trip) for all {@code entries}, in order. */
    static void appendAll(Handle h, List<Entry> entries) {
        insert(h, NEXT, entries);
    }

    /** The first event of new jobs: sequence number 1. */
    static void appendFirst(Handle h, List<Entry> entries) {
        insert(h, FIRST, entries);
    }

    private static void insert(Handle h, String sql, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch(sql);
        for (Entry entry : entries) {
            JobEvent event = entry.event();
            batch.bind("id", UUID.randomUUID().toString())
                    .bind("jobId", entry.jobId())
                    .bind("at", event.at().toEpochMilli())
                    .bind("type", event.type())
                    .bind("attempt", event.attempt())
                    .bind("message", StoredText.of(event.message()))
                    .bind("data", Columns.write(event.data()))
                    .add();
        }
        batch.execute();
    }

    static List<JobEvent> list(Handle h, String jobId) {
        return h.createQuery(
                        "SELECT at, type, attempt, message, data_json FROM job_events WHERE job_id = :jobId ORDER BY seq")
                .bind("jobId", jobId)
                .map((rs, ctx) -> new JobEvent(
                        Instant.ofEpochMilli(rs.getLong("at")),
                        rs.getString("type"),
                        rs.getInt("attempt"),
                        rs.getString("message"),
                        Columns.read(rs.getString("data_json"))))
                .list();
    }
}
