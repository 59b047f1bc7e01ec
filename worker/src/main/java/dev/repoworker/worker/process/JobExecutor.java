package dev.repoworker.worker.process;

import dev.repoworker.protocol.ProcessRequest;
import dev.repoworker.worker.task.ParsedTask;
import dev.repoworker.worker.workspace.Workspaces;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs admitted jobs on a fixed pool behind a bounded queue: dedup by (jobId, attempt), a per-job
 * timeout, cancellation, a private workspace per run, and one final callback per run.
 */
public final class JobExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(JobExecutor.class);
    public static final String SHUTDOWN_ERROR = "worker shutting down";
    private static final String CANCELLED_ERROR = "job cancelled";

    private final ThreadPoolExecutor pool;
    private final Workspaces workspaces;
    private final JobRunner runner;
    private final JobEndings endings;
    private final CallbackSender callbacks;
    private final Duration retention;
    private final Clock clock;
    private final RetainedRuns runs;
    private final Tombstones tombstones;
    // admission and cancel decide under it, so a cancel and its job crossing each other cannot both miss
    private final Object arrivals = new Object();
    private final WorkerMetrics metrics;
    private volatile boolean shuttingDown;

    private static final Duration WORKSPACE_REMOVAL_WAIT = Duration.ofSeconds(30);

    public JobExecutor(
            JobLimits limits,
            Workspaces workspaces,
            CallbackSender callbacks,
            ScheduledExecutorService scheduler,
            Clock clock,
            WorkerMetrics metrics) {
        this.metrics = metrics;
        this.pool = newPool(limits);
        this.workspaces = workspaces;
        this.endings = new JobEndings(callbacks, metrics, clock);
        this.runner = new JobRunner(
                new TaskRunner(workspaces),
                scheduler,
                callbacks,
                endings,
                metrics,
                clock,
                limits,
                this::isShuttingDown);
        this.callbacks = callbacks;
        this.retention = limits.retention();
        this.runs = new RetainedRuns(limits.retentionMax());
        this.tombstones = new Tombstones(limits.retentionMax(), limits.retention());
        this.clock = clock;
        scheduler.scheduleAtFixedRate(this::forgetExpired, 1, 1, TimeUnit.MINUTES);
    }

    /** {@code concurrency} daemon threads behind a queue of {@code queueCapacity} (a hand-over when zero). */
    private static ThreadPoolExecutor newPool(JobLimits limits) {
        int queueCapacity = limits.queueCapacity();
        BlockingQueue<Runnable> queue =
                queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
        AtomicInteger threads = new AtomicInteger();
        int concurrency = limits.concurrency();
        return new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "job-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The receiver at {@code callbackUrl} takes callbacks in arrays (it sent jobs in one). */
    public void receiverTakesArrays(String callbackUrl) {
        callbacks.takesArrays(callbackUrl);
    }

    /** Admits a request whose data {@code task} parsed. The same (jobId, attempt) is never run twice. */
    public Admission admit(ProcessRequest request, ParsedTask<?> task) {
        Admission admission = admitOnce(request, task);
        if (admission == Admission.ACCEPTED) {
            metrics.admitted(request.task());
        } else {
            metrics.refused(admission);
        }
        return admission;
    }

    private Admission admitOnce(ProcessRequest request, ParsedTask<?> task) {
        if (shuttingDown) {
            return Admission.SHUTTING_DOWN;
        }
        int attempt = request.attempt() == null ? 1 : request.attempt();
        WorkerJob job = new WorkerJob(request.jobId(), attempt, request.task(), request.callbackUrl(), clock.instant());
        Admission admission = enter(job, task);
        if (admission == Admission.CANCELLED) {
            endings.end(job, Ending.CANCELLED, CANCELLED_ERROR);
        }
        if (admission == Admission.ACCEPTED || admission == Admission.CANCELLED) {
            try (MDC.MDCCloseable j = MDC.putCloseable("jobId", job.jobId());
                    MDC.MDCCloseable a = MDC.putCloseable("attempt", Integer.toString(attempt))) {
                LOG.debug(
                        "job {} attempt {} admitted{}: {}",
                        job.jobId(),
                        attempt,
                        admission == Admission.CANCELLED ? " after its cancel" : "",
                        job.task());
            }
        }
        return admission;
    }

    /** Keeps the run and queues it, or (when a cancel came first) only keeps it; atomic with {@link #cancel}. */
    private Admission enter(WorkerJob job, ParsedTask<?> task) {
        synchronized (arrivals) {
            RetainedRuns.Added added = runs.add(job);
            if (added == RetainedRuns.Added.DUPLICATE) {
                return Admission.DUPLICATE;
            }
            if (added == RetainedRuns.Added.FULL) {
                return Admission.RETENTION_FULL;
            }
            if (tombstones.claim(job.jobId(), job.attempt(), clock.instant())) {
                runs.publish(job);
                return Admission.CANCELLED;
            }
            try {
                job.execution(pool.submit(() -> runner.run(job, task)));
            } catch (RejectedExecutionException e) {
                runs.withdraw(job);
                return shuttingDown ? Admission.SHUTTING_DOWN : Admission.QUEUE_FULL;
            }
            runs.publish(job);
            return Admission.ACCEPTED;
        }
    }

    /** The newest run of a job, while it runs and for the retention window after. */
    public Optional<WorkerJob> find(String jobId) {
        return runs.latest(jobId);
    }

    /**
     * Cancels a queued or running run, whose callback then reports it as failed with "job cancelled": the run
     * of {@code attempt}, else the newest. A run not here yet gets a tombstone covering attempts up to
     * {@code attempt} (every attempt when empty), and ends in the same way when it arrives.
     */
    public Cancellation cancel(String jobId, OptionalInt attempt) {
        Cancellation cancellation;
        Optional<WorkerJob> earlier = Optional.empty();
        synchronized (arrivals) {
            Optional<WorkerJob> run = attempt.isPresent() ? runs.get(jobId, attempt.getAsInt()) : runs.latest(jobId);
            if (run.isPresent()) {
                cancellation = new Cancellation.Ended(run.get(), false);
            } else if (tombstones.add(jobId, attempt, clock.instant())) {
                cancellation = new Cancellation.Awaited();
                earlier = runs.latest(jobId).filter(job -> job.attempt() < attempt.getAsInt());
            } else {
                cancellation = new Cancellation.Refused(tombstones.untilOldestExpires(clock.instant()));
            }
        }
        if (cancellation instanceof Cancellation.Ended ended) {
            cancellation =
                    new Cancellation.Ended(ended.job(), endings.end(ended.job(), Ending.CANCELLED, CANCELLED_ERROR));
        }
        earlier.ifPresent(job -> endings.end(job, Ending.CANCELLED, CANCELLED_ERROR));
        return cancellation;
    }

    public int queued() {
        return pool.getQueue().size();
    }

    public int running() {
        return pool.getActiveCount();
    }

    /** Runs kept now: waiting, running, delivering, or finished within the retention window. */
    public int kept() {
        return runs.size();
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Stops admitting, lets running jobs finish within {@code grace}, then fails the rest with
     * "worker shutting down" and waits (bounded) for those callbacks to be delivered.
     */
    public void shutdown(Duration grace, Duration deliveryWait) {
        shuttingDown = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                List<WorkerJob> unfinished =
                        runs.all().stream().filter(j -> !j.state().isFinal()).toList();
                if (!unfinished.isEmpty()) {
                    LOG.warn("grace period over; failing {} unfinished job(s)", unfinished.size());
                    unfinished.forEach(j -> endings.end(j, Ending.SHUTDOWN, SHUTDOWN_ERROR));
                }
                pool.shutdownNow();
            }
            CompletableFuture<?>[] pending = runs.all().stream()
                    .map(j -> j.delivery().done())
                    .filter(f -> !f.isDone())
                    .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(pending).get(deliveryWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("some callbacks were still undelivered at shutdown");
        } catch (Exception e) {
            LOG.warn("shutdown: {}", e.toString());
        }
        try {
            // not bounded by the delivery wait (zero for a one-shot job): the remover is idle or done in moments
            workspaces.close(WORKSPACE_REMOVAL_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        runs.forgetFinishedBefore(now.minus(retention));
        tombstones.forgetExpired(now);
    }
}
