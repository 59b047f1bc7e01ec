package dev.repoworker.api.dispatch;

import dev.repoworker.api.callback.CallbackHandler;
import dev.repoworker.api.fallback.LegacyJobRunner;
import dev.repoworker.api.job.DispatchOutbox;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.job.Runner;
import dev.repoworker.api.job.UnknownJobException;
import dev.repoworker.protocol.Callback;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks after jobs whose lease ran out: asks the Worker what became of them, applies a result it
 * kept, extends the lease of a job still running, and re-dispatches a lost job as its next attempt
 * (failing it after {@code maxAttempts}). A replica claims a job (a version-checked lease bump)
 * before acting, so several replicas never act on the same job at once.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final int BATCH = 20;
    private static final Duration RESEND_WITHIN = Duration.ofSeconds(10);

    private final Jobs jobs;
    private final DispatchOutbox outbox;
    private final WorkerClient worker;
    private final CallbackHandler callbacks;
    private final LegacyJobRunner fallback;
    private final Clock clock;
    private final Duration lease;
    private final Dispatcher dispatcher;

    public Reconciler(
            Jobs jobs,
            DispatchOutbox outbox,
            WorkerClient worker,
            Dispatcher dispatcher,
            CallbackHandler callbacks,
            LegacyJobRunner fallback,
            Clock clock,
            Duration lease) {
        this.dispatcher = dispatcher;
        this.jobs = jobs;
        this.outbox = outbox;
        this.worker = worker;
        this.callbacks = callbacks;
        this.fallback = fallback;
        this.clock = clock;
        this.lease = lease;
    }

    /** Reconciles the jobs whose lease has ended; returns how many this replica took on. */
    public int poll() {
        int taken = 0;
        for (Job expired : outbox.expiredLeases(clock.instant(), BATCH)) {
            Instant now = clock.instant();
            Optional<Job> claimed = jobs.update(expired.withLease(now.plus(lease), now), List.of(), null);
            if (claimed.isPresent()) {
                taken++;
                try {
                    reconcile(claimed.get());
                } catch (RuntimeException e) {
                    LOG.error("reconciling job {} failed; it is retried when its lease ends", expired.id(), e);
                }
            }
        }
        return taken;
    }

    private void reconcile(Job job) {
        if (job.runner() == Runner.WORKER && job.workerUrl() != null) {
            askWorker(job);
        } else if (fallback != null && fallback.kind() == job.runner() && fallback.isRunning(job.id())) {
            note(job, "still running on the " + job.runner().wireName() + " runner; lease extended");
        } else {
            lost(
                    job,
                    "the " + (job.runner() == null ? "unknown" : job.runner().wireName())
                            + " runner no longer has the job");
        }
    }

    private void askWorker(Job job) {
        WorkerJobState state = worker.status(job.workerUrl(), job.id());
        boolean sameAttempt = state.attempt() == null || state.attempt() == job.attempt();
        if (state.kind() == WorkerJobState.Kind.NOT_FOUND
                && job.status() == JobStatus.DISPATCHED
                && !resentBefore(job)) {
            // handed over, never heard of: the request may never have left (a claim lost in a crash). The same
            // attempt goes out again, once; the Worker's (jobId, attempt) dedup and the attempt fence make a copy
            // harmless.
            resend(job);
        } else if (state.kind() != WorkerJobState.Kind.FOUND) {
            lost(job, "no news within the lease and " + state.reason());
        } else if (!sameAttempt) {
            lost(job, "the worker runs attempt " + state.attempt() + ", not " + job.attempt());
        } else if (state.isFinished() && state.callback() != null) {
            applyKept(job, state.callback());
        } else if (state.isInProgress()) {
            note(job, "the worker reports the job " + state.state() + "; lease extended");
        } else {
            lost(job, "the worker reports the job " + state.state());
        }
    }

    private void applyKept(Job job, Callback kept) {
        Callback callback = new Callback(
                job.id(),
                kept.status(),
                kept.result(),
                kept.error(),
                kept.processedAt(),
                kept.duration(),
                kept.progress(),
                job.attempt(),
                kept.logs());
        jobs.appendEvent(
                job.id(),
                JobEvent.of(
                        clock.instant(),
                        JobEvent.RECONCILED,
                        job.attempt(),
                        "the callback was lost; applying the " + kept.status() + " result the worker kept"));
        try {
            callbacks.apply(callback);
        } catch (UnknownJobException e) {
            LOG.warn("job {} vanished while reconciling", job.id());
        }
    }

    private void note(Job job, String message) {
        jobs.appendEvent(job.id(), JobEvent.of(clock.instant(), JobEvent.RECONCILED, job.attempt(), message));
    }

    private boolean resentBefore(Job job) {
        return jobs.events(job.id()).stream()
                .anyMatch(e -> e.type().equals(JobEvent.RESENT) && e.attempt() == job.attempt());
    }

    /** The same attempt to the same Worker, once: a copy that did arrive meanwhile is deduplicated there. */
    private void resend(Job job) {
        DispatchOutcome outcome = dispatcher.resend(job, RESEND_WITHIN);
        Instant now = clock.instant();
        String sent = "the worker at " + job.workerUrl() + " did not have the job; attempt " + job.attempt()
                + " sent again: ";
        if (outcome instanceof DispatchOutcome.Accepted) {
            jobs.update(
                    job.withLease(now.plus(lease), now),
                    List.of(JobEvent.of(now, JobEvent.RESENT, job.attempt(), sent + "accepted")),
                    null);
        } else if (outcome instanceof DispatchOutcome.Rejected rejected) {
            String error = rejected.message();
            jobs.update(
                    job.moveTo(JobStatus.FAILED, now).withError(error, now),
                    List.of(JobEvent.of(now, JobEvent.FAILED, job.attempt(), error)),
                    null);
        } else if (outcome instanceof DispatchOutcome.Unanswered unanswered) {
            lost(job, "the worker at " + job.workerUrl() + " did not answer (" + unanswered.reason() + ")");
        } else {
            // the Worker is down or busy and never had this copy: the attempt is free to go anywhere
            jobs.update(
                    job.resend(now),
                    List.of(JobEvent.of(now, JobEvent.RESENT, job.attempt(), sent + "not taken; back to pending")),
                    now);
        }
        LOG.info(
                "job {}: {}{}",
                job.id(),
                sent,
                outcome.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
    }

    private void lost(Job job, String reason) {
        Instant now = clock.instant();
        if (job.attempt() < job.maxAttempts()) {
            Job next = job.nextAttempt(job.maxAttempts(), now);
            String message = reason + "; re-dispatching as attempt " + next.attempt() + " of " + job.maxAttempts();
            jobs.update(next, List.of(JobEvent.of(now, JobEvent.RECONCILED, job.attempt(), message)), now);
            LOG.info("job {}: {}", job.id(), message);
        } else {
            String error = "job lost: " + reason + "; gave up after " + job.attempt() + " attempts";
            jobs.update(
                    job.moveTo(JobStatus.FAILED, now).withError(error, now),
                    List.of(JobEvent.of(now, JobEvent.FAILED, job.attempt(), error)),
                    null);
            LOG.info("job {}: {}", job.id(), error);
        }
    }
}
