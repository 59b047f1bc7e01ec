package dev.repoworker.api.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

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

    List<DispatchOutbox.Claim> claim(
            Handle h, Runner runner, String workerUrl, Instant now, Duration claimFor, int limit) {
        String token = newToken();
        Instant until = now.plus(claimFor);
        List<DispatchOutbox.Claim> claimed = h.createQuery("UPDATE jobs SET status = 'dispatched', runner = :runner, "
                        + "worker_url = :workerUrl, lease_until = :until, claim_token = :token, due_at = NULL, "
                        + "version = version + 1, updated_at = :now WHERE id IN (" + pickDue + ") RETURNING *")
                .bind("runner", runner.wireName())
                .bind("workerUrl", workerUrl)
                .bind("until", until.toEpochMilli())
                .bind("token", token)
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map((rs, ctx) -> new DispatchOutbox.Claim(
                        JobRows.MAPPER.map(rs, ctx),
                        token,
                        rs.getInt("dispatch_tries"),
                        rs.getString("secrets_sealed"),
                        until))
                .list();
        EventRows.appendAll(
                h,
                claimed.stream()
                        .map(c -> new EventRows.Entry(c.job().id(), handedOver(c, now)))
                        .toList());
        return claimed;
    }

    static JobEvent handedOver(DispatchOutbox.Claim claim, Instant now) {
        Job job = claim.job();
        String to = job.workerUrl() != null
                ? "the worker at " + job.workerUrl()
                : "the " + job.runner().wireName() + " runner";
        return JobEvent.of(
                now, JobEvent.DISPATCHED, job.attempt(), "handed to " + to + " (try " + (claim.tries() + 1) + ")");
    }

    boolean move(Handle h, DispatchOutbox.Claim claim, Runner runner, String workerUrl, JobEvent event) {
        return fenced(
                h,
                claim,
                event,
                "runner = :runner, worker_url = :workerUrl",
                u -> u.bind("runner", runner.wireName()).bind("workerUrl", workerUrl));
    }

    boolean release(Handle h, DispatchOutbox.Claim claim, int tries, Instant dueAt, JobEvent event) {
        return fenced(
                h,
                claim,
                event,
                "status = 'pending', runner = NULL, worker_url = NULL, lease_until = NULL, "
                        + "claim_token = NULL, due_at = :due, dispatch_tries = :tries",
                u -> u.bind("due", dueAt.toEpochMilli()).bind("tries", tries));
    }

    boolean fail(Handle h, DispatchOutbox.Claim claim, String error, JobEvent event) {
        return fenced(
                h,
                claim,
                event,
                "status = 'failed', error = :error, processed_at = :now, completed_at = :now, "
                        + "lease_until = NULL, claim_token = NULL, secrets_sealed = NULL",
                u -> u.bind("error", StoredText.of(error)));
    }

    /** {@code set} (and a version bump) while {@code claim} holds, with {@code event} appended when it did. */
    private static boolean fenced(
            Handle h, DispatchOutbox.Claim claim, JobEvent event, String set, UnaryOperator<Update> values) {
        int changed = values.apply(
                        h.createUpdate("UPDATE jobs SET " + set + ", version = version + 1, updated_at = :now" + FENCE))
                .bind("now", event.at().toEpochMilli())
                .bind("id", claim.job().id())
                .bind("token", claim.token())
                .execute();
        if (changed == 1) {
            EventRows.append(h, claim.job().id(), event);
        }
        return changed == 1;
    }

    /** A fresh claim token. */
    private static String newToken() {
        return UUID.randomUUID().toString();
    }
}
