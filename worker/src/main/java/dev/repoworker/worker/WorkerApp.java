package dev.repoworker.worker;

import dev.repoworker.observe.ServiceMetrics;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.protocol.StartupException;
import dev.repoworker.protocol.TaskDataRules;
import dev.repoworker.worker.process.CallbackSender;
import dev.repoworker.worker.process.CallbackUrlPolicy;
import dev.repoworker.worker.process.JobExecutor;
import dev.repoworker.worker.process.JobLimits;
import dev.repoworker.worker.process.ProcessHandler;
import dev.repoworker.worker.process.ReplayGuard;
import dev.repoworker.worker.process.RequestAuthenticator;
import dev.repoworker.worker.process.WorkerMetrics;
import dev.repoworker.worker.assets.BuildAssetsTask;
import dev.repoworker.worker.repo.AcquireRepoTask;
import dev.repoworker.worker.repo.NewRepoFromTemplateTask;
import dev.repoworker.worker.repo.RepoUrlPolicy;
import dev.repoworker.protocol.net.HostResolver;
import dev.repoworker.protocol.net.NetworkPolicy;
import dev.repoworker.worker.diagnostic.NoopTask;
import dev.repoworker.worker.embeddings.ComputeEmbeddingsTask;
import dev.repoworker.worker.enrich.EnrichDataTask;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.ArtifactStores;
import dev.repoworker.worker.artifacts.LocalArtifactStore;
import dev.repoworker.worker.artifacts.ObjectStorage;
import dev.repoworker.worker.deploy.DeployStore;
import dev.repoworker.worker.pipeline.Pipelines;
import dev.repoworker.worker.task.Task;
import dev.repoworker.worker.task.TaskRegistry;
import dev.repoworker.worker.task.WorkerTaskRules;
import dev.repoworker.worker.workspace.Workspaces;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Worker's composition root: builds every part from a {@link WorkerConfig}, starts and stops the service. */
public final class WorkerApp {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerApp.class);
    private static final Duration SHUTDOWN_DELIVERY_WAIT = Duration.ofSeconds(10);

    private final WorkerConfig config;
    private final ScheduledExecutorService scheduler;
    private final JobExecutor executor;
    private final Javalin server;
    private final ServiceMetrics metrics;
    private final Optional<ObjectStorage> objectStorage;
    private volatile boolean stopped;

    private WorkerApp(WorkerConfig config, Javalin server, JobExecutor executor, ScheduledExecutorService scheduler,
                      ServiceMetrics metrics, Optional<ObjectStorage> objectStorage) {
        this.metrics = metrics;
        this.objectStorage = objectStorage;
        this.config = config;
        this.server = server;
        this.executor = executor;
        this.scheduler = scheduler;
    }

    /** Starts the Worker on {@code config.port()} (0 picks a free port). */
    public static WorkerApp start(WorkerConfig config) {
        return start(config, HostResolver.SYSTEM);
    }

    /** Starts the Worker with its own resolver for the hosts of jobs' URLs (tests play DNS with it). */
    public static WorkerApp start(WorkerConfig config, HostResolver resolver) {
        if (!config.authenticationRequired()) {
            LOG.warn("*** WORKER_INSECURE_DEV=true: requests are NOT authenticated and callbacks are NOT signed. "
                    + "Never run like this outside local development. ***");
        }
        Clock clock = Clock.systemUTC();
        ScheduledThreadPoolExecutor scheduler = scheduler("worker-scheduler", 2);
        Optional<Signatures> signatures = config.authenticationRequired()
                ? Optional.of(Signatures.of(config.secrets())) : Optional.empty();
        ServiceMetrics metrics = ServiceMetrics.create("worker");
        WorkerMetrics workerMetrics = new WorkerMetrics(metrics.registry());
        NetworkPolicy network = new NetworkPolicy(config.allowPrivateNetworks(), resolver);
        CallbackUrlPolicy callbackUrls = CallbackUrlPolicy.fromConfig(config, network);
        JobExecutor executor = createExecutor(config, callbackUrls, signatures, scheduler, clock, workerMetrics);
        workerMetrics.bindExecutor(executor);
        workerMetrics.bindScheduler(scheduler);
        Optional<ObjectStorage> objectStorage = ObjectStorage.fromConfig(config);
        ProcessHandler processHandler = new ProcessHandler(registry(config, network, objectStorage), callbackUrls, executor);
        WorkerRoutes routes = new WorkerRoutes(processHandler, executor, new RequestAuthenticator(signatures,
                new ReplayGuard(config.replayGuardMaxIds(), clock)), clock);
        Javalin server = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.http.maxRequestSize = config.maxBodyBytes();
            javalin.jsonMapper(new JavalinJackson(Json.mapper(), false));
            routes.register(javalin);
            // open like /health (no job data in it); see README "Metrics"
            metrics.installHttpMetrics(javalin);
            javalin.routes.get("/metrics", metrics::serve);
        });
        try {
            server.start(config.host(), config.port());
        } catch (io.javalin.util.JavalinBindException e) {
            objectStorage.ifPresent(ObjectStorage::close);
            throw new StartupException.PortInUse(config.port(), e);
        }
        LOG.info("worker listening on port {} (concurrency {}, queue {}, job timeout {})",
                server.port(), config.concurrency(), config.queueCapacity(), config.jobTimeout());
        return new WorkerApp(config, server, executor, scheduler, metrics, objectStorage);
    }

    /**
     * The timers of jobs, callback retries and housekeeping. A cancelled timer leaves the queue at once:
     * every job cancels its 15-minute timeout when it ends, and at high rates those would pile up.
     */
    static ScheduledThreadPoolExecutor scheduler(String name, int threads) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /** The executor alone, for the one-shot {@code repo-worker job} mode: the same code path without HTTP. */
    public static JobExecutor createExecutor(WorkerConfig config, CallbackUrlPolicy callbackUrls, Optional<Signatures> signatures,
                                             ScheduledExecutorService scheduler, Clock clock) {
        return createExecutor(config, callbackUrls, signatures, scheduler, clock, WorkerMetrics.none());
    }

    /** The executor, counting into {@code metrics}; callbacks go only where {@code callbackUrls} allows, checked at each attempt. */
    public static JobExecutor createExecutor(WorkerConfig config, CallbackUrlPolicy callbackUrls, Optional<Signatures> signatures,
                                             ScheduledExecutorService scheduler, Clock clock, WorkerMetrics metrics) {
        CallbackSender callbacks = new CallbackSender(callbackUrls, signatures, scheduler, config.callbackRetryWindow(), clock, metrics);
        return new JobExecutor(JobLimits.fromConfig(config), Workspaces.removingInBackground(config.tempDir(), config.keepTmpFiles()),
                callbacks, scheduler, clock, metrics);
    }

    /** Every task this configuration offers, its hosts checked through the system resolver; the caller closes the storage. */
    public static TaskRegistry registry(WorkerConfig config, Optional<ObjectStorage> objectStorage) {
        return registry(config, new NetworkPolicy(config.allowPrivateNetworks(), HostResolver.SYSTEM), objectStorage);
    }

    public static TaskRegistry registry(WorkerConfig config, NetworkPolicy network, Optional<ObjectStorage> objectStorage) {
        return registry(config, RepoUrlPolicy.fromConfig(config, network), objectStorage);
    }

    /**
     * The rules of every task for an API to check submissions with (the same code the Worker validates with;
     * repository URLs checked for their form only). {@code noop} is offered only with {@code diagnosticTasks}.
     */
    public static TaskDataRules submissionRules(boolean diagnosticTasks) {
        WorkerConfig permissive = WorkerConfig.fromEnv(Map.of("WORKER_INSECURE_DEV", "true", "ALLOW_FILE_REPOS", "true",
                "ALLOW_HTTP_REPOS", "true", "ENABLE_DIAGNOSTIC_TASKS", Boolean.toString(diagnosticTasks)));
        return new WorkerTaskRules(registry(permissive, RepoUrlPolicy.formOnly(), Optional.empty()));
    }

    private static TaskRegistry registry(WorkerConfig config, RepoUrlPolicy repoUrls, Optional<ObjectStorage> objectStorage) {
        AcquireRepoTask acquire = AcquireRepoTask.fromConfig(config, repoUrls);
        NewRepoFromTemplateTask template = NewRepoFromTemplateTask.fromConfig(config, repoUrls);
        LocalArtifactStore local = new LocalArtifactStore(config.artifactsDir());
        ArtifactStore store = ArtifactStores.of(local, objectStorage);
        DeployStore deploys = DeployStore.of(config.artifactsDir(), objectStorage);
        BuildAssetsTask build = BuildAssetsTask.fromConfig(config, acquire, store);
        ComputeEmbeddingsTask embeddings = ComputeEmbeddingsTask.fromConfig(config);
        EnrichDataTask enrich = EnrichDataTask.fromConfig(config, store);
        List<Task<?>> tasks = new ArrayList<>(List.of(acquire, template, build, embeddings, enrich));
        tasks.addAll(Pipelines.all(store, local, deploys, acquire, template, build, embeddings, enrich));
        if (config.diagnosticTasks()) {
            tasks.add(new NoopTask());
        }
        return new TaskRegistry(tasks);
    }

    public int port() {
        return server.port();
    }

    public JobExecutor executor() {
        return executor;
    }

    /** Graceful stop: refuse new jobs (503), give running ones the grace period, fail the rest, then close. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        LOG.info("worker stopping: grace period {}", config.shutdownGrace());
        executor.shutdown(config.shutdownGrace(), SHUTDOWN_DELIVERY_WAIT);
        server.stop();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
        // after the executor: jobs still publishing in the grace period need the client
        objectStorage.ifPresent(ObjectStorage::close);
        LOG.info("worker stopped");
    }
}
