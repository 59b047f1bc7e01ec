package dev.repoworker.worker.process;

import dev.repoworker.protocol.Callback;
import dev.repoworker.worker.task.TaskResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the {@link JobExecutor}'s runs: only the first ending of a run counts; it fixes the run's final state,
 * is logged and counted, and sends the run's one final callback.
 */
final class JobEndings {

    // the executor's log category, as before these lines moved here
    private static final Logger LOG = LoggerFactory.getLogger(JobExecutor.class);

    private final CallbackSender callbacks;
    private final WorkerMetrics metrics;
    private final Clock clock;

    JobEndings(CallbackSender callbacks, WorkerMetrics metrics, Clock clock) {
        this.callbacks = callbacks;
        this.metrics = metrics;
        this.clock = clock;
    }

    void complete(WorkerJob job, TaskResult result) {
        Instant now = clock.instant();
        long duration = Duration.between(job.startedAt(), now).toMillis();
        if (job.finish(
                JobState.COMPLETED,
                Callback.completed(job.jobId(), job.attempt(), result.summary(), now, duration),
                now)) {
            LOG.info("job {} completed in {} ms", job.jobId(), duration);
            metrics.completed(job.task(), Duration.ofMillis(duration));
            callbacks.deliver(job.callbackUrl(), job.outcome().join(), job.delivery());
        }
    }

    /** Ends a job that did not complete; only the first ending counts and sends a callback (true when this one did). */
    boolean end(WorkerJob job, Ending ending, String error) {
        Instant now = clock.instant();
        JobState state = ending == Ending.CANCELLED ? JobState.CANCELLED : JobState.FAILED;
        if (job.finish(state, Callback.failed(job.jobId(), job.attempt(), error, now), now)) {
            LOG.info("job {} {}: {}", job.jobId(), state.wireName(), error);
            metrics.failed(
                    job.task(),
                    ending.metricLabel(),
                    job.startedAt() == null ? null : Duration.between(job.startedAt(), now));
            job.interruptUnlessCurrent();
            callbacks.deliver(job.callbackUrl(), job.outcome().join(), job.delivery());
            return true;
        }
        return false;
    }
}
