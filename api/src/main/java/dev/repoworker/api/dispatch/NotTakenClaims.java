package dev.repoworker.api.dispatch;

import dev.repoworker.api.fallback.LegacyJobRunner;
import dev.repoworker.api.job.DispatchOutbox;
import dev.repoworker.api.job.DispatchOutbox.Claim;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.job.Runner;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.protocol.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What becomes of a claimed job no Worker took. A refused job fails; a busy or unreachable Worker hands the same try
 * to the next Worker in the list, and after that the job goes back to pending with a backoff, or to the fallback
 * runner after {@code maxTries} — or at once when no Worker could be reached and {@code fallBackWhenUnreachable} says
 * not to wait for one. Every write here is fenced by the claim's token, so a claim the reconciler has taken over
 * changes nothing.
 */
final class NotTakenClaims {

    /**
     * Claims a Worker did not take, and why: the last reason given, the last {@code Retry-After} a busy answer asked
     * for, and whether the Worker was unreachable for all of them (none answered busy).
     */
    record NotTaken(List<Claim> claims, String reason, Duration retryAfter, boolean unreachable) {}

    /** The same try, handed to the Worker at {@code url}: the claims that moved there. */
    record NextWorker(String url, List<Claim> claims) {}

    private static final Duration RUNNER_BUSY_WAIT = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(10);

    private final Jobs jobs;
    private final DispatchOutbox outbox;
    private final LegacyJobRunner fallback;
    private final RunnerStop runners;
    private final Backoff retry;
    private final WorkerRotation workers;
    private final RunnerRequests requests;
    private final int maxTries;
    private final boolean fallBackWhenUnreachable;
    private final Clock clock;
    private final ApiMetrics metrics;

    NotTakenClaims(
            Jobs jobs,
            DispatchOutbox outbox,
            LegacyJobRunner fallback,
            RunnerStop runners,
            Backoff retry,
            WorkerRotation workers,
            RunnerRequests requests,
            int maxTries,
            boolean fallBackWhenUnreachable,
            Clock clock,
            ApiMetrics metrics) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.fallback = fallback;
        this.runners = runners;
        this.retry = retry;
        this.workers = workers;
        this.requests = requests;
        this.maxTries = maxTries;
        this.fallBackWhenUnreachable = fallBackWhenUnreachable;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The Worker refused the job: it will never take it, so the job fails with the Worker's (redacted) reason. */
    void rejected(Claim claim, DispatchOutcome.Rejected rejection) {
        outbox.failClaim(claim, requests.rejectionError(claim, rejection), clock.instant());
    }

    /**
     * The Worker at {@code url}, the {@code workersTried}-th to get this try, did not take {@code notTaken}. Returns
     * the next Worker with the claims moved to it, for the caller to send there; or, once every Worker had this try,
     * settles them (back to pending, or to the fallback runner) and returns empty.
     */
    Optional<NextWorker> notSent(String url, int workersTried, NotTaken notTaken) {
        if (workersTried < workers.size()) {
            // the same try goes to the next Worker in the list: a dead Worker costs no backoff while another is up
            String next = workers.after(url);
            Instant now = clock.instant();
            List<Claim> moved = notTaken.claims().stream()
                    .filter(c -> outbox.moveClaim(
                            c,
                            Runner.WORKER,
                            next,
                            JobEvent.of(
                                    now,
                                    JobEvent.DISPATCHED,
                                    c.job().attempt(),
                                    "handed to the worker at " + next + " (the worker at " + url + " did not take it: "
                                            + notTaken.reason() + ")")))
                    .toList();
            return Optional.of(new NextWorker(next, moved));
        }
        for (Claim claim : notTaken.claims()) {
            retryLater(claim, notTaken);
        }
        return Optional.empty();
    }

    private void retryLater(Claim claim, NotTaken notTaken) {
        int tries = claim.tries() + 1;
        String reason = notTaken.reason();
        if (notTaken.unreachable() && fallBackWhenUnreachable) {
            runElsewhere(claim, "the worker is not reachable (" + reason + ")");
        } else if (tries >= maxTries) {
            runElsewhere(claim, "worker unreachable after " + tries + " tries (" + reason + ")");
        } else {
            Instant now = clock.instant();
            Duration wait = retry.delay(tries - 1, notTaken.retryAfter(), LONGEST_RETRY_AFTER);
            outbox.releaseClaim(
                    claim,
                    tries,
                    now.plus(wait),
                    JobEvent.of(
                            now,
                            JobEvent.DISPATCH_FAILED,
                            claim.job().attempt(),
                            "try " + tries + " failed: " + reason + "; next try in " + wait.toMillis() + " ms"));
        }
    }

    /**
     * Hands the job to the fallback runner ({@code reason} says why no Worker runs it), or fails it when there is
     * none; a busy runner sends it back to pending for a short wait, without spending a try.
     */
    void runElsewhere(Claim claim, String reason) {
        Instant now = clock.instant();
        Job job = claim.job();
        if (fallback == null) {
            outbox.failClaim(claim, reason + " and no fallback runner is configured (set LEGACY_JOB_COMMAND)", now);
            return;
        }
        JobEvent event = fallback.kind() == Runner.SIMULATED
                ? JobEvent.of(
                        now,
                        JobEvent.SIMULATED,
                        job.attempt(),
                        reason + "; development mode: the job is simulated, nothing is processed")
                : JobEvent.of(
                        now,
                        JobEvent.FALLBACK,
                        job.attempt(),
                        reason + "; running on the " + fallback.kind().wireName() + " runner");
        // recorded before the start, so the runner's callback always finds the hand-over in place
        if (!outbox.moveClaim(claim, fallback.kind(), null, event)) {
            return;
        }
        try {
            if (fallback.start(requests.forFallback(claim))) {
                metrics.dispatchedElsewhere(fallback.kind().wireName());
                // cancelled between the hand-over and the start
                jobs.find(job.id())
                        .filter(j -> j.status() == JobStatus.CANCELLED && j.attempt() == job.attempt())
                        .ifPresent(runners::stop);
            } else {
                outbox.releaseClaim(
                        claim,
                        claim.tries(),
                        now.plus(RUNNER_BUSY_WAIT),
                        JobEvent.of(
                                now,
                                JobEvent.DISPATCH_FAILED,
                                job.attempt(),
                                "the " + fallback.kind().wireName() + " runner is busy"));
            }
        } catch (LegacyJobRunner.LegacyRunException e) {
            outbox.failClaim(claim, reason + "; the fallback runner failed: " + e.getMessage(), now);
        }
    }
}
