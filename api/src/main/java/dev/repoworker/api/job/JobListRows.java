package dev.repoworker.api.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The job listings: by cursor (ours) and by page number with a total (the original API's). Newest first. */
final class JobListRows {

    private static final String ORDER = " ORDER BY created_at DESC, id DESC";

    private JobListRows() {}

    static JobPage byCursor(Handle h, JobQuery query) {
        Where where = Where.of(query.filter());
        if (query.after() != null) {
            where.add(
                    "(created_at < :afterAt OR (created_at = :afterAt AND id < :afterId))",
                    Map.of(
                            "afterAt",
                            query.after().createdAt().toEpochMilli(),
                            "afterId",
                            query.after().id()));
        }
        List<Job> rows = h.createQuery("SELECT * FROM jobs" + where.sql() + ORDER + " LIMIT :limit")
                .bindMap(where.values())
                .bind("limit", query.limit() + 1)
                .map(JobRows.MAPPER)
                .list();
        if (rows.size() <= query.limit()) {
            return new JobPage(rows, null);
        }
        List<Job> page = rows.subList(0, query.limit());
        Job last = page.get(page.size() - 1);
        return new JobPage(List.copyOf(page), new JobQuery.Position(last.createdAt(), last.id()).encode());
    }

    /** Call inside one transaction (repeatable read on PostgreSQL), so that the total and the page agree. */
    static NumberedPage byNumber(Handle h, JobFilter filter, int page, int limit) {
        Where where = Where.of(filter);
        long total = h.createQuery("SELECT COUNT(*) FROM jobs" + where.sql())
                .bindMap(where.values())
                .mapTo(Long.class)
                .one();
        long offset = (long) (page - 1) * limit;
        List<Job> jobs = offset >= total
                ? List.of()
                : h.createQuery("SELECT * FROM jobs" + where.sql() + ORDER + " LIMIT :limit OFFSET :offset")
                        .bindMap(where.values())
                        .bind("limit", limit)
                        .bind("offset", offset)
                        .map(JobRows.MAPPER)
                        .list();
        return new NumberedPage(jobs, total, page, limit);
    }

    /** The conditions of a listing and the values they bind. */
    private record Where(List<String> conditions, Map<String, Object> values) {

        static Where of(JobFilter filter) {
            Where where = new Where(new ArrayList<>(), new HashMap<>());
            if (filter.status() != null) {
                where.add("status = :status", Map.of("status", filter.status().wireName()));
            }
            if (filter.type() != null) {
                where.add("(task = :type OR requested_task = :type)", Map.of("type", filter.type()));
            }
            if (filter.projectId() != null) {
                where.add("project_id = :projectId", Map.of("projectId", filter.projectId()));
            }
            return where;
        }

        void add(String condition, Map<String, Object> bound) {
            conditions.add(condition);
            values.putAll(bound);
        }

        String sql() {
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }
    }
}
