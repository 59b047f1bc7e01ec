package dev.repoworker.worker;

import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.ProcessRequest;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.protocol.net.HostResolver;
import dev.repoworker.protocol.net.NetworkPolicy;
import dev.repoworker.worker.artifacts.ObjectStorage;
import dev.repoworker.worker.process.CallbackUrlPolicy;
import dev.repoworker.worker.process.JobExecutor;
import dev.repoworker.worker.process.ProcessHandler;
import dev.repoworker.worker.process.WorkerJob;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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

    private OneShotJob() {
    }

    /**
     * @throws WorkerError for a request the Worker would refuse with a 4xx (bad task, data or callbackUrl)
     */
    public static Outcome run(WorkerConfig config, ProcessRequest request) throws InterruptedException {
        ScheduledExecutorService scheduler = WorkerApp.scheduler("one-shot-scheduler", 1);
        Optional<ObjectStorage> objectStorage = ObjectStorage.fromConfig(config);
        try {
            Optional<Signatures> signatures = config.authenticationRequired()
                    ? Optional.of(Signatures.of(config.secrets())) : Optional.empty();
            NetworkPolicy network = new NetworkPolicy(config.allowPrivateNetworks(), HostResolver.SYSTEM);
            CallbackUrlPolicy callbackUrls = CallbackUrlPolicy.fromConfig(config, network);
            JobExecutor executor = WorkerApp.createExecutor(config, callbackUrls, signatures, scheduler, Clock.systemUTC());
            ProcessHandler admission = new ProcessHandler(WorkerApp.registry(config, network, objectStorage), callbackUrls,
                    executor);
            String jobId = admission.admit(Json.write(request));
            WorkerJob job = executor.find(jobId).orElseThrow();
            Callback callback = job.outcome().join();
            boolean delivered = job.delivery().done().join();
            executor.shutdown(Duration.ZERO, Duration.ZERO);
            return new Outcome(callback, delivered);
        } finally {
            scheduler.shutdownNow();
            objectStorage.ifPresent(ObjectStorage::close);
        }
    }
}
