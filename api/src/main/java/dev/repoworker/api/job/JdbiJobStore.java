package dev.repoworker.api.job;

import dev.repoworker.protocol.Signatures;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link JobStore} on H2 or PostgreSQL through Jdbi. Dispatch claims are conditional updates on
 * {@code claimed_until}, which is safe for several replicas; PostgreSQL also skips rows another
 * transaction is claiming ({@code FOR UPDATE SKIP LOCKED}).
 */
public final class JdbiJobStore implements JobStore {

    private static final String ACTIVE = "('dispatched', 'running')";
    /** SQLSTATE of a unique constraint violation, on PostgreSQL and on H2 alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;
    private final Object embeddedClaimLock = new Object();

    public JdbiJobStore(Database database) {
        this.database = database;
    }

    @Override
    public Created create(Job job, String sealedSecrets, Instant dispatchDue) {
        try {
            return database.jdbi().inTransaction(h -> {
                if (job.idempotencyKey() != null) {
                    Optional<Job> existing = findByKey(h, job.idempotencyKey());
                    if (existing.isPresent()) {
                        return new Created(existing.get(), false);
                    }
                }
                JobRows.insert(h, job, sealedSecrets);
                EventRows.append(h, job.id(), JobEvent.of(job.createdAt(), JobEvent.CREATED, job.attempt(),
                        "job created for task " + job.requestedTask()));
                insertDispatch(h, job.id(), job.attempt(), dispatchDue, job.createdAt());
                return new Created(job, true);
            });
        } catch (RuntimeException e) {
            // two requests with the same key raced: the unique constraint let one win
            if (job.idempotencyKey() != null) {
                Optional<Job> winner = database.jdbi().withHandle(h -> findByKey(h, job.idempotencyKey()));
                if (winner.isPresent()) {
                    return new Created(winner.get(), false);
                }
            }
            throw e;
        }
    }

    @Override
    public Optional<Job> find(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE id = :id")
                .bind("id", id).map(JobRows.MAPPER).findOne());
    }

    @Override
    public Optional<String> sealedSecrets(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT secrets_sealed FROM jobs WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne());
    }

    @Override
    public List<JobEvent> events(String id) {
        return database.jdbi().withHandle(h -> EventRows.list(h, id));
    }

    @Override
    public JobPage list(JobQuery query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE 1 = 1");
        if (query.status() != null) {
            sql.append(" AND status = :status");
        }
        if (query.type() != null) {
            sql.append(" AND (task = :type OR requested_task = :type)");
        }
        if (query.projectId() != null) {
            sql.append(" AND project_id = :projectId");
        }
        if (query.after() != null) {
            sql.append(" AND (created_at < :afterAt OR (created_at = :afterAt AND id < :afterId))");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        List<Job> rows = database.jdbi().withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", query.limit() + 1);
            if (query.status() != null) {
                q.bind("status", query.status().wireName());
            }
            if (query.type() != null) {
                q.bind("type", query.type());
            }
            if (query.projectId() != null) {
                q.bind("projectId", query.projectId());
            }
            if (query.after() != null) {
                q.bind("afterAt", query.after().createdAt().toEpochMilli()).bind("afterId", query.after().id());
            }
            return q.map(JobRows.MAPPER).list();
        });
        if (rows.size() <= query.limit()) {
            return new JobPage(rows, null);
        }
        List<Job> page = rows.subList(0, query.limit());
        Job last = page.get(page.size() - 1);
        return new JobPage(List.copyOf(page), new JobQuery.Position(last.createdAt(), last.id()).encode());
    }

    @Override
    public Optional<Job> update(Job next, List<JobEvent> events, Instant dispatchAt) {
        return database.jdbi().inTransaction(h -> update(h, next, events, dispatchAt));
    }

    @Override
    public Optional<Job> updateAndFinishDispatch(Job next, List<JobEvent> events, String dispatchId, String state, Instant now) {
        return database.jdbi().inTransaction(h -> {
            Optional<Job> stored = update(h, next, events, null);
            finishDispatch(h, dispatchId, state, null, now);
            return stored;
        });
    }

    @Override
    public Optional<Job> updateOnce(Job next, List<JobEvent> events, Signatures.Verified message) {
        try {
            return database.jdbi().inTransaction(h -> {
                Optional<Job> stored = update(h, next, events, null);
                if (stored.isPresent()) {
                    insertMessage(h, message, next.updatedAt());
                }
                return stored;
            });
        } catch (RuntimeException e) {
            throw replayedOr(e, message);
        }
    }

    @Override
    public void recordMessage(Signatures.Verified message, Instant now) {
        try {
            database.jdbi().useTransaction(h -> insertMessage(h, message, now));
        } catch (RuntimeException e) {
            throw replayedOr(e, message);
        }
    }

    @Override
    public int forgetMessages(Instant now) {
        return database.jdbi().withHandle(h -> h.createUpdate("DELETE FROM webhook_messages WHERE expires_at < :now")
                .bind("now", now.toEpochMilli()).execute());
    }

    /** The primary key makes the second insert of an id fail, in whichever replica and transaction it comes. */
    private static void insertMessage(Handle h, Signatures.Verified message, Instant now) {
        h.createUpdate("INSERT INTO webhook_messages (id, received_at, expires_at) VALUES (:id, :receivedAt, :expiresAt)")
                .bind("id", message.messageId()).bind("receivedAt", now.toEpochMilli())
                .bind("expiresAt", message.replayableUntil().toEpochMilli()).execute();
    }

