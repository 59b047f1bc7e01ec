package dev.repoworker.api.dispatch;

import dev.repoworker.api.fallback.LegacyJob;
import dev.repoworker.api.fallback.LegacyJobRunner;
import dev.repoworker.api.job.Dispatch;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.Runner;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.job.Secrets;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.protocol.ProcessRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Drains the dispatch outbox: claims due dispatches, sends each to the Worker and records the
 * outcome. Retryable failures back off; after {@code maxTries} the job goes to the fallback runner.
 * An unreachable Worker never uses up the job's own attempts.
 */
public final class Dispatcher implements AutoCloseable {

    /**
     * How dispatch behaves. {@code workerUrls} are used round-robin, one per dispatch; an empty list means
     * every job goes to the fallback runner.
     */
    public record Settings(List<String> workerUrls, String callbackUrl, int maxTries, Duration lease, Duration claimFor,
                           int parallelism, String instanceId) {
        public Settings {
            workerUrls = List.copyOf(workerUrls);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration RUNNER_BUSY_WAIT = Duration.ofSeconds(1);

    private final JobStore store;
    private final SecretBox secretBox;
    private final WorkerClient worker;
    private final LegacyJobRunner fallback;
    private final RetryPolicy retry;
    private final Settings settings;
    private final Clock clock;
    private final ExecutorService senders;
    private final Semaphore free;
    private final ApiMetrics metrics;
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final AtomicBoolean backlog = new AtomicBoolean();
    private volatile Runnable wakeUp = () -> { };

    /** @param fallback null when there is none: jobs that cannot reach a Worker then fail */
    public Dispatcher(JobStore store, SecretBox secretBox, WorkerClient worker, LegacyJobRunner fallback,
                      RetryPolicy retry, Settings settings, Clock clock) {
        this(store, secretBox, worker, fallback, retry, settings, clock, ApiMetrics.none());
    }

    public Dispatcher(JobStore store, SecretBox secretBox, WorkerClient worker, LegacyJobRunner fallback,
                      RetryPolicy retry, Settings settings, Clock clock, ApiMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.secretBox = secretBox;
        this.worker = worker;
        this.fallback = fallback;
        this.retry = retry;
        this.settings = settings;
        this.clock = clock;
        this.senders = Executors.newFixedThreadPool(settings.parallelism(), r -> {
            Thread t = new Thread(r, "dispatch-sender");
            t.setDaemon(true);
            return t;
        });
        this.free = new Semaphore(settings.parallelism());
    }

    /**
     * What to run when a sender frees up after a poll that was limited by the senders (there may be
     * more due work): a wake-up instead of waiting for the next poll tick. It must not run the poll
     * on a sender thread.
     */
    public void onBacklog(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** Claims what is due and hands it to the sender threads; returns how many were claimed. */
    public int poll() {
        int capacity = free.availablePermits();
        if (capacity == 0) {
            backlog.set(true);
            return 0;
        }
        List<Dispatch> claimed = store.claimDispatches(settings.instanceId(), clock.instant(), settings.claimFor(), capacity);
        if (claimed.size() == capacity) {
            backlog.set(true);
        }
        for (Dispatch dispatch : claimed) {
            free.acquireUninterruptibly();
            senders.execute(() -> {
                MDC.put("jobId", dispatch.jobId());
                MDC.put("attempt", Integer.toString(dispatch.attempt()));
                try {
                    send(dispatch);
                } catch (RuntimeException e) {
                    LOG.error("dispatch {} of job {} failed unexpectedly", dispatch.id(), dispatch.jobId(), e);
                    store.rescheduleDispatch(dispatch.id(), dispatch.tries(), clock.instant().plus(retry.backoff(dispatch.tries() + 1)),
                            "internal error: " + e.getClass().getSimpleName(), clock.instant());
                } finally {
                    MDC.remove("jobId");
                    MDC.remove("attempt");
                    free.release();
                    if (backlog.compareAndSet(true, false)) {
                        wakeUp.run();
                    }
                }
            });
        }
        return claimed.size();
    }

    void send(Dispatch dispatch) {
        Optional<Job> found = store.find(dispatch.jobId());
        if (found.isEmpty() || found.get().status() != JobStatus.PENDING || found.get().attempt() != dispatch.attempt()) {
            store.finishDispatch(dispatch.id(), Dispatch.OBSOLETE, "job no longer waits for this attempt", clock.instant());
            return;
        }
        Job job = found.get();
        Map<String, Object> secrets = store.sealedSecrets(job.id()).map(s -> secretBox.open(job.id(), s)).orElse(Map.of());
        Map<String, Object> data = Secrets.merge(job.input(), secrets);
        if (settings.workerUrls().isEmpty()) {
            runElsewhere(job, dispatch, data, secrets, "no worker URL is configured");
            return;
        }
        ProcessRequest request = new ProcessRequest(job.id(), job.task(), settings.callbackUrl(), data, job.attempt());
        List<String> urls = settings.workerUrls();
        int first = Math.floorMod(nextWorker.getAndIncrement(), urls.size());
        DispatchOutcome outcome = null;
        String workerUrl = null;
        // Round-robin; an unreachable or busy Worker hands the same try to the next one in the list.
        for (int i = 0; i < urls.size(); i++) {
            workerUrl = urls.get((first + i) % urls.size());
            long started = System.nanoTime();
            outcome = worker.process(workerUrl, request);
            metrics.dispatchAttempt(outcomeName(outcome), Duration.ofNanos(System.nanoTime() - started));
            if (!(outcome instanceof DispatchOutcome.Unreachable || outcome instanceof DispatchOutcome.Busy)) {
                break;
            }
        }
        if (outcome instanceof DispatchOutcome.Accepted) {
            accepted(job, dispatch, workerUrl);
        } else if (outcome instanceof DispatchOutcome.Rejected r) {
            rejected(job, dispatch, r, Secrets.values(secrets));
        } else if (outcome instanceof DispatchOutcome.Busy b) {
            notSent(job, dispatch, data, secrets, "worker answered " + b.status(), b.retryAfter());
        } else if (outcome instanceof DispatchOutcome.Unreachable u) {
            notSent(job, dispatch, data, secrets, u.reason(), null);
        }
    }

    private static String outcomeName(DispatchOutcome outcome) {
        if (outcome instanceof DispatchOutcome.Accepted) {
            return "accepted";
        }
        if (outcome instanceof DispatchOutcome.Rejected) {
            return "rejected";
        }
        return outcome instanceof DispatchOutcome.Busy ? "busy" : "unreachable";
    }

    private void accepted(Job job, Dispatch dispatch, String workerUrl) {
        Instant now = clock.instant();
        JobEvent event = JobEvent.of(now, JobEvent.DISPATCHED, job.attempt(),
                "accepted by the worker at " + workerUrl + " (try " + (dispatch.tries() + 1) + ")");
        Job next = job.moveTo(JobStatus.DISPATCHED, now).withRunner(Runner.WORKER, workerUrl).withLease(now.plus(settings.lease()), now);
        // the job's hand-over and the dispatch's closing in one transaction
        if (store.updateAndFinishDispatch(next, List.of(event), dispatch.id(), Dispatch.SENT, now).isEmpty()) {
            overtaken(job, next, event);
        }
    }

    private void rejected(Job job, Dispatch dispatch, DispatchOutcome.Rejected rejection, List<String> secretValues) {
        Instant now = clock.instant();
        String error = "the worker rejected the job (" + rejection.status() + "): " + Secrets.redactText(rejection.message(), secretValues);
        Job failed = job.moveTo(JobStatus.FAILED, now).withError(error, now);
        store.update(failed, List.of(JobEvent.of(now, JobEvent.FAILED, job.attempt(), error)), null);
        store.finishDispatch(dispatch.id(), Dispatch.REJECTED, error, now);
    }

    private void notSent(Job job, Dispatch dispatch, Map<String, Object> data, Map<String, Object> secrets, String reason, Duration retryAfter) {
        int tries = dispatch.tries() + 1;
        Instant now = clock.instant();
        if (tries >= settings.maxTries()) {
            runElsewhere(job, dispatch, data, secrets, "worker unreachable after " + tries + " tries (" + reason + ")");
            return;
        }
        Duration wait = retry.delay(tries, retryAfter);
        store.appendEvent(job.id(), JobEvent.of(now, JobEvent.DISPATCH_FAILED, job.attempt(),
                "try " + tries + " failed: " + reason + "; next try in " + wait.toMillis() + " ms"));
        store.rescheduleDispatch(dispatch.id(), tries, now.plus(wait), reason, now);
    }

    private void runElsewhere(Job job, Dispatch dispatch, Map<String, Object> data, Map<String, Object> secrets, String reason) {
        Instant now = clock.instant();
        if (fallback == null) {
            String error = reason + " and no fallback runner is configured (set LEGACY_JOB_COMMAND)";
            store.update(job.moveTo(JobStatus.FAILED, now).withError(error, now), List.of(JobEvent.of(now, JobEvent.FAILED, job.attempt(), error)), null);
            store.finishDispatch(dispatch.id(), Dispatch.REJECTED, error, now);
            return;
        }
        LegacyJob legacyJob = new LegacyJob(job.id(), job.task(), job.attempt(), data, settings.callbackUrl(), Secrets.values(secrets));
        boolean started;
        try {
            started = fallback.start(legacyJob);
        } catch (LegacyJobRunner.LegacyRunException e) {
            String error = reason + "; the fallback runner failed: " + e.getMessage();
            store.update(job.moveTo(JobStatus.FAILED, now).withError(error, now), List.of(JobEvent.of(now, JobEvent.FAILED, job.attempt(), error)), null);
            store.finishDispatch(dispatch.id(), Dispatch.REJECTED, error, now);
            return;
        }
        if (!started) {
            store.rescheduleDispatch(dispatch.id(), dispatch.tries(), now.plus(RUNNER_BUSY_WAIT), "fallback runner busy", now);
            return;
        }
        metrics.dispatchedElsewhere(fallback.kind().wireName());
        String type = fallback.kind() == Runner.SIMULATED ? JobEvent.SIMULATED : JobEvent.FALLBACK;
        JobEvent event = JobEvent.of(now, type, job.attempt(), reason + "; running on the " + fallback.kind().wireName() + " runner");
        Job next = job.moveTo(JobStatus.DISPATCHED, now).withRunner(fallback.kind(), null).withLease(now.plus(settings.lease()), now);
        handedOver(job, next, event);
        store.finishDispatch(dispatch.id(), Dispatch.FALLBACK, reason, now);
    }

    /** Records the hand-over; a fast runner's callback may already have moved the job on, which is fine. */
    private void handedOver(Job job, Job next, JobEvent event) {
        if (store.update(next, List.of(event), null).isEmpty()) {
            overtaken(job, next, event);
        }
    }

    private void overtaken(Job job, Job next, JobEvent event) {
        Job now = store.find(job.id()).orElseThrow();
        store.appendEvent(job.id(), event);
        if (now.attempt() == job.attempt() && now.status() == JobStatus.CANCELLED && next.runner() != Runner.WORKER) {
            fallback.cancel(job.id());
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
