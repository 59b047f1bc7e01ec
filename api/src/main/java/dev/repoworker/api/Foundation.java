package dev.repoworker.api;

import dev.repoworker.api.job.Database;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.loop.Periodic;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.api.observe.JobObserver;
import dev.repoworker.api.observe.JobStateCounts;
import dev.repoworker.observe.ServiceMetrics;
import java.time.Clock;
import java.time.Duration;

/**
 * Part of the API's wiring: what every other part stands on. The metrics, the job store (observed by them),
 * the key that seals secrets, and the API's background loops ({@code api-loop} threads: dispatch polls, reconcile,
 * retention, simulation, event streams).
 */
record Foundation(
        ServiceMetrics serviceMetrics, ApiMetrics metrics, JobStore store, SecretBox secretBox, Periodic loops) {

    private static final int LOOP_THREADS = 4;
    /** A tick still running when the API stops would otherwise hand work to the dispatcher closed next. */
    private static final Duration LOOP_STOP_WAIT = Duration.ofSeconds(5);

    static Foundation open(ApiConfig config, Clock clock, Database database) {
        ServiceMetrics serviceMetrics = ServiceMetrics.create("api");
        ApiMetrics metrics = new ApiMetrics(serviceMetrics.registry());
        metrics.bindJobStates(new JobStateCounts(database, clock, Duration.ofSeconds(5)));
        JobStore store = new JobStore(database, new JobObserver(metrics));
        SecretBox secretBox = config.secretsKey() != null
                ? SecretBox.fromBase64("SECRETS_KEY", config.secretsKey())
                : SecretBox.loadOrCreate(config.secretsKeyFile());
        return new Foundation(
                serviceMetrics, metrics, store, secretBox, new Periodic("api-loop", LOOP_THREADS, LOOP_STOP_WAIT));
    }
}
