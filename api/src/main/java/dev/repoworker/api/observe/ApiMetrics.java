package dev.repoworker.api.observe;

import dev.repoworker.api.job.JobStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The API's own series (Prometheus names): {@code repoworker_api_jobs_submitted_total{task}} (jobs created),
 * {@code repoworker_api_jobs_completed_total{task}}, {@code repoworker_api_jobs_failed_total{task}},
 * {@code repoworker_api_jobs_cancelled_total{task}}, {@code repoworker_api_jobs_in_state{state}},
 * {@code repoworker_api_dispatch_attempts_total{outcome}}, {@code repoworker_api_dispatch_latency_seconds{outcome}},
 * {@code repoworker_api_callbacks_received_total{status, applied}}.
 */
public final class ApiMetrics {

    private final MeterRegistry registry;

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts into a private registry nobody reads: for code paths built without metrics. */
    public static ApiMetrics none() {
        return new ApiMetrics(new SimpleMeterRegistry());
    }

    public void jobCreated(String task) {
        counter(
                        "repoworker.api.jobs.submitted",
                        "jobs created (a _created suffix is reserved in Prometheus naming)",
                        "task",
                        task)
                .increment();
    }

    /** A job reached a final state. */
    public void jobFinished(String task, JobStatus status) {
        String name = switch (status) {
            case COMPLETED -> "repoworker.api.jobs.completed";
            case FAILED -> "repoworker.api.jobs.failed";
            case CANCELLED -> "repoworker.api.jobs.cancelled";
            default -> null;
        };
        if (name != null) {
            counter(name, "jobs that reached " + status, "task", task).increment();
        }
    }

    /**
     * One try to hand a job to the Worker: {@code accepted}, {@code rejected}, {@code busy} or
     * {@code unreachable}, with how long the Worker took to answer.
     */
    public void dispatchAttempt(String outcome, Duration latency) {
        counter("repoworker.api.dispatch.attempts", "tries to hand a job to a runner", "outcome", outcome)
                .increment();
        Timer.builder("repoworker.api.dispatch.latency")
                .description("time the Worker took to answer POST /process")
                .tag("outcome", outcome)
                .register(registry)
                .record(latency);
    }

    /** A job went to the fallback (or simulated) runner instead of the Worker. */
    public void dispatchedElsewhere(String runner) {
        counter("repoworker.api.dispatch.attempts", "tries to hand a job to a runner", "outcome", runner)
                .increment();
    }

    public void callbackReceived(String status, boolean applied) {
        Counter.builder("repoworker.api.callbacks.received")
                .description("callbacks received (applied or acknowledged as no-ops)")
                .tag("status", status == null ? "unknown" : status)
                .tag("applied", Boolean.toString(applied))
                .register(registry)
                .increment();
    }

    /** One gauge per state, read from {@code counts} (which should cache: every scrape reads every state). */
    public void bindJobStates(Supplier<Map<JobStatus, Long>> counts) {
        for (JobStatus status : JobStatus.values()) {
            Gauge.builder("repoworker.api.jobs.in.state", counts, c -> c.get().getOrDefault(status, 0L))
                    .strongReference(true)
                    .description("jobs in each state, from the database")
                    .tag("state", status.wireName())
                    .register(registry);
        }
    }

    private Counter counter(String name, String description, String tag, String value) {
        return Counter.builder(name)
                .description(description)
                .tag(tag, value == null ? "unknown" : value)
                .register(registry);
    }
}
