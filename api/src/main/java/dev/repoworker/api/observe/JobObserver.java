package dev.repoworker.api.observe;

import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobStatus;
import dev.repoworker.api.job.StoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the job store committed, as logs and metrics: one DEBUG line per stored job event and one INFO line per
 * job outcome (with {@code jobId} and {@code attempt} in the MDC), and counts of created and finished jobs.
 * Every change of a job goes through the store, so this sees them all, whichever path made them. Only an
 * event's type and message are logged, never its data: messages are already redacted.
 */
public final class JobObserver implements StoreListener {

    private static final Logger EVENTS = LoggerFactory.getLogger("dev.repoworker.api.events");
    private static final Logger OUTCOMES = LoggerFactory.getLogger("dev.repoworker.api.jobs");

    private final ApiMetrics metrics;

    public JobObserver(ApiMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void created(Job job) {
        metrics.jobCreated(job.task());
    }

    @Override
    public void eventStored(String jobId, JobEvent event) {
        if (EVENTS.isDebugEnabled()) {
            withJob(
                    jobId,
                    Integer.toString(event.attempt()),
                    () -> EVENTS.debug("job event {}: {}", event.type(), event.message()));
        }
    }

    @Override
    public void finished(String jobId, String task, int attempt, JobStatus status) {
        metrics.jobFinished(task, status);
        withJob(jobId, Integer.toString(attempt), () -> OUTCOMES.info("job {} {}", status, task));
    }

    /** Runs {@code log} with this job in the MDC, restoring what was there before. */
    private static void withJob(String jobId, String attempt, Runnable log) {
        String previousJob = MDC.get("jobId");
        String previousAttempt = MDC.get("attempt");
        MDC.put("jobId", jobId);
        if (attempt != null) {
            MDC.put("attempt", attempt);
        }
        try {
            log.run();
        } finally {
            restore("jobId", previousJob);
            restore("attempt", previousAttempt);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
