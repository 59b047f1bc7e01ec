package dev.repoworker.worker;

import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.ProcessRequest;
import dev.repoworker.worker.process.JobExecutor;
import dev.repoworker.worker.process.WorkerJob;
import dev.repoworker.worker.process.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The legacy Cloud Run Job model: run one task to its end with the service's own admission,
 * executor and callback delivery, then report. No HTTP server is started.
 */
public final class OneShotJob {

    /** How the one job ended, and whether its callback reached the API. */
    public record Outcome(Callback callback, boolean delivered) {
        public boolean completed() {
            return Callback.COMPLETED.equals(callback.status());
        }
    }

    private OneShotJob() {}

    /**
     * @throws WorkerError for a request the Worker would refuse with a 4xx (bad task, data or callbackUrl)
     */
    public static Outcome run(WorkerConfig config, ProcessRequest request) throws InterruptedException {
        ScheduledExecutorService scheduler = WorkerApp.scheduler("one-shot-scheduler", 1);
        try (WorkerRoot root = WorkerRoot.of(config)) {
            JobExecutor executor = root.executor(scheduler, Clock.systemUTC(), WorkerMetrics.none());
            String jobId = root.admission(executor).admit(Json.write(request));
            WorkerJob job = executor.find(jobId).orElseThrow();
            Callback callback = job.outcome().join();
            boolean delivered = job.delivery().done().join();
            executor.shutdown(Duration.ZERO, Duration.ZERO);
            return new Outcome(callback, delivered);
        } finally {
            scheduler.shutdownNow();
        }
    }
}
