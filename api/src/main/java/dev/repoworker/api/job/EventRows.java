package dev.repoworker.api.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** The append-only {@code job_events} table. */
final class EventRows {

    private EventRows() {
    }

    /** One statement: the next sequence number is computed by the insert itself (one round trip, not two). */
    static void append(Handle h, String jobId, JobEvent event) {
        h.createUpdate("INSERT INTO job_events (id, job_id, seq, at, type, attempt, message, data_json) "
                        + "SELECT :id, :jobId, COALESCE(MAX(seq), 0) + 1, :at, :type, :attempt, :message, :data "
                        + "FROM job_events WHERE job_id = :jobId")
                .bind("id", UUID.randomUUID().toString())
                .bind("jobId", jobId)
                .bind("at", event.at().toEpochMilli())
                .bind("type", event.type())
                .bind("attempt", event.attempt())
                .bind("message", StoredText.of(event.message()))
                .bind("data", JsonColumns.write(event.data()))
                .execute();
    }

    static List<JobEvent> list(Handle h, String jobId) {
        return h.createQuery("SELECT at, type, attempt, message, data_json FROM job_events WHERE job_id = :jobId "
                        + "ORDER BY seq, at")
                .bind("jobId", jobId)
                .map((rs, ctx) -> new JobEvent(Instant.ofEpochMilli(rs.getLong("at")), rs.getString("type"),
                        rs.getInt("attempt"), rs.getString("message"), JsonColumns.read(rs.getString("data_json"))))
                .list();
    }
}
