package dev.repoworker.api.dispatch;

import dev.repoworker.api.dispatch.NotTakenClaims.NextWorker;
import dev.repoworker.api.dispatch.NotTakenClaims.NotTaken;
import dev.repoworker.api.job.DispatchOutbox.Claim;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.protocol.TaskType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs a claimed batch to its Worker in one request and sorts the answers: nothing is written for a job the Worker
 * took (but the {@code accepted} event of a deploy), and what it did not take goes to {@link NotTakenClaims}, which
 * may hand the same try to the next Worker. A request never outlives its claim: it waits at most until the earliest
 * claim in it ends, and none starts with less than {@link #MIN_REQUEST_TIME} left, so a job is never sent by a claim
 * the reconciler has taken over.
 */
final class BatchSender {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);
    private static final Duration MIN_REQUEST_TIME = Duration.ofMillis(100);

    private final Jobs jobs;
    private final WorkerClient worker;
    private final WorkerRotation workers;
    private final RunnerRequests requests;
    private final NotTakenClaims notTaken;
    private final Clock clock;
    private final ApiMetrics metrics;

    BatchSender(
            Jobs jobs,
            WorkerClient worker,
            WorkerRotation workers,
            RunnerRequests requests,
            NotTakenClaims notTaken,
            Clock clock,
            ApiMetrics metrics) {
        this.jobs = jobs;
        this.worker = worker;
        this.workers = workers;
        this.requests = requests;
        this.notTaken = notTaken;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Sends {@code batch} to {@code url}, and what it did not take to the next Workers while there are any. */
    void send(String url, List<Claim> batch) {
        Optional<NextWorker> next = Optional.of(new NextWorker(url, batch));
        for (int workersTried = 1; next.isPresent(); workersTried++) {
            next = sendOnce(next.get().url(), next.get().claims(), workersTried);
        }
    }

    private Optional<NextWorker> sendOnce(String url, List<Claim> batch, int workersTried) {
        Instant now = clock.instant();
        List<Claim> sendable = batch.stream()
                .filter(c -> now.plus(MIN_REQUEST_TIME).isBefore(c.claimedUntil()))
                .toList();
        if (sendable.isEmpty()) {
            return Optional.empty();
        }
        Duration within = Duration.between(
                now,
                sendable.stream()
                        .map(Claim::claimedUntil)
                        .min(Instant::compareTo)
                        .orElseThrow());
        long started = System.nanoTime();
        List<DispatchOutcome> outcomes = worker.processAll(
                url, sendable.stream().map(requests::forWorker).toList(), within);
        NotTaken notSent = sortAnswers(url, sendable, outcomes, Duration.ofNanos(System.nanoTime() - started));
        return notSent.claims().isEmpty() ? Optional.empty() : notTaken.notSent(url, workersTried, notSent);
    }

    /** Records each answer and settles a refusal; returns the claims the Worker did not take, and why. */
    private NotTaken sortAnswers(String url, List<Claim> sendable, List<DispatchOutcome> outcomes, Duration took) {
        List<Claim> notSent = new ArrayList<>();
        String reason = null;
        Duration retryAfter = null;
        boolean busy = false;
        for (int i = 0; i < sendable.size(); i++) {
            Claim claim = sendable.get(i);
            DispatchOutcome outcome = outcomes.get(i);
            metrics.dispatchAttempt(outcomeName(outcome), took);
            switch (outcome) {
                case DispatchOutcome.Rejected rejected -> notTaken.rejected(claim, rejected);
                case DispatchOutcome.Accepted accepted -> accepted(url, claim);
                case DispatchOutcome.Busy answer -> {
                    notSent.add(claim);
                    busy = true;
                    reason = "worker answered " + answer.status();
                    retryAfter = answer.retryAfter();
                    workers.busy(url, clock.instant(), answer.retryAfter());
                }
                case DispatchOutcome.Unreachable unreachable -> {
                    notSent.add(claim);
                    reason = unreachable.reason();
                }
                case DispatchOutcome.Unanswered unanswered ->
                    LOG.debug(
                            "job {}: no answer from the worker at {} ({}); the reconciler asks it when the claim ends",
                            claim.job().id(),
                            url,
                            unanswered.reason());
            }
        }
        return new NotTaken(notSent, reason, retryAfter, !busy);
    }

    /** When a deploy started: its project's webhooks announce it ({@code deployment.started}). */
    private void accepted(String url, Claim claim) {
        if (TaskType.DEPLOY_REPO.wireName().equals(claim.job().task())) {
            jobs.appendEvent(
                    claim.job().id(),
                    JobEvent.of(
                            clock.instant(),
                            JobEvent.ACCEPTED,
                            claim.job().attempt(),
                            "accepted by the worker at " + url));
        }
    }

    /** The reconciler's resend: the job's current attempt, again, to the Worker it was handed to. */
    DispatchOutcome resend(Job job, Duration within) {
        Claim claim = new Claim(job, null, 0, jobs.sealedSecrets(job.id()).orElse(null), job.leaseUntil());
        DispatchOutcome outcome = worker.process(job.workerUrl(), requests.forWorker(claim), within);
        return outcome instanceof DispatchOutcome.Rejected rejected
                ? new DispatchOutcome.Rejected(rejected.status(), requests.rejectionError(claim, rejected))
                : outcome;
    }

    private static String outcomeName(DispatchOutcome outcome) {
        return switch (outcome) {
            case DispatchOutcome.Accepted accepted -> "accepted";
            case DispatchOutcome.Rejected rejected -> "rejected";
            case DispatchOutcome.Unanswered unanswered -> "unanswered";
            case DispatchOutcome.Busy busy -> "busy";
            case DispatchOutcome.Unreachable unreachable -> "unreachable";
        };
    }
}