    private static RuntimeException replayedOr(RuntimeException e, Signatures.Verified message) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return new ReplayedMessageException(message.messageId());
            }
        }
        return e;
    }

    private static Optional<Job> update(Handle h, Job next, List<JobEvent> events, Instant dispatchAt) {
        {
            if (!JobRows.updateIfVersion(h, next)) {
                return Optional.empty();
            }
            for (JobEvent event : events) {
                EventRows.append(h, next.id(), event);
            }
            if (next.status().isFinal() || dispatchAt != null) {
                h.createUpdate("UPDATE dispatches SET state = 'obsolete', updated_at = :now "
                                + "WHERE job_id = :jobId AND state = 'pending'")
                        .bind("now", next.updatedAt().toEpochMilli()).bind("jobId", next.id()).execute();
            }
            if (dispatchAt != null) {
                insertDispatch(h, next.id(), next.attempt(), dispatchAt, next.updatedAt());
            }
            // every column was written from next: no need to read the row back
            return Optional.of(next.stored());
        }
    }

    @Override
    public void replaceSecrets(String jobId, String sealedSecrets) {
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET secrets_sealed = :s WHERE id = :id")
                .bind("s", sealedSecrets).bind("id", jobId).execute());
    }

    @Override
    public void appendEvent(String jobId, JobEvent event) {
        database.jdbi().useTransaction(h -> EventRows.append(h, jobId, event));
    }

    @Override
    public List<Dispatch> claimDispatches(String claimer, Instant now, Duration claimFor, int limit) {
        if (database.isPostgres()) {
            return claimInOneStatement(claimer, now, claimFor, limit);
        }
        synchronized (embeddedClaimLock) {
            return claim(claimer, now, claimFor, limit, "");
        }
    }

    /** PostgreSQL: pick, lock (skipping rows other replicas hold) and claim a batch in one round trip. */
    private List<Dispatch> claimInOneStatement(String claimer, Instant now, Duration claimFor, int limit) {
        long nowMs = now.toEpochMilli();
        return database.jdbi().withHandle(h -> h.createQuery("UPDATE dispatches SET claimed_by = :me, claimed_until = :until, "
                        + "updated_at = :now WHERE id IN (SELECT id FROM dispatches WHERE state = 'pending' AND due_at <= :now "
                        + "AND (claimed_until IS NULL OR claimed_until < :now) ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED) "
                        + "RETURNING id, job_id, attempt, tries, due_at")
                .bind("me", claimer).bind("until", nowMs + claimFor.toMillis()).bind("now", nowMs).bind("limit", limit)
                .map((rs, ctx) -> new Dispatch(rs.getString("id"), rs.getString("job_id"), rs.getInt("attempt"),
                        rs.getInt("tries"), Instant.ofEpochMilli(rs.getLong("due_at"))))
                .list());
    }

    private List<Dispatch> claim(String claimer, Instant now, Duration claimFor, int limit, String lockClause) {
        long nowMs = now.toEpochMilli();
        return database.jdbi().inTransaction(h -> {
            List<String> candidates = h.createQuery("SELECT id FROM dispatches WHERE state = 'pending' AND due_at <= :now "
                            + "AND (claimed_until IS NULL OR claimed_until < :now) ORDER BY due_at LIMIT :limit" + lockClause)
                    .bind("now", nowMs).bind("limit", limit).mapTo(String.class).list();
            List<Dispatch> claimed = new ArrayList<>();
            for (String id : candidates) {
                int won = h.createUpdate("UPDATE dispatches SET claimed_by = :me, claimed_until = :until, updated_at = :now "
                                + "WHERE id = :id AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < :now)")
                        .bind("me", claimer).bind("until", nowMs + claimFor.toMillis()).bind("now", nowMs).bind("id", id)
                        .execute();
                if (won == 1) {
                    claimed.add(h.createQuery("SELECT id, job_id, attempt, tries, due_at FROM dispatches WHERE id = :id")
                            .bind("id", id)
                            .map((rs, ctx) -> new Dispatch(rs.getString("id"), rs.getString("job_id"), rs.getInt("attempt"),
                                    rs.getInt("tries"), Instant.ofEpochMilli(rs.getLong("due_at"))))
                            .one());
                }
            }
            return claimed;
        });
    }

    @Override
    public void finishDispatch(String dispatchId, String state, String note, Instant now) {
        database.jdbi().useHandle(h -> finishDispatch(h, dispatchId, state, note, now));
    }

    private static void finishDispatch(Handle h, String dispatchId, String state, String note, Instant now) {
        h.createUpdate("UPDATE dispatches SET state = :state, last_error = :note, "
                        + "claimed_until = NULL, updated_at = :now WHERE id = :id")
                .bind("state", state).bind("note", StoredText.of(note)).bind("now", now.toEpochMilli()).bind("id", dispatchId).execute();
    }

    @Override
    public void rescheduleDispatch(String dispatchId, int tries, Instant dueAt, String error, Instant now) {
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE dispatches SET tries = :tries, due_at = :due, last_error = :error, "
                        + "claimed_by = NULL, claimed_until = NULL, updated_at = :now WHERE id = :id AND state = 'pending'")
                .bind("tries", tries).bind("due", dueAt.toEpochMilli()).bind("error", StoredText.of(error))
                .bind("now", now.toEpochMilli()).bind("id", dispatchId).execute());
    }

    @Override
    public List<Job> expiredLeases(Instant now, int limit) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE status IN " + ACTIVE
                        + " AND (lease_until IS NULL OR lease_until < :now) ORDER BY lease_until LIMIT :limit")
                .bind("now", now.toEpochMilli()).bind("limit", limit).map(JobRows.MAPPER).list());
    }

    @Override
    public boolean isReachable() {
        try {
            return database.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Optional<Job> findByKey(Handle h, String key) {
        return h.createQuery("SELECT * FROM jobs WHERE idempotency_key = :key").bind("key", key).map(JobRows.MAPPER).findOne();
    }

    private static void insertDispatch(Handle h, String jobId, int attempt, Instant due, Instant now) {
        h.createUpdate("INSERT INTO dispatches (id, job_id, attempt, state, tries, due_at, created_at, updated_at) "
                        + "VALUES (:id, :jobId, :attempt, 'pending', 0, :due, :now, :now)")
                .bind("id", UUID.randomUUID().toString()).bind("jobId", jobId).bind("attempt", attempt)
                .bind("due", due.toEpochMilli()).bind("now", now.toEpochMilli()).execute();
    }
}
