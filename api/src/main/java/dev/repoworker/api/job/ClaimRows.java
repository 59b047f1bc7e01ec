package dev.repoworker.api.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The claim is the hand-over: one statement moves due pending jobs to {@code dispatched} with their runner,
 * Worker URL, lease and a new claim token. What the claimer writes afterwards (only when the send failed) is
 * fenced by that token and by the job still being {@code dispatched}: a callback, a cancel or the reconciler
 * that got there first voids the claim, and the late write changes nothing.
 */
final class ClaimRows {

    private static final String FENCE = " WHERE id = :id AND claim_token = :token AND status = 'dispatched'";

    private final String pickDue;

    ClaimRows(boolean postgres) {
        // PostgreSQL: replicas claim side by side, each skipping the rows another is claiming;
        // SQLite: one writer at a time, so the sub-select is the claim.
        this.pickDue = "SELECT id FROM jobs WHERE status = 'pending' AND due_at <= :now ORDER BY due_at LIMIT :limit"
                + (postgres ? " FOR UPDATE SKIP LOCKED" : "");
    }

    List<JobStore.Claim> claim(Handle h, Runner runner, String workerUrl, Instant now, Duration claimFor, int limit) {
        String token = JdbiJobStore.newToken();
        Instant until = now.plus(claimFor);
        List<JobStore.Claim> claimed = h.createQuery("UPDATE jobs SET status = 'dispatched', runner = :runner, "
                        + "worker_url = :workerUrl, lease_until = :until, claim_token = :token, due_at = NULL, "
                        + "version = version + 1, updated_at = :now WHERE id IN (" + pickDue + ") RETURNING *")
                .bind("runner", runner.wireName()).bind("workerUrl", workerUrl).bind("until", until.toEpochMilli())
                .bind("token", token).bind("now", now.toEpochMilli()).bind("limit", limit)
                .map((rs, ctx) -> new JobStore.Claim(JobRows.MAPPER.map(rs, ctx), token, rs.getInt("dispatch_tries"),
                        rs.getString("secrets_sealed"), until))
                .list();
        EventRows.appendAll(h, claimed.stream().map(c -> new EventRows.Entry(c.job().id(), handedOver(c, now))).toList());
        return claimed;
    }

    static JobEvent handedOver(JobStore.Claim claim, Instant now) {
        Job job = claim.job();
        String to = job.workerUrl() != null ? "the worker at " + job.workerUrl() : "the " + job.runner().wireName() + " runner";
        return JobEvent.of(now, JobEvent.DISPATCHED, job.attempt(), "handed to " + to + " (try " + (claim.tries() + 1) + ")");
    }

    boolean move(Handle h, JobStore.Claim claim, Runner runner, String workerUrl, JobEvent event) {
        int moved = h.createUpdate("UPDATE jobs SET runner = :runner, worker_url = :workerUrl, version = version + 1, "
                        + "updated_at = :now" + FENCE)
                .bind("runner", runner.wireName()).bind("workerUrl", workerUrl).bind("now", event.at().toEpochMilli())
                .bind("id", claim.job().id()).bind("token", claim.token()).execute();
        return appendIf(h, moved, claim, event);
    }

    boolean release(Handle h, JobStore.Claim claim, int tries, Instant dueAt, JobEvent event) {
        int released = h.createUpdate("UPDATE jobs SET status = 'pending', runner = NULL, worker_url = NULL, lease_until = NULL, "
                        + "claim_token = NULL, due_at = :due, dispatch_tries = :tries, version = version + 1, updated_at = :now" + FENCE)
                .bind("due", dueAt.toEpochMilli()).bind("tries", tries).bind("now", event.at().toEpochMilli())
                .bind("id", claim.job().id()).bind("token", claim.token()).execute();
        return appendIf(h, released, claim, event);
    }

    boolean fail(Handle h, JobStore.Claim claim, String error, Instant now, JobEvent event) {
        int failed = h.createUpdate("UPDATE jobs SET status = 'failed', error = :error, processed_at = :now, completed_at = :now, "
                        + "lease_until = NULL, claim_token = NULL, secrets_sealed = NULL, version = version + 1, updated_at = :now" + FENCE)
                .bind("error", StoredText.of(error)).bind("now", now.toEpochMilli())
                .bind("id", claim.job().id()).bind("token", claim.token()).execute();
        return appendIf(h, failed, claim, event);
    }

    private static boolean appendIf(Handle h, int changed, JobStore.Claim claim, JobEvent event) {
        if (changed == 1) {
            EventRows.append(h, claim.job().id(), event);
        }
        return changed == 1;
    }
}
