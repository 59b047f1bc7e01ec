package dev.repoworker.api.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Durable jobs on PostgreSQL or SQLite through Jdbi, by aggregate: {@link #jobs()} (a job with its events and
 * secrets), {@link #outbox()} (claims that hand a pending job to a runner) and {@link #messages()} (the webhook
 * ids of applied callbacks). The writes that span aggregates are here and only here, each one transaction:
 * creating jobs (rows, {@code created} events and, on PostgreSQL, one {@code NOTIFY} that wakes the dispatchers
 * of every replica) and applying callbacks (job, events and webhook id).
 *
 * <p>Every method is safe to call from several threads and from several API replicas sharing one database, and
 * every method that writes has committed when it returns.
 */
public final class JobStore {

    /** The channel a batch of new jobs notifies on PostgreSQL. */
    public static final String JOBS_CHANNEL = "repo_worker_jobs";

    private final Database database;
    private final StoreListener listener;
    private final Jobs jobs;
    private final DispatchOutbox outbox;
    private final MessageLog messages;

    public JobStore(Database database) {
        this(database, StoreListener.NONE);
    }

    public JobStore(Database database, StoreListener listener) {
        this.database = database;
        this.listener = listener;
        this.jobs = new Jobs(database, listener);
        this.outbox = new DispatchOutbox(database, listener);
        this.messages = new MessageLog(database);
    }

    public Jobs jobs() {
        return jobs;
    }

    public DispatchOutbox outbox() {
        return outbox;
    }

    public MessageLog messages() {
        return messages;
    }

    /**
     * Stores new jobs, each pending and due at once with its {@code created} event, in one transaction. A job
     * whose idempotency key is already taken (in the database or earlier in {@code jobs}) stores nothing and
     * answers the existing job.
     */
    public List<Created> createAll(List<NewJob> newJobs) {
        List<Created> created;
        try {
            created = database.jdbi().inTransaction(h -> insertNew(h, newJobs));
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
            // another replica took one of these idempotency keys meanwhile: one by one, each sees the winner
            if (newJobs.size() > 1) {
                return newJobs.stream()
                        .flatMap(job -> createAll(List.of(job)).stream())
                        .toList();
            }
            String key = newJobs.get(0).job().idempotencyKey();
            return List.of(new Created(
                    database.jdbi().withHandle(h -> findByKey(h, key)).orElseThrow(() -> e), false));
        }
        created.stream().filter(Created::isNew).forEach(c -> {
            listener.created(c.job());
            listener.eventStored(c.job().id(), createdEvent(c.job()));
        });
        return created;
    }

    public Created create(Job job, String sealedSecrets) {
        return createAll(List.of(new NewJob(job, sealedSecrets))).get(0);
    }

    private List<Created> insertNew(Handle h, List<NewJob> newJobs) {
        Map<String, Job> byKey = new HashMap<>();
        Set<String> keys = new LinkedHashSet<>();
        newJobs.forEach(j -> {
            if (j.job().idempotencyKey() != null) {
                keys.add(j.job().idempotencyKey());
            }
        });
        if (!keys.isEmpty()) {
            h.createQuery("SELECT * FROM jobs WHERE idempotency_key IN (<keys>)")
                    .bindList("keys", List.copyOf(keys))
                    .map(JobRows.MAPPER)
                    .forEach(job -> byKey.put(job.idempotencyKey(), job));
        }
        List<Created> answers = new ArrayList<>();
        List<NewJob> fresh = new ArrayList<>();
        List<EventRows.Entry> events = new ArrayList<>();
        for (NewJob newJob : newJobs) {
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
        return JobEvent.of(
                job.createdAt(), JobEvent.CREATED, job.attempt(), "job created for task " + job.requestedTask());
    }

    private static Optional<Job> findByKey(Handle h, String key) {
        return h.createQuery("SELECT * FROM jobs WHERE idempotency_key = :key")
                .bind("key", key)
                .map(JobRows.MAPPER)
                .findOne();
    }

    /**
     * Applies callbacks in one transaction, each fenced by its attempt and by the job not being final (never
     * by a version, so a busy job cannot starve its own result). Webhook ids are recorded in the same
     * transaction; one seen before makes its callback {@link CallbackChange.Kind#REPLAYED}.
     */
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

    /** True when the database answers. */
    public boolean isReachable() {
        try {
            return database.jdbi()
                            .withHandle(h -> h.createQuery("SELECT 1")
                                    .mapTo(Integer.class)
                                    .one())
                    == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A job to store, its sealed secrets (null when it has none) and its callback token's hash (or null). */
    public record NewJob(Job job, String sealedSecrets, String callbackTokenHash) {
        public NewJob(Job job, String sealedSecrets) {
            this(job, sealedSecrets, null);
        }
    }

    /** The outcome of a creation. */
    public record Created(Job job, boolean isNew) {}
}
