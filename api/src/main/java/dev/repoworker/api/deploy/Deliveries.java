package dev.repoworker.api.deploy;

import dev.repoworker.api.job.Columns;
import dev.repoworker.api.job.Database;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The {@code deploy_webhooks} table. Rows are inserted once per (job, subscriber, event) whoever inserts first;
 * a row is sent only by the replica that holds its lease, and its outcome is written only by that replica.
 */
final class Deliveries {

    private static final RowMapper<Delivery> MAPPER = (rs, ctx) -> new Delivery(
            rs.getString("id"),
            rs.getString("job_id"),
            rs.getString("project_id"),
            rs.getString("subscriber"),
            rs.getString("event"),
            rs.getString("payload_json"),
            Delivery.State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
            rs.getInt("attempts"),
            rs.getString("last_error"),
            Columns.instant(rs, "created_at"),
            Columns.instant(rs, "delivered_at"));

    private final Database database;

    Deliveries(Database database) {
        this.database = database;
    }

    /** @return false when another replica (or an earlier sweep) recorded this (job, subscriber, event) first */
    boolean insertIfAbsent(Delivery d, Instant now) {
        return database.jdbi()
                        .withHandle(h -> h.createUpdate(
                                        "INSERT INTO deploy_webhooks (id, job_id, project_id, "
                                                + "subscriber, event, payload_json, state, attempts, created_at, due_at) VALUES (:id, :jobId, :projectId, "
                                                + ":subscriber, :event, :payload, 'pending', 0, :now, :now) ON CONFLICT (job_id, subscriber, event) DO NOTHING")
                                .bind("id", d.id())
                                .bind("jobId", d.jobId())
                                .bind("projectId", d.projectId())
                                .bind("subscriber", d.subscriber())
                                .bind("event", d.event())
                                .bind("payload", d.payload())
                                .bind("now", now.toEpochMilli())
                                .execute())
                == 1;
    }

    /** {@code jobId + " " + event + " " + subscriber} of every row of these jobs. */
    Set<String> keys(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Set.of();
        }
        return database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT job_id, subscriber, event FROM deploy_webhooks WHERE job_id IN (<ids>)")
                        .bindList("ids", jobIds)
                        .map((rs, ctx) ->
                                key(rs.getString("job_id"), rs.getString("event"), rs.getString("subscriber")))
                        .collect(Collectors.toSet()));
    }

    static String key(String jobId, String event, String subscriber) {
        return jobId + " " + event + " " + subscriber;
    }

    List<Delivery> forJobs(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        return database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT * FROM deploy_webhooks WHERE job_id IN (<ids>) ORDER BY created_at, id")
                        .bindList("ids", jobIds)
                        .map(MAPPER)
                        .list());
    }

    /** Pending rows that are due and not leased (or whose lease ran out), oldest due first. */
    List<String> due(Instant now, int limit) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT id FROM deploy_webhooks WHERE state = 'pending' "
                                        + "AND due_at <= :now AND (lease_until IS NULL OR lease_until < :now) ORDER BY due_at LIMIT :limit")
                        .bind("now", now.toEpochMilli())
                        .bind("limit", limit)
                        .mapTo(String.class)
                        .list());
    }

    /** The row, leased to {@code owner} until {@code until}; empty when another replica holds it or it is no longer pending. */
    Optional<Delivery> claim(String id, String owner, Instant now, Instant until) {
        return database.jdbi().inTransaction(h -> {
            int taken = h.createUpdate(
                            "UPDATE deploy_webhooks SET lease_owner = :owner, lease_until = :until WHERE id = :id "
                                    + "AND state = 'pending' AND due_at <= :now AND (lease_until IS NULL OR lease_until < :now)")
                    .bind("owner", owner)
                    .bind("until", until.toEpochMilli())
                    .bind("now", now.toEpochMilli())
                    .bind("id", id)
                    .execute();
            return taken == 1
                    ? h.createQuery("SELECT * FROM deploy_webhooks WHERE id = :id")
                            .bind("id", id)
                            .map(MAPPER)
                            .findOne()
                    : Optional.<Delivery>empty();
        });
    }

    /** Writes an attempt's outcome, if {@code owner} still holds the lease; the lease is released. */
    void record(
            String id,
            String owner,
            Delivery.State state,
            int attempts,
            String lastError,
            Instant dueAt,
            Instant deliveredAt) {
        database.jdbi()
                .useHandle(h -> h.createUpdate("UPDATE deploy_webhooks SET state = :state, attempts = :attempts, "
                                + "last_error = :lastError, due_at = :dueAt, delivered_at = :deliveredAt, lease_owner = NULL, lease_until = NULL "
                                + "WHERE id = :id AND lease_owner = :owner")
                        .bind("state", state.wireName())
                        .bind("attempts", attempts)
                        .bind("lastError", lastError)
                        .bind("dueAt", dueAt.toEpochMilli())
                        .bind("deliveredAt", deliveredAt == null ? null : deliveredAt.toEpochMilli())
                        .bind("id", id)
                        .bind("owner", owner)
                        .execute());
    }

    /** Deletes the rows of jobs that are gone (job retention deleted them); @return how many. */
    int forgetOrphans() {
        return database.jdbi()
                .withHandle(h -> h.createUpdate("DELETE FROM deploy_webhooks WHERE NOT EXISTS "
                                + "(SELECT 1 FROM jobs j WHERE j.id = deploy_webhooks.job_id)")
                        .execute());
    }
}
