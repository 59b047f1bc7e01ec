package dev.repoworker.worker.process;

import dev.repoworker.protocol.Callback;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/** One admitted run of a job on this Worker. The first terminal transition wins; later ones are no-ops. */
public final class WorkerJob {

    private final String jobId;
    private final int attempt;
    private final String task;
    private final String callbackUrl;
    private final Instant receivedAt;
    private final AtomicReference<JobState> state = new AtomicReference<>(JobState.QUEUED);
    private final CompletableFuture<Callback> outcome = new CompletableFuture<>();
    private final Delivery delivery = new Delivery();
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile Future<?> execution;
    private volatile Thread runner;

    WorkerJob(String jobId, int attempt, String task, String callbackUrl, Instant receivedAt) {
        this.jobId = jobId;
        this.attempt = attempt;
        this.task = task;
        this.callbackUrl = callbackUrl;
        this.receivedAt = receivedAt;
    }

    boolean start(Instant now) {
        if (state.compareAndSet(JobState.QUEUED, JobState.RUNNING)) {
            startedAt = now;
            return true;
        }
        return false;
    }

    /** Moves to a final state with its callback body; false when another transition got there first. */
    boolean finish(JobState terminal, Callback callback, Instant now) {
        while (true) {
            JobState current = state.get();
            if (current.isFinal()) {
                return false;
            }
            if (state.compareAndSet(current, terminal)) {
                finishedAt = now;
                outcome.complete(callback);
                return true;
            }
        }
    }

    void execution(Future<?> future) {
        this.execution = future;
    }

    void running(Thread thread) {
        this.runner = thread;
    }

    /** Interrupts the job's thread (or drops it from the queue), unless called from that thread itself. */
    void interruptUnlessCurrent() {
        Future<?> future = execution;
        if (future != null && runner != Thread.currentThread()) {
            future.cancel(true);
        }
    }

    public String jobId() {
        return jobId;
    }

    public int attempt() {
        return attempt;
    }

    public String task() {
        return task;
    }

    public String callbackUrl() {
        return callbackUrl;
    }

    public JobState state() {
        return state.get();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Completes with the final callback body once the job has ended, however it ended. */
    public CompletableFuture<Callback> outcome() {
        return outcome;
    }

    public Delivery delivery() {
        return delivery;
    }

    Instant finishedAt() {
        return finishedAt;
    }

    /** The body of {@code GET /jobs/{jobId}}: absent values are left out; the callback and its delivery once it ended. */
    public record View(
            String jobId,
            int attempt,
            String task,
            JobState state,
            Instant receivedAt,
            Instant startedAt,
            Instant finishedAt,
            Long durationMs,
            Callback callback,
            Delivery.View delivery) {}

    public View view() {
        Instant started = startedAt;
        Instant finished = finishedAt;
        Long durationMs = started != null && finished != null
                ? Duration.between(started, finished).toMillis()
                : null;
        Callback callback = outcome.getNow(null);
        return new View(
                jobId,
                attempt,
                task,
                state.get(),
                receivedAt,
                started,
                finished,
                durationMs,
                callback,
                callback == null ? null : delivery.view());
    }
}
