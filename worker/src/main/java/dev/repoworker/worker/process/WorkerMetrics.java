package dev.repoworker.worker.process;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The Worker's own series (Prometheus names): {@code repoworker_worker_jobs_admitted_total{task}},
 * {@code repoworker_worker_jobs_refused_total{reason}}, {@code repoworker_worker_jobs_completed_total{task}},
 * {@code repoworker_worker_jobs_failed_total{task, reason}}, {@code repoworker_worker_job_duration_seconds{task, outcome}},
 * {@code repoworker_worker_step_duration_seconds{task, step}}, {@code repoworker_worker_queue_depth},
 * {@code repoworker_worker_jobs_running}, {@code repoworker_worker_runs_kept}, {@code repoworker_worker_scheduled_tasks}, {@code repoworker_worker_callback_deliveries_total{outcome}},
 * {@code repoworker_worker_callback_retries_total}, {@code repoworker_worker_progress_callbacks_total}.
 */
public final class WorkerMetrics {

    private final MeterRegistry registry;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts into a private registry nobody reads (the one-shot job mode, tests). */
    public static WorkerMetrics none() {
        return new WorkerMetrics(new SimpleMeterRegistry());
    }

    /** Queue depth and running jobs, read from {@code executor} at each scrape. */
    public void bindExecutor(JobExecutor executor) {
        Gauge.builder("repoworker.worker.queue.depth", executor, JobExecutor::queued)
                .description("admitted jobs waiting for a thread")
                .register(registry);
        Gauge.builder("repoworker.worker.jobs.running", executor, JobExecutor::running)
                .description("jobs running now")
                .register(registry);
        Gauge.builder("repoworker.worker.runs.kept", executor, JobExecutor::kept)
                .description("runs kept for GET /jobs/{jobId}: waiting, running, delivering or finished")
                .register(registry);
    }

    /** Timers waiting in the scheduler (job timeouts, callback retries): finished jobs must leave none behind. */
    public void bindScheduler(ScheduledThreadPoolExecutor scheduler) {
        Gauge.builder(
                        "repoworker.worker.scheduled.tasks",
                        scheduler,
                        s -> s.getQueue().size())
                .description("timers waiting in the scheduler")
                .register(registry);
    }

    void admitted(String task) {
        Counter.builder("repoworker.worker.jobs.admitted")
                .description("jobs admitted to the queue")
                .tag("task", task)
                .register(registry)
                .increment();
    }

    void refused(Admission admission) {
        Counter.builder("repoworker.worker.jobs.refused")
                .description("jobs not admitted (duplicate, queue full, retention full, shutting down)")
                .tag("reason", admission.name().toLowerCase())
                .register(registry)
                .increment();
    }

    void completed(String task, Duration took) {
        Counter.builder("repoworker.worker.jobs.completed")
                .description("jobs completed")
                .tag("task", task)
                .register(registry)
                .increment();
        duration(task, "completed", took);
    }

    /** {@code reason}: failed, cancelled, timeout or shutdown. */
    void failed(String task, String reason, Duration took) {
        Counter.builder("repoworker.worker.jobs.failed")
                .description("jobs that did not complete")
                .tag("task", task)
                .tag("reason", reason)
                .register(registry)
                .increment();
        if (took != null) {
            duration(task, reason, took);
        }
    }

    void step(String task, String step, Duration took) {
        Timer.builder("repoworker.worker.step.duration")
                .description("time spent in each step of a task")
                .tag("task", task)
                .tag("step", step)
                .register(registry)
                .record(took);
    }

    void delivery(String outcome) {
        Counter.builder("repoworker.worker.callback.deliveries")
                .description("final callbacks: delivered, refused or given up")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    void retry() {
        Counter.builder("repoworker.worker.callback.retries")
                .description("final callback attempts that will be retried")
                .register(registry)
                .increment();
    }

    void progressSent() {
        Counter.builder("repoworker.worker.progress.callbacks")
                .description("progress callbacks sent (best effort)")
                .register(registry)
                .increment();
    }

    private void duration(String task, String outcome, Duration took) {
        Timer.builder("repoworker.worker.job.duration")
                .description("run time of jobs, from start to end")
                .tag("task", task)
                .tag("outcome", outcome)
                .register(registry)
                .record(took);
    }
}
