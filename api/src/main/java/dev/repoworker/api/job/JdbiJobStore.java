package dev.repoworker.api.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * {@link JobStore} on PostgreSQL or SQLite through Jdbi. Batches are one transaction each with one JDBC batch
 * per statement shape; claims are one {@code UPDATE … RETURNING} (skipping rows other replicas are claiming on
 * PostgreSQL, {@code FOR UPDATE SKIP LOCKED}; SQLite has one writer at a time). On PostgreSQL a batch of new
 * jobs also sends one {@code NOTIFY}, which wakes the dispatchers of every replica.
 */
public final class JdbiJobStore implements JobStore {

    /** The channel a batch of new jobs notifies on PostgreSQL. */
    public static final String JOBS_CHANNEL = "repo_worker_jobs";

    private static final String OPEN = "('pending', 'dispatched', 'running')";

    private final Database database;
    private final StoreListener listener;
    private final ClaimRows claims;

    public JdbiJobStore(Database database) {
        this(database, StoreListener.NONE);
    }

    public JdbiJobStore(Database database, StoreListener listener) {
        this.database = database;
        this.listener = listener;
        this.claims = new ClaimRows(database.isPostgres());
    }

    @Override
    public List<Created> createAll(List<NewJob> jobs) {
        List<Created> created;
        try {
            created = database.jdbi().inTransaction(h -> insertNew(h, jobs));
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
            // another replica took one of these idempotency keys meanwhile: one by one, each sees the winner
            if (jobs.size() > 1) {
                return jobs.stream().flatMap(job -> createAll(List.of(job)).stream()).toList();
            }
            String key = jobs.get(0).job().idempotencyKey();
            return List.of(new Created(database.jdbi().withHandle(h -> findByKey(h, key)).orElseThrow(() -> e), false));
        }
        created.stream().filter(Created::isNew).forEach(c -> {
            listener.created(c.job());
            listener.eventStored(c.job().id(), createdEvent(c.job()));
        });
        return created;
    }

    private List<Created> insertNew(Handle h, List<NewJob> jobs) {
        Map<String, Job> byKey = new HashMap<>();
        Set<String> keys = new LinkedHashSet<>();
        jobs.forEach(j -> {
            if (j.job().idempotencyKey() != null) {
                keys.add(j.job().idempotencyKey());
            }
        });
        if (!keys.isEmpty()) {
            h.createQuery("SELECT * FROM jobs WHERE idempotency_key IN (<keys>)").bindList("keys", List.copyOf(keys))
                    .map(JobRows.MAPPER).forEach(job -> byKey.put(job.idempotencyKey(), job));
        }
        List<Created> answers = new ArrayList<>();
        List<NewJob> fresh = new ArrayList<>();
        List<EventRows.Entry> events = new ArrayList<>();
        for (NewJob newJob : jobs) {
            Job job = newJob.job();
            Job existing = job.idempotencyKey() == null ? null : byKey.get(job.idempotencyKey());
            if (existing != null) {
                answers.add(new Created(existing, false));
                continue;
            }
            if (job.idempotencyKey() != null) {
                byKey.put(job.idempotencyKey(), job);
            }
            fresh.add(newJob);
            events.add(new EventRows.Entry(job.id(), createdEvent(job)));
            answers.add(new Created(job, true));
        }
        if (!fresh.isEmpty()) {
            JobRows.insertAll(h, fresh);
            EventRows.appendFirst(h, events);
            if (database.isPostgres()) {
                h.execute("NOTIFY " + JOBS_CHANNEL);
            }
        }
        return answers;
    }

    private static JobEvent createdEvent(Job job) {
        return JobEvent.of(job.createdAt(), JobEvent.CREATED, job.attempt(), "job created for task " + job.requestedTask());
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
    public Optional<String> callbackTokenHash(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT callback_token_hash FROM jobs WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne());
    }

    @Override
    public List<JobEvent> events(String id) {
        return database.jdbi().withHandle(h -> EventRows.list(h, id));
    }

    @Override
    public JobPage list(JobQuery query) {
        return database.jdbi().withHandle(h -> JobListRows.byCursor(h, query));
    }

