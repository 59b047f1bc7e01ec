package dev.repoworker.api.job;

import dev.repoworker.protocol.Signatures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable jobs, their event log and the dispatch outbox. Every method is safe to call from
 * several threads and from several API replicas sharing one database.
 */
public interface JobStore {

    /**
     * Stores a new job, its {@code created} event and its first dispatch (due at {@code dispatchDue})
     * in one transaction. When the job's idempotency key is already taken, stores nothing and
     * returns the existing job.
     */
    Created create(Job job, String sealedSecrets, Instant dispatchDue);

    Optional<Job> find(String id);

    /** The encrypted secrets of a job, while a dispatch may still need them. */
    Optional<String> sealedSecrets(String id);

    List<JobEvent> events(String id);

    JobPage list(JobQuery query);

    /**
     * Writes {@code next} if the stored row still has {@code next.version()}, bumping the version,
     * and appends {@code events} in the same transaction. A final state drops the secrets and closes
     * open dispatches; a non-null {@code dispatchAt} enqueues a dispatch of {@code next.attempt()}.
     *
     * @return the stored job, or empty when another writer got there first
     */
    Optional<Job> update(Job next, List<JobEvent> events, Instant dispatchAt);

    /**
     * {@link #update} without a new dispatch and, in the same transaction, {@link #finishDispatch} of
     * {@code dispatchId} (closed whether or not the job row was written).
     */
    default Optional<Job> updateAndFinishDispatch(Job next, List<JobEvent> events, String dispatchId, String state, Instant now) {
        Optional<Job> stored = update(next, events, null);
        finishDispatch(dispatchId, state, null, now);
        return stored;
    }

    /**
     * {@link #update} and, in the same transaction, records {@code message} (a verified callback's
     * {@code webhook-id}) as acted on at {@code next.updatedAt()}. When the id was recorded before, nothing
     * is written and {@link ReplayedMessageException} is thrown; when the version check loses, nothing is
     * written either (the id stays free for the caller's next try).
     */
    Optional<Job> updateOnce(Job next, List<JobEvent> events, Signatures.Verified message);

    /** Records {@code message} as acted on without changing a job; {@link ReplayedMessageException} when it was recorded before. */
    void recordMessage(Signatures.Verified message, Instant now);

    /** Forgets the recorded messages whose copies no longer verify (expired before {@code now}); returns how many. */
    int forgetMessages(Instant now);

    /** Replaces the encrypted secrets (a retry may bring fresh ones). */
    void replaceSecrets(String jobId, String sealedSecrets);

    void appendEvent(String jobId, JobEvent event);

    /**
     * Claims up to {@code limit} due, open dispatches for {@code claimFor}. A dispatch is handed to
     * exactly one claimer until its claim expires or it is finished or rescheduled.
     */
    List<Dispatch> claimDispatches(String claimer, Instant now, Duration claimFor, int limit);

    /** Closes a dispatch for good ({@code sent}, {@code fallback}, {@code rejected}, {@code obsolete}). */
    void finishDispatch(String dispatchId, String state, String note, Instant now);

    /** Releases a claimed dispatch to be tried again at {@code dueAt}. */
    void rescheduleDispatch(String dispatchId, int tries, Instant dueAt, String error, Instant now);

    /** Dispatched or running jobs whose lease ended before {@code now}, oldest first. */
    List<Job> expiredLeases(Instant now, int limit);

    /** True when the database answers. */
    boolean isReachable();

    /** The outcome of {@link #create}. */
    record Created(Job job, boolean isNew) {
    }
}
