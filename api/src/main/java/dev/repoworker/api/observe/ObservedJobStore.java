package dev.repoworker.api.observe;

import dev.repoworker.api.job.Dispatch;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobEvent;
import dev.repoworker.api.job.JobPage;
import dev.repoworker.api.job.JobQuery;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.protocol.Signatures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A {@link JobStore} that logs one line per stored job event (with {@code jobId} and {@code attempt}
 * in the MDC) and counts created and finished jobs. Every state change of a job goes through the
 * store, so this sees them all, whichever path (route, dispatcher, callback, reconciler) made them.
 * Only the event's type and message are logged, never its data: messages are already redacted.
 */
public final class ObservedJobStore implements JobStore {

    private static final Logger EVENTS = LoggerFactory.getLogger("dev.repoworker.api.events");

    private final JobStore delegate;
    private final ApiMetrics metrics;

    public ObservedJobStore(JobStore delegate, ApiMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public Created create(Job job, String sealedSecrets, Instant dispatchDue) {
        Created created = delegate.create(job, sealedSecrets, dispatchDue);
        if (created.isNew()) {
            metrics.jobCreated(job.task());
            log(job.id(), JobEvent.of(job.createdAt(), JobEvent.CREATED, job.attempt(), "job created for task " + job.requestedTask()));
        }
        return created;
    }

    @Override
    public Optional<Job> update(Job next, List<JobEvent> events, Instant dispatchAt) {
        Optional<Job> stored = delegate.update(next, events, dispatchAt);
        stored.ifPresent(job -> observeStored(next, events));
        return stored;
    }

    private void observeStored(Job next, List<JobEvent> events) {
        events.forEach(e -> log(next.id(), e));
        if (next.status().isFinal()) {
            metrics.jobFinished(next.task(), next.status());
        }
    }

    @Override
    public Optional<Job> updateOnce(Job next, List<JobEvent> events, Signatures.Verified message) {
        Optional<Job> stored = delegate.updateOnce(next, events, message);
        stored.ifPresent(job -> observeStored(next, events));
        return stored;
    }

    @Override
    public void recordMessage(Signatures.Verified message, Instant now) {
        delegate.recordMessage(message, now);
    }

    @Override
    public int forgetMessages(Instant now) {
        return delegate.forgetMessages(now);
    }

    @Override
    public void appendEvent(String jobId, JobEvent event) {
        delegate.appendEvent(jobId, event);
        log(jobId, event);
    }

    /** Logs with this event's job and attempt in the MDC, restoring what was there before. */
    static void log(String jobId, JobEvent event) {
        String previousJob = MDC.get("jobId");
        String previousAttempt = MDC.get("attempt");
        MDC.put("jobId", jobId);
        MDC.put("attempt", Integer.toString(event.attempt()));
        try {
            EVENTS.info("job event {}: {}", event.type(), event.message());
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

    @Override
    public Optional<Job> find(String id) {
        return delegate.find(id);
    }

    @Override
    public Optional<String> sealedSecrets(String id) {
        return delegate.sealedSecrets(id);
    }

    @Override
    public List<JobEvent> events(String id) {
        return delegate.events(id);
    }

    @Override
    public JobPage list(JobQuery query) {
        return delegate.list(query);
    }

    @Override
    public void replaceSecrets(String jobId, String sealedSecrets) {
        delegate.replaceSecrets(jobId, sealedSecrets);
    }

    @Override
    public List<Dispatch> claimDispatches(String claimer, Instant now, Duration claimFor, int limit) {
        return delegate.claimDispatches(claimer, now, claimFor, limit);
    }

    @Override
    public void finishDispatch(String dispatchId, String state, String note, Instant now) {
        delegate.finishDispatch(dispatchId, state, note, now);
    }

    @Override
    public void rescheduleDispatch(String dispatchId, int tries, Instant dueAt, String error, Instant now) {
        delegate.rescheduleDispatch(dispatchId, tries, dueAt, error, now);
    }

    @Override
    public List<Job> expiredLeases(Instant now, int limit) {
        return delegate.expiredLeases(now, limit);
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }
}