    @Override
    public NumberedPage listPage(JobFilter filter, int page, int limit) {
        if (page < 1 || limit < 1) {
            throw new IllegalArgumentException("page and limit start at 1");
        }
        // PostgreSQL reads each statement at its own moment unless asked otherwise; SQLite's transaction is one snapshot
        return database.isPostgres()
                ? database.jdbi().inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> JobListRows.byNumber(h, filter, page, limit))
                : database.jdbi().inTransaction(h -> JobListRows.byNumber(h, filter, page, limit));
    }

    @Override
    public long pendingCount() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE status = 'pending'")
                .mapTo(Long.class).one());
    }

    @Override
    public Optional<Job> update(Job next, List<JobEvent> events, Instant dispatchAt) {
        Optional<Job> stored = database.jdbi().inTransaction(h -> {
            if (!JobRows.updateIfVersion(h, next, dispatchAt)) {
                return Optional.<Job>empty();
            }
            EventRows.appendAll(h, events.stream().map(e -> new EventRows.Entry(next.id(), e)).toList());
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

    @Override
    public List<CallbackChange.Verdict> applyCallbacks(List<CallbackChange> changes) {
        List<CallbackChange.Verdict> verdicts = database.jdbi().inTransaction(h -> CallbackRows.apply(h, changes));
        for (int i = 0; i < changes.size(); i++) {
            CallbackChange change = changes.get(i);
            CallbackChange.Verdict verdict = verdicts.get(i);
            if (verdict.kind() == CallbackChange.Kind.APPLIED) {
                change.events().forEach(event -> listener.eventStored(change.jobId(), event));
                if (change.target().isFinal()) {
                    listener.finished(change.jobId(), verdict.task(), verdict.attempt(), change.target());
                }
            }
        }
        return verdicts;
    }

    @Override
    public int forgetMessages(Instant now) {
        return database.jdbi().withHandle(h -> h.createUpdate("DELETE FROM webhook_messages WHERE expires_at < :now")
                .bind("now", now.toEpochMilli()).execute());
    }

    @Override
    public void replaceSecrets(String jobId, String sealedSecrets, String callbackTokenHash) {
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET secrets_sealed = :s, callback_token_hash = :t WHERE id = :id")
                .bind("s", sealedSecrets).bind("t", callbackTokenHash).bind("id", jobId).execute());
    }

    @Override
    public void appendEvent(String jobId, JobEvent event) {
        database.jdbi().useTransaction(h -> {
            // holds the job's row, so concurrent appenders of this job take turns for the next sequence number
            h.createUpdate("UPDATE jobs SET updated_at = updated_at WHERE id = :id").bind("id", jobId).execute();
            EventRows.append(h, jobId, event);
        });
        listener.eventStored(jobId, event);
    }

    @Override
    public List<Claim> claim(Runner runner, String workerUrl, Instant now, Duration claimFor, int limit) {
        List<Claim> claimed = database.jdbi().inTransaction(h -> claims.claim(h, runner, workerUrl, now, claimFor, limit));
        claimed.forEach(c -> listener.eventStored(c.job().id(), ClaimRows.handedOver(c, now)));
        return claimed;
    }

    @Override
    public boolean moveClaim(Claim claim, Runner runner, String workerUrl, JobEvent event) {
        return fenced(claim, event, h -> claims.move(h, claim, runner, workerUrl, event));
    }

    @Override
    public boolean releaseClaim(Claim claim, int tries, Instant dueAt, JobEvent event) {
        return fenced(claim, event, h -> claims.release(h, claim, tries, dueAt, event));
    }

    @Override
    public boolean failClaim(Claim claim, String error, Instant now) {
        JobEvent event = JobEvent.of(now, JobEvent.FAILED, claim.job().attempt(), error);
        boolean failed = fenced(claim, event, h -> claims.fail(h, claim, error, event));
        if (failed) {
            listener.finished(claim.job().id(), claim.job().task(), claim.job().attempt(), JobStatus.FAILED);
        }
        return failed;
    }

    /** A write that holds only while {@code claim} does; its event is told once committed. */
    private boolean fenced(Claim claim, JobEvent event, HandleCallback<Boolean, RuntimeException> write) {
        boolean written = database.jdbi().inTransaction(write);
        if (written) {
            listener.eventStored(claim.job().id(), event);
        }
        return written;
    }

    @Override
    public List<Job> expiredLeases(Instant now, int limit) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE status IN ('dispatched', 'running') "
                        + "AND lease_until < :now ORDER BY lease_until LIMIT :limit")
                .bind("now", now.toEpochMilli()).bind("limit", limit).map(JobRows.MAPPER).list());
    }

    @Override
    public int deleteFinished(Instant cutoff, int limit) {
        return database.jdbi().inTransaction(h -> {
            List<String> ids = h.createQuery("SELECT id FROM jobs WHERE completed_at < :cutoff "
                            + "AND status IN ('completed', 'failed', 'cancelled') ORDER BY completed_at LIMIT :limit"
                            + (database.isPostgres() ? " FOR UPDATE SKIP LOCKED" : ""))
                    .bind("cutoff", cutoff.toEpochMilli()).bind("limit", limit).mapTo(String.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            h.createUpdate("DELETE FROM job_events WHERE job_id IN (<ids>)").bindList("ids", ids).execute();
            return h.createUpdate("DELETE FROM jobs WHERE id IN (<ids>) AND status NOT IN " + OPEN).bindList("ids", ids).execute();
        });
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
}
