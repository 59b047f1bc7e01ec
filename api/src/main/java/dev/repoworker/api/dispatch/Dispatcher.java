package dev.repoworker.api.dispatch;

import dev.repoworker.api.fallback.LegacyJob;
import dev.repoworker.api.fallback.LegacyJobRunner;
import dev.repoworker.api.job.CallbackTokens;
import dev.repoworker.api.job.DispatchOutbox;
import dev.repoworker.api.job.DispatchOutbox.Claim;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.job.Runner;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.job.Secrets;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.protocol.Backoff;
import dev.repoworker.protocol.ProcessRequest;
import dev.repoworker.protocol.TaskType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands pending jobs to their runner. It picks the Worker first, then claims a batch of due jobs for it in one
 * statement (the claim is the hand-over: the job is {@code dispatched} to that Worker before the request goes
 * out), then POSTs them in one request. Nothing is written after the POST unless it failed: a refused job
 * fails, an unreachable or busy Worker hands the same try to the next Worker in the list, and after that the
 * job goes back to pending with a backoff, or to the fallback runner after {@code maxTries} — or at once when
 * no Worker could be reached and {@code fallBackWhenUnreachable} says not to wait for one. Every write after
 * the claim is fenced by the claim's token, and no request starts once the claim could expire before its
 * answer, so a job is never sent by a claim the reconciler has taken over.
 */
public final class Dispatcher implements AutoCloseable {

