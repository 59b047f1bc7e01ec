package dev.repoworker.api.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.HandleCallback;

/**
 * The dispatch outbox: a pending job is its own dispatch intent (due at a time); a claim hands it over to a
 * runner in the same statement, and the claimer's later writes are fenced by the claim's token. Claims are one
 * {@code UPDATE … RETURNING} (skipping rows other replicas are claiming on PostgreSQL, {@code FOR UPDATE SKIP
 * LOCKED}; SQLite has one writer at a time).
 */
public final class DispatchOutbox {

    private final Database database;
    private final StoreListener listener;
    private final ClaimRows claims;

    DispatchOutbox(Database database, StoreListener listener) {
        this.database = database;
        this.listener = listener;
        this.claims = new ClaimRows(database.isPostgres());
    }

    /**
     * The hand-over: moves up to {@code limit} due pending jobs to {@code dispatched} with {@code runner},
     * {@code workerUrl} (null for a runner in or beside this process), a lease of {@code claimFor} and a new
     * claim token, in one statement, and returns them with their sealed secrets. A job is handed to exactly one
     * claimer.
     */
    public List<Claim> claim(Runner runner, String workerUrl, Instant now, Duration claimFor, int limit) {
        List<Claim> claimed =
                database.jdbi().inTransaction(h -> claims.claim(h, runner, workerUrl, now, claimFor, limit));
        claimed.forEach(c -> listener.eventStored(c.job().id(), ClaimRows.handedOver(c, now)));
        return claimed;
    }

    /** While {@code claim} still holds: the job goes to another Worker (the first was unreachable or busy). */
    public boolean moveClaim(Claim claim, Runner runner, String workerUrl, JobEvent event) {
        return fenced(claim, event, h -> claims.move(h, claim, runner, workerUrl, event));
    }

    /** While {@code claim} still holds: back to pending, due at {@code dueAt} after {@code tries} failed tries. */
    public boolean releaseClaim(Claim claim, int tries, Instant dueAt, JobEvent event) {
        return fenced(claim, event, h -> claims.release(h, claim, tries, dueAt, event));
    }

    /** While {@code claim} still holds: the job fails for good with {@code error}. */
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

    /** Dispatched or running jobs whose lease ended before {@code now}, oldest first. */
    public List<Job> expiredLeases(Instant now, int limit) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE status IN ('dispatched', 'running') "
                                + "AND lease_until < :now ORDER BY lease_until LIMIT :limit")
                        .bind("now", now.toEpochMilli())
                        .bind("limit", limit)
                        .map(JobRows.MAPPER)
                        .list());
    }

    /** A job handed over by {@link #claim}: fenced writes name its {@code token}. */
    public record Claim(Job job, String token, int tries, String sealedSecrets, Instant claimedUntil) {}
}
