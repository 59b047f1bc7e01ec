package dev.repoworker.api.dispatch;

import dev.repoworker.api.fallback.LegacyJobRunner;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.Jobs;
import dev.repoworker.api.job.Runner;
import java.time.Clock;

/**
 * Tells the runner of a cancelled job to stop: the one place that knows how each runner is told. A Worker gets a
 * cancel request for the attempt (the event log says whether it was reached); the fallback runner stops its
 * process or simulation. A runner that is not told finishes on its own, and its callback changes nothing.
 */
public final class RunnerStop {

    private final Jobs jobs;
    private final WorkerClient worker;
    private final LegacyJobRunner fallback;
    private final Clock clock;

    public RunnerStop(Jobs jobs, WorkerClient worker, LegacyJobRunner fallback, Clock clock) {
        this.jobs = jobs;
        this.worker = worker;
        this.fallback = fallback;
        this.clock = clock;
    }

    /** Stops whatever runs {@code job} as last handed over (its runner and Worker as read before the cancel). */
    public void stop(Job job) {
        if (job.runner() == Runner.WORKER && job.workerUrl() != null) {
            boolean told = worker.cancel(job.workerUrl(), job.id(), job.attempt());
            jobs.appendEvent(
                    job.id(),
                    JobEvent.of(
                            clock.instant(),
                            JobEvent.CANCELLED,
                            job.attempt(),
                            told
                                    ? "the worker was asked to stop the job"
                                    : "the worker could not be reached to stop the job"));
        } else if (fallback != null && job.runner() == fallback.kind()) {
            fallback.cancel(job.id());
        }
    }
}
