package dev.repoworker.api.dispatch;

import dev.repoworker.api.fallback.LegacyJobRunner;
import dev.repoworker.api.job.DispatchOutbox;
import dev.repoworker.api.job.DispatchOutbox.Claim;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.job.Runner;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.loop.Periodic;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.protocol.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands pending jobs to their runner. It picks the Worker first ({@link WorkerRotation}), then claims a batch of due
 * jobs for it in one statement (the claim is the hand-over: the job is {@code dispatched} to that Worker before the
 * request goes out), then a sender thread POSTs them in one request ({@link BatchSender}). Nothing is written after
 * the POST unless it failed; what a Worker did not take is settled by {@link NotTakenClaims}. Every write after the
 * claim is fenced by the claim's token, and no request starts once the claim could expire before its answer, so a
 * job is never sent by a claim the reconciler has taken over.
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
    private static final String LOOP = "dispatch";

    private final DispatchOutbox outbox;
    private final LegacyJobRunner fallback;
    private final Settings settings;
    private final Clock clock;
    private final WorkerRotation workers;
    private final RunnerRequests requests;
    private final NotTakenClaims notTaken;
    private final BatchSender sender;
    private final ExecutorService senders;
    private final Semaphore free;
    private final AtomicBoolean backlog = new AtomicBoolean();
    private final Periodic loops;
    private final WakeUp soon;

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
            Periodic loops) {
        this.outbox = outbox;
        this.fallback = fallback;
        this.settings = settings;
        this.clock = clock;
        this.workers = new WorkerRotation(settings.workerUrls());
        this.requests = new RunnerRequests(secretBox);
        this.notTaken = new NotTakenClaims(
                jobs,
                outbox,
                fallback,
                runners,
                retry,
                workers,
                requests,
                settings.maxTries(),
                settings.fallBackWhenUnreachable(),
                clock,
                metrics);
        this.sender = new BatchSender(jobs, worker, workers, requests, notTaken, clock, metrics);
        this.senders = Executors.newFixedThreadPool(settings.parallelism(), r -> {
            Thread t = new Thread(r, "dispatch-sender");
            t.setDaemon(true);
            return t;
        });
        this.free = new Semaphore(settings.parallelism());
        this.loops = loops;
        this.soon = new WakeUp(loops.scheduler(), () -> Periodic.safely(LOOP, this::poll));
    }

    /**
     * Starts polling on the loops, handing jobs over with callbacks to {@code callbackUrl} (which names the port the
     * API listens on, so it is known only once it listens). Wake-ups before the start change nothing.
     */
    public void start(String callbackUrl) {
        requests.callbackTo(callbackUrl);
        loops.every(LOOP, Duration.ZERO, settings.pollEvery(), this::poll);
    }

    /**
     * Asks for a poll soon, on the loops (never on the caller's thread): new jobs, a retry, a notification from
     * another replica. Requests that arrive while one is queued share it, so a burst costs one claim query.
     */
    public void wakeUp() {
        if (requests.ready()) {
            soon.run();
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
        if (workers.isEmpty()) {
            int slots = fallback == null ? settings.batchSize() : Math.min(settings.batchSize(), fallback.freeSlots());
            Runner runner = fallback == null ? Runner.FALLBACK : fallback.kind();
            return slots == 0 ? List.of() : outbox.claim(runner, null, now, settings.claimFor(), slots);
        }
        String url = workers.nextFree(now);
        return url == null
                ? List.of()
                : outbox.claim(Runner.WORKER, url, now, settings.claimFor(), settings.batchSize());
    }

    private void sendSafely(List<Claim> batch) {
        try {
            if (workers.isEmpty()) {
                batch.forEach(claim -> notTaken.runElsewhere(claim, "no worker URL is configured"));
            } else {
                sender.send(batch.get(0).job().workerUrl(), batch);
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

    /**
     * Sends a handed-over job's current attempt again to the Worker it was handed to (the reconciler's way to
     * settle a hand-over that Worker does not know: its (jobId, attempt) dedup makes a second copy harmless). A
     * refusal's message is the job's error as it should be stored.
     */
    public DispatchOutcome resend(Job job, Duration within) {
        return sender.resend(job, within);
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
