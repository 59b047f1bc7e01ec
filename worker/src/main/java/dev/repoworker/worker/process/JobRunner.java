package dev.repoworker.worker.process;

import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Progress;
import dev.repoworker.worker.task.ParsedTask;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.TaskResult;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.MDC;

/**
 * Runs one admitted {@link JobExecutor} job on a pool thread: its task through the {@link TaskRunner} under the
 * job timeout, its progress throttled to the receiver (the first after a delay) and timed step by step, and
 * then its ending.
 */
final class JobRunner {

    private final TaskRunner runner;
    private final ScheduledExecutorService scheduler;
    private final CallbackSender callbacks;
    private final JobEndings endings;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final Duration jobTimeout;
    private final Duration firstProgressDelay;
    private final BooleanSupplier shuttingDown;

    JobRunner(
            TaskRunner runner,
            ScheduledExecutorService scheduler,
            CallbackSender callbacks,
            JobEndings endings,
            WorkerMetrics metrics,
            Clock clock,
            JobLimits limits,
            BooleanSupplier shuttingDown) {
        this.runner = runner;
        this.scheduler = scheduler;
        this.callbacks = callbacks;
        this.endings = endings;
        this.metrics = metrics;
        this.clock = clock;
        this.jobTimeout = limits.jobTimeout();
        this.firstProgressDelay = limits.firstProgressDelay();
        this.shuttingDown = shuttingDown;
    }

    void run(WorkerJob job, ParsedTask<?> task) {
        if (!job.start(clock.instant())) {
            return;
        }
        job.running(Thread.currentThread());
        MDC.put("jobId", job.jobId());
        MDC.put("attempt", Integer.toString(job.attempt()));
        ScheduledFuture<?> timeout = scheduler.schedule(
                () -> endings.end(job, Ending.TIMEOUT, "job timed out after " + describe(jobTimeout)),
                jobTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        ProgressThrottle throttle = new ProgressThrottle(firstProgressDelay.isZero());
        Future<?> firstProgress = scheduleFirstProgress(job, throttle);
        Runnable ending;
        StepClock steps = new StepClock(metrics, job.task());
        try {
            TaskResult result = runner.run(job.jobId(), job.task(), task, listener(job, throttle, steps));
            ending = () -> endings.complete(job, result);
        } catch (InterruptedException e) {
            ending = shuttingDown.getAsBoolean()
                    ? () -> endings.end(job, Ending.SHUTDOWN, JobExecutor.SHUTDOWN_ERROR)
                    : () -> endings.end(job, Ending.FAILED, "job interrupted");
        } catch (TaskFailedException e) {
            ending = () -> endings.end(job, Ending.FAILED, e.getMessage());
        } finally {
            steps.end(clock.instant());
            timeout.cancel(false);
            firstProgress.cancel(false);
            Thread.interrupted();
        }
        // The workspace has left jobs/ before the callback leaves; its files go in the background.
        ending.run();
        MDC.clear();
    }

    /** Opens the throttle once the first-progress delay has passed, sending what waited. */
    private Future<?> scheduleFirstProgress(WorkerJob job, ProgressThrottle throttle) {
        return firstProgressDelay.isZero()
                ? CompletableFuture.completedFuture(null)
                : scheduler.schedule(
                        () -> throttle.open(clock.instant()).ifPresent(progress -> sendProgress(job, progress)),
                        firstProgressDelay.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    private ProgressListener listener(WorkerJob job, ProgressThrottle throttle, StepClock steps) {
        return new ProgressListener() {
            @Override
            public void report(Progress progress) {
                steps.at(progress.step(), clock.instant());
                throttle.report(progress, false, clock.instant()).ifPresent(p -> sendProgress(job, p));
            }

            @Override
            public void milestone(Progress progress) {
                steps.at(progress.step(), clock.instant());
                throttle.report(progress, true, clock.instant()).ifPresent(p -> sendProgress(job, p));
            }
        };
    }

    /** Best effort, and never once the run has ended: a late progress must not follow the final callback. */
    private void sendProgress(WorkerJob job, Progress progress) {
        if (!job.state().isFinal()) {
            callbacks.sendProgress(job.callbackUrl(), Callback.running(job.jobId(), job.attempt(), progress));
            metrics.progressSent();
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
