package dev.repoworker.api.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable jobs and their event log. Every method is safe to call from several threads and from several API
 * replicas sharing one database, and every method that writes has committed when it returns.
 *
 * <p>A pending job is its own dispatch intent (due at a time); a claim hands it over to a runner in the same
 * statement, and the claimer's later writes are fenced by the claim's token.
 */
public interface JobStore {

    /**
     * Stores new jobs, each pending and due at once with its {@code created} event, in one transaction. A job
     * whose idempotency key is already taken (in the database or earlier in {@code jobs}) stores nothing and
     * answers the existing job.
     */
    List<Created> createAll(List<NewJob> jobs);

    default Created create(Job job, String sealedSecrets) {
        return createAll(List.of(new NewJob(job, sealedSecrets))).get(0);
    }

    Optional<Job> find(String id);

    /** The encrypted secrets of a job, while a dispatch may still need them. */
    Optional<String> sealedSecrets(String id);

    /** The SHA-256 of the job's callback token ({@link CallbackTokens}); empty for an unknown job or one without. */
    Optional<String> callbackTokenHash(String id);

    List<JobEvent> events(String id);

    JobPage list(JobQuery query);

    /**
     * Page {@code page} (from 1) of {@code limit} jobs matching {@code filter}, newest first, with how many match
     * in all, read at one moment: the total always agrees with the page.
     */
    NumberedPage listPage(JobFilter filter, int page, int limit);

    /** How many jobs wait for a dispatch. */
    long pendingCount();

    /**
     * Writes {@code next} if the stored row still has {@code next.version()}, bumping the version, and appends
     * {@code events} in the same transaction. A final state drops the secrets; a non-null {@code dispatchAt}
     * makes the (pending) job due then, with no dispatch tries yet. Any claim on the job is void afterwards.
     *
     * @return the stored job, or empty when another writer got there first
     */
    Optional<Job> update(Job next, List<JobEvent> events, Instant dispatchAt);

    /**
     * Applies callbacks in one transaction, each fenced by its attempt and by the job not being final (never
     * by a version, so a busy job cannot starve its own result). Webhook ids are recorded in the same
     * transaction; one seen before makes its callback {@link CallbackChange.Verdict#REPLAYED}.
     */
    List<CallbackChange.Verdict> applyCallbacks(List<CallbackChange> changes);

    /** Forgets the recorded messages whose copies no longer verify (expired before {@code now}); returns how many. */
    int forgetMessages(Instant now);

    /** Replaces the encrypted secrets and the callback token's hash (a retry brings a new token, maybe fresh secrets). */
    void replaceSecrets(String jobId, String sealedSecrets, String callbackTokenHash);

    void appendEvent(String jobId, JobEvent event);

    /**
     * The hand-over: moves up to {@code limit} due pending jobs to {@code dispatched} with {@code runner},
     * {@code workerUrl} (null for a runner in or beside this process), a lease of {@code claimFor} and a new
     * claim token, in one statement, and returns them with their sealed secrets. A job is handed to exactly one
     * claimer.
     */
    List<Claim> claim(Runner runner, String workerUrl, Instant now, Duration claimFor, int limit);

    /** While {@code claim} still holds: the job goes to another Worker (the first was unreachable or busy). */
    boolean moveClaim(Claim claim, Runner runner, String workerUrl, JobEvent event);

    /** While {@code claim} still holds: back to pending, due at {@code dueAt} after {@code tries} failed tries. */
    boolean releaseClaim(Claim claim, int tries, Instant dueAt, JobEvent event);

    /** While {@code claim} still holds: the job fails for good with {@code error}. */
    boolean failClaim(Claim claim, String error, Instant now);

    /** Dispatched or running jobs whose lease ended before {@code now}, oldest first. */
    List<Job> expiredLeases(Instant now, int limit);

    /** Deletes up to {@code limit} final jobs that finished before {@code cutoff}, with their events; returns how many. */
    int deleteFinished(Instant cutoff, int limit);

    /** True when the database answers. */
    boolean isReachable();

    /** A job to store, its sealed secrets (null when it has none) and its callback token's hash (or null). */
    record NewJob(Job job, String sealedSecrets, String callbackTokenHash) {
        public NewJob(Job job, String sealedSecrets) {
            this(job, sealedSecrets, null);
        }
    }

    /** The outcome of a creation. */
    record Created(Job job, boolean isNew) {
    }

    /** A job handed over by {@link #claim}: fenced writes name its {@code token}. */
    record Claim(Job job, String token, int tries, String sealedSecrets, Instant claimedUntil) {
    }
}