    /**
     * How dispatch behaves. {@code workerUrls} are used round-robin, one per batch; an empty list means every
     * job goes to the fallback runner. A claim holds for {@code claimFor} (then the reconciler looks after the
     * job); a batch has at most {@code batchSize} jobs, and {@code parallelism} batches are in flight at once.
     * {@code fallBackWhenUnreachable}: a job whose Worker cannot be reached (connection refused or not made, 408,
     * a 5xx other than 503) goes to the fallback runner at once instead of after {@code maxTries} — development,
     * where that runner is the simulation; a busy Worker (429, 503) is still waited for. A poll runs every
     * {@code pollEvery}, and sooner when {@link #wakeUp} asks.
     */
    public record Settings(
            List<String> workerUrls,
            int maxTries,
            Duration claimFor,
            int parallelism,
            int batchSize,
            boolean fallBackWhenUnreachable,
            Duration pollEvery) {
        public Settings {
            workerUrls = List.copyOf(workerUrls);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration RUNNER_BUSY_WAIT = Duration.ofSeconds(1);
    private static final Duration BUSY_WAIT = Duration.ofMillis(200);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(10);
    private static final Duration MIN_REQUEST_TIME = Duration.ofMillis(100);

    private final Jobs jobs;
    private final DispatchOutbox outbox;
    private final SecretBox secretBox;
    private final WorkerClient worker;
    private final LegacyJobRunner fallback;
    private final RunnerStop runners;
    private final Backoff retry;
    private final Settings settings;
    private final Clock clock;
    private final ExecutorService senders;
    private final Semaphore free;
    private final ApiMetrics metrics;
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final Map<String, Instant> busyUntil = new ConcurrentHashMap<>();
    private final AtomicBoolean backlog = new AtomicBoolean();
    private final ScheduledExecutorService loops;
    private final WakeUp soon;
    /** Where runners send their callbacks: known once the API listens, set by {@link #start}. */
    private volatile String callbackUrl;

    public Dispatcher(
            Jobs jobs,
            DispatchOutbox outbox,
            SecretBox secretBox,
            WorkerClient worker,
            LegacyJobRunner fallback,
            RunnerStop runners,
            Backoff retry,
            Settings settings,
            Clock clock,
            ApiMetrics metrics,
            ScheduledExecutorService loops) {
        this.metrics = metrics;
        this.loops = loops;
        this.soon = new WakeUp(loops, this::pollSafely);
        this.jobs = jobs;
        this.outbox = outbox;
        this.secretBox = secretBox;
        this.worker = worker;
        this.fallback = fallback;
        this.runners = runners;
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
     * Starts polling on the loops, handing jobs over with callbacks to {@code callbackUrl} (which names the port the
     * API listens on, so it is known only once it listens). Wake-ups before the start change nothing.
     */
    public void start(String callbackUrl) {
        this.callbackUrl = callbackUrl;
        loops.scheduleWithFixedDelay(this::pollSafely, 0, settings.pollEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Asks for a poll soon, on the loops (never on the caller's thread): new jobs, a retry, a notification from
     * another replica. Requests that arrive while one is queued share it, so a burst costs one claim query.
     */
    public void wakeUp() {
        if (callbackUrl != null) {
            soon.run();
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.error("dispatch loop failed; it runs again on its next tick", e);
        }
    }

    /** Claims due jobs, batch by batch, while senders are free and batches come back full; returns how many. */
    public int poll() {
        int claimed = 0;
        while (true) {
            if (!free.tryAcquire()) {
                backlog.set(true);
                return claimed;
            }
            List<Claim> batch;
            try {
                batch = claimBatch();
            } catch (RuntimeException e) {
                free.release();
                throw e;
            }
            if (batch.isEmpty()) {
                free.release();
                return claimed;
            }
            claimed += batch.size();
            senders.execute(() -> sendSafely(batch));
            if (batch.size() < settings.batchSize()) {
                return claimed;
            }
        }
    }

    private List<Claim> claimBatch() {
        Instant now = clock.instant();
        if (settings.workerUrls().isEmpty()) {
            int slots = fallback == null ? settings.batchSize() : Math.min(settings.batchSize(), fallback.freeSlots());
            Runner runner = fallback == null ? Runner.FALLBACK : fallback.kind();
            return slots == 0 ? List.of() : outbox.claim(runner, null, now, settings.claimFor(), slots);
        }
        String url = nextFreeWorker(now);
        return url == null
                ? List.of()
                : outbox.claim(Runner.WORKER, url, now, settings.claimFor(), settings.batchSize());
    }

    /** The next Worker round-robin that has not just said it is busy; null when all have. */
    private String nextFreeWorker(Instant now) {
        List<String> urls = settings.workerUrls();
        int first = Math.floorMod(nextWorker.getAndIncrement(), urls.size());
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get((first + i) % urls.size());
            Instant until = busyUntil.get(url);
            if (until == null || !until.isAfter(now)) {
                return url;
            }
        }
        return null;
    }

    private void sendSafely(List<Claim> batch) {
        try {
            if (settings.workerUrls().isEmpty()) {
                batch.forEach(claim -> runElsewhere(claim, claim.tries(), "no worker URL is configured"));
            } else {
                send(batch.get(0).job().workerUrl(), batch, 1);
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "dispatch of {} jobs failed unexpectedly; the reconciler takes them over when their claim ends",
                    batch.size(),
                    e);
        } finally {
            free.release();
            if (backlog.compareAndSet(true, false)) {
                wakeUp(); // never the poll itself: this is a sender thread
            }
        }
    }

    /** POSTs {@code batch} to {@code url}; what the Worker could not take goes to the next Worker, back to pending, or elsewhere. */
    private void send(String url, List<Claim> batch, int workersTried) {
        // a request never outlives its claim (the reconciler may take the job over once the claim ends): it waits
        // at most until then, and none starts with less than MIN_REQUEST_TIME left
        Instant now = clock.instant();
        List<Claim> sendable = batch.stream()
                .filter(c -> now.plus(MIN_REQUEST_TIME).isBefore(c.claimedUntil()))
                .toList();
        if (sendable.isEmpty()) {
            return;
        }
        Duration within = Duration.between(
                now,
                sendable.stream()
                        .map(Claim::claimedUntil)
                        .min(Instant::compareTo)
                        .orElseThrow());
        long started = System.nanoTime();
        List<DispatchOutcome> outcomes =
                worker.processAll(url, sendable.stream().map(this::request).toList(), within);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        List<Claim> notTaken = new ArrayList<>();
        String reason = null;
        Duration retryAfter = null;
        boolean busy = false;
        for (int i = 0; i < sendable.size(); i++) {
            Claim claim = sendable.get(i);
            DispatchOutcome outcome = outcomes.get(i);
            metrics.dispatchAttempt(outcomeName(outcome), took);
            if (outcome instanceof DispatchOutcome.Rejected rejected) {
                rejected(claim, rejected);
            } else if (outcome instanceof DispatchOutcome.Accepted
                    && TaskType.DEPLOY_REPO.wireName().equals(claim.job().task())) {
                // when a deploy started: its project's webhooks announce it (deployment.started)
                jobs.appendEvent(
                        claim.job().id(),
                        JobEvent.of(
                                clock.instant(),
                                JobEvent.ACCEPTED,
                                claim.job().attempt(),
                                "accepted by the worker at " + url));
            } else if (outcome instanceof DispatchOutcome.Busy answer) {
                notTaken.add(claim);
                busy = true;
                reason = "worker answered " + answer.status();
                retryAfter = answer.retryAfter();
                busyUntil.put(url, clock.instant().plus(answer.retryAfter() == null ? BUSY_WAIT : answer.retryAfter()));
            } else if (outcome instanceof DispatchOutcome.Unreachable unreachable) {
                notTaken.add(claim);
                reason = unreachable.reason();
            } else if (outcome instanceof DispatchOutcome.Unanswered unanswered) {
                LOG.debug(
                        "job {}: no answer from the worker at {} ({}); the reconciler asks it when the claim ends",
                        claim.job().id(),
                        url,
                        unanswered.reason());
            }
        }
        if (!notTaken.isEmpty()) {
            notSent(url, notTaken, workersTried, reason, retryAfter, !busy);
        }
    }

    /**
     * Sends a handed-over job's current attempt again to the Worker it was handed to (the reconciler's way to
     * settle a hand-over that Worker does not know: its (jobId, attempt) dedup makes a second copy harmless). A
     * refusal's message is the job's error as it should be stored.
     */
    public DispatchOutcome resend(Job job, Duration within) {
        Claim claim = new Claim(job, null, 0, jobs.sealedSecrets(job.id()).orElse(null), job.leaseUntil());
        DispatchOutcome outcome = worker.process(job.workerUrl(), request(claim), within);
        return outcome instanceof DispatchOutcome.Rejected rejected
                ? new DispatchOutcome.Rejected(rejected.status(), rejectionError(claim, rejected))
                : outcome;
    }

    /** The job as a Worker gets it: its data with its secrets, and a callback URL that carries its callback token. */
    private ProcessRequest request(Claim claim) {
        Job job = claim.job();
        CallbackTokens.Opened opened = CallbackTokens.open(secrets(claim));
        return new ProcessRequest(
                job.id(),
                job.task(),
                CallbackTokens.url(callbackUrl, opened.token()),
                Secrets.merge(job.input(), opened.secrets()),
                job.attempt());
    }

    private Map<String, Object> secrets(Claim claim) {
        return claim.sealedSecrets() == null
                ? Map.of()
                : secretBox.open(claim.job().id(), claim.sealedSecrets());
    }

    private static String outcomeName(DispatchOutcome outcome) {
        if (outcome instanceof DispatchOutcome.Accepted) {
            return "accepted";
        }
        if (outcome instanceof DispatchOutcome.Rejected) {
            return "rejected";
        }
        if (outcome instanceof DispatchOutcome.Unanswered) {
            return "unanswered";
        }
        return outcome instanceof DispatchOutcome.Busy ? "busy" : "unreachable";
    }

    private void rejected(Claim claim, DispatchOutcome.Rejected rejection) {
        outbox.failClaim(claim, rejectionError(claim, rejection), clock.instant());
    }

    /** Why a job failed when its Worker refused it, with the job's secrets redacted from the Worker's words. */
    private String rejectionError(Claim claim, DispatchOutcome.Rejected rejection) {
        return "the worker rejected the job (" + rejection.status() + "): "
                + Secrets.redactText(rejection.message(), Secrets.values(secrets(claim)));
    }

    private void notSent(
            String url, List<Claim> claims, int workersTried, String reason, Duration retryAfter, boolean unreachable) {
        List<String> urls = settings.workerUrls();
        if (workersTried < urls.size()) {
            // the same try goes to the next Worker in the list: a dead Worker costs no backoff while another is up
            String next = urls.get((urls.indexOf(url) + 1) % urls.size());
            Instant now = clock.instant();
            List<Claim> moved = claims.stream()
                    .filter(c -> outbox.moveClaim(
                            c,
                            Runner.WORKER,
                            next,
                            JobEvent.of(
                                    now,
                                    JobEvent.DISPATCHED,
                                    c.job().attempt(),
                                    "handed to the worker at " + next + " (the worker at " + url + " did not take it: "
                                            + reason + ")")))
                    .toList();
            send(next, moved, workersTried + 1);
            return;
        }
        for (Claim claim : claims) {
            int tries = claim.tries() + 1;
            if (unreachable && settings.fallBackWhenUnreachable()) {
                runElsewhere(claim, tries, "the worker is not reachable (" + reason + ")");
            } else if (tries >= settings.maxTries()) {
                runElsewhere(claim, tries, "worker unreachable after " + tries + " tries (" + reason + ")");
            } else {
                Instant now = clock.instant();
                Duration wait = retry.delay(tries - 1, retryAfter, LONGEST_RETRY_AFTER);
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
    }

    private void runElsewhere(Claim claim, int tries, String reason) {
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
        Map<String, Object> secrets = secrets(claim);
        CallbackTokens.Opened opened = CallbackTokens.open(secrets);
        LegacyJob legacyJob = new LegacyJob(
                job.id(),
                job.task(),
                job.attempt(),
                Secrets.merge(job.input(), opened.secrets()),
                CallbackTokens.url(callbackUrl, opened.token()),
                Secrets.values(secrets));
        try {
            if (fallback.start(legacyJob)) {
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

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
