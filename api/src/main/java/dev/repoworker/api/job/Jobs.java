package dev.repoworker.api.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The job aggregate: a job's row with its events and its sealed secrets, which live and die with it. Every write
 * has committed when it returns; what spans other tables is in {@link JobStore}.
 */
public final class Jobs {

    private static final String OPEN = "('pending', 'dispatched', 'running')";

    private final Database database;
    private final StoreListener listener;

    Jobs(Database database, StoreListener listener) {
        this.database = database;
        this.listener = listener;
    }

    public Optional<Job> find(String id) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE id = :id")
                        .bind("id", id)
                        .map(JobRows.MAPPER)
                        .findOne());
    }

    /** The encrypted secrets of a job, while a dispatch may still need them. */
    public Optional<String> sealedSecrets(String id) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT secrets_sealed FROM jobs WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .findOne());
    }

    /** The SHA-256 of the job's callback token ({@link CallbackTokens}); empty for an unknown job or one without. */
    public Optional<String> callbackTokenHash(String id) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT callback_token_hash FROM jobs WHERE id = :id")
                        .bind("id", id)
                        .mapTo(String.class)
                        .findOne());
    }

    public List<JobEvent> events(String id) {
        return database.jdbi().withHandle(h -> EventRows.list(h, id));
    }

    public JobPage list(JobQuery query) {
        return database.jdbi().withHandle(h -> JobListRows.byCursor(h, query));
    }

    /**
     * Page {@code page} (from 1) of {@code limit} jobs matching {@code filter}, newest first, with how many match
     * in all, read at one moment: the total always agrees with the page.
     */
    public NumberedPage listPage(JobFilter filter, int page, int limit) {
        if (page < 1 || limit < 1) {
            throw new IllegalArgumentException("page and limit start at 1");
        }
        // PostgreSQL reads each statement at its own moment unless asked otherwise; SQLite's transaction is one
        // snapshot
        return database.isPostgres()
                ? database.jdbi()
                        .inTransaction(
                                TransactionIsolationLevel.REPEATABLE_READ,
                                h -> JobListRows.byNumber(h, filter, page, limit))
                : database.jdbi().inTransaction(h -> JobListRows.byNumber(h, filter, page, limit));
    }

    /**
     * How many jobs no runner has started: pending, or handed over and not yet running. A job a busy Worker
     * turned away moves between the two until one takes it, and is counted all along.
     */
    public long notStartedCount() {
        return database.jdbi()
                // two counts, so that each can use its partial index (pending by due time, active by lease)
                .withHandle(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'pending')"
                                + " + (SELECT COUNT(*) FROM jobs WHERE status = 'dispatched')")
                        .mapTo(Long.class)
                        .one());
    }

    /**
     * Writes {@code next} if the stored row still has {@code next.version()}, bumping the version, and appends
     * {@code events} in the same transaction. A final state drops the secrets; a non-null {@code dispatchAt}
     * makes the (pending) job due then, with no dispatch tries yet. Any claim on the job is void afterwards.
     *
     * @return the stored job, or empty when another writer got there first
     */
    public Optional<Job> update(Job next, List<JobEvent> events, Instant dispatchAt) {
        Optional<Job> stored = database.jdbi().inTransaction(h -> {
            if (!JobRows.updateIfVersion(h, next, dispatchAt)) {
                return Optional.<Job>empty();
            }
            EventRows.appendAll(
                    h,
                    events.stream().map(e -> new EventRows.Entry(next.id(), e)).toList());
            // every column was written from next: no need to read the row back
            return Optional.of(next.stored());
        });
        stored.ifPresent(job -> {
            events.forEach(e -> listener.eventStored(job.id(), e));
            if (job.status().isFinal()) {
                listener.finished(job.id(), job.task(), job.attempt(), job.status());
            }
        });
        return stored;
    }

    /** Replaces the encrypted secrets and the callback token's hash (a retry brings a new token, maybe fresh secrets). */
    public void replaceSecrets(String jobId, String sealedSecrets, String callbackTokenHash) {
        database.jdbi()
                .useHandle(h -> h.createUpdate(
                                "UPDATE jobs SET secrets_sealed = :s, callback_token_hash = :t WHERE id = :id")
                        .bind("s", sealedSecrets)
                        .bind("t", callbackTokenHash)
                        .bind("id", jobId)
                        .execute());
    }

    public void appendEvent(String jobId, JobEvent event) {
        database.jdbi().useTransaction(h -> {
            // holds the job's row, so concurrent appenders of this job take turns for the next sequence number
            h.createUpdate("UPDATE jobs SET updated_at = updated_at WHERE id = :id")
                    .bind("id", jobId)
                    .execute();
            EventRows.append(h, jobId, event);
        });
        listener.eventStored(jobId, event);
    }

    /** Deletes up to {@code limit} final jobs that finished before {@code cutoff}, with their events; returns how many. */
    public int deleteFinished(Instant cutoff, int limit) {
        return database.jdbi().inTransaction(h -> {
            List<String> ids = h.createQuery("SELECT id FROM jobs WHERE completed_at < :cutoff "
                            + "AND status IN ('completed', 'failed', 'cancelled') ORDER BY completed_at LIMIT :limit"
                            + (database.isPostgres() ? " FOR UPDATE SKIP LOCKED" : ""))
                    .bind("cutoff", cutoff.toEpochMilli())
                    .bind("limit", limit)
                    .mapTo(String.class)
                    .list();
            if (ids.isEmpty()) {
                return 0;
            }
            h.createUpdate("DELETE FROM job_events WHERE job_id IN (<ids>)")
                    .bindList("ids", ids)
                    .execute();
            return h.createUpdate("DELETE FROM jobs WHERE id IN (<ids>) AND status NOT IN " + OPEN)
                    .bindList("ids", ids)
                    .execute();
        });
    }
}
