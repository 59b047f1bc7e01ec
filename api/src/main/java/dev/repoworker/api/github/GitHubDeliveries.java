package dev.repoworker.api.github;

import dev.repoworker.api.job.Database;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The GitHub deliveries taken, on the job store's database. The delivery id is the primary key, so replicas on one
 * database agree on which delivery came already.
 */
public final class GitHubDeliveries {

    private static final RowMapper<Delivery> MAPPER = (rs, ctx) -> new Delivery(
            rs.getString("delivery_id"),
            rs.getString("event"),
            rs.getString("repository"),
            rs.getString("ref"),
            Delivery.Outcome.fromWire(rs.getString("outcome")),
            jobIds(rs.getString("job_ids")),
            Instant.ofEpochMilli(rs.getLong("received_at")));

    private final Database database;

    public GitHubDeliveries(Database database) {
        this.database = database;
    }

    public Optional<Delivery> find(String id) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT * FROM github_deliveries WHERE delivery_id = :id")
                        .bind("id", id)
                        .map(MAPPER)
                        .findOne());
    }

    /** @return false when a delivery with this id was recorded already (nothing is written) */
    public boolean record(Delivery delivery) {
        try {
            database.jdbi()
                    .useHandle(h -> h.createUpdate("INSERT INTO github_deliveries "
                                    + "(delivery_id, event, repository, ref, outcome, job_ids, received_at) "
                                    + "VALUES (:id, :event, :repository, :ref, :outcome, :jobIds, :receivedAt)")
                            .bind("id", delivery.id())
                            .bind("event", delivery.event())
                            .bind("repository", delivery.repository())
                            .bind("ref", delivery.ref())
                            .bind("outcome", delivery.outcome().wireName())
                            .bind("jobIds", delivery.jobIds().isEmpty() ? null : String.join(",", delivery.jobIds()))
                            .bind("receivedAt", delivery.receivedAt().toEpochMilli())
                            .execute());
            return true;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Deletes the deliveries received before {@code cutoff}, with the job retention (GitHub redelivers a delivery
     * only within days, so an id this old never comes back).
     *
     * @return how many were deleted
     */
    public int forgetBefore(Instant cutoff) {
        return database.jdbi()
                .withHandle(h -> h.createUpdate("DELETE FROM github_deliveries WHERE received_at < :cutoff")
                        .bind("cutoff", cutoff.toEpochMilli())
                        .execute());
    }

    private static List<String> jobIds(String column) {
        return column == null || column.isEmpty() ? List.of() : Arrays.asList(column.split(","));
    }
}
