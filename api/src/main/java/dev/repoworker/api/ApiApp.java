package dev.repoworker.api;

import dev.repoworker.api.artifacts.ArtifactFiles;
import dev.repoworker.api.artifacts.ArtifactReader;
import dev.repoworker.api.artifacts.LocalArtifactReader;
import dev.repoworker.api.artifacts.S3ArtifactReader;
import dev.repoworker.api.callback.CallbackHandler;
import dev.repoworker.api.dashboard.Dashboard;
import dev.repoworker.api.dashboard.DashboardAuth;
import dev.repoworker.api.deploy.DeployRecords;
import dev.repoworker.api.deploy.DeploymentWebhooks;
import dev.repoworker.api.deploy.SubscriberPolicy;
import dev.repoworker.api.dispatch.Dispatcher;
import dev.repoworker.api.dispatch.Reconciler;
import dev.repoworker.api.dispatch.RunnerStop;
import dev.repoworker.api.dispatch.TaskMapping;
import dev.repoworker.api.dispatch.WorkerClient;
import dev.repoworker.api.fallback.LegacyJobRunner;
import dev.repoworker.api.fallback.LocalProcessRunner;
import dev.repoworker.api.fallback.SimulatedRunner;
import dev.repoworker.api.github.GitHubDeliveries;
import dev.repoworker.api.job.BatchWriter;
import dev.repoworker.api.job.Database;
import dev.repoworker.api.job.JobNotifications;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.LegacyH2Import;
import dev.repoworker.api.job.SecretBox;
import dev.repoworker.api.observe.ApiMetrics;
import dev.repoworker.api.observe.JobObserver;
import dev.repoworker.api.observe.JobStateCounts;
import dev.repoworker.api.observe.JobStats;
import dev.repoworker.api.project.JdbiProjectStore;
import dev.repoworker.api.search.IndexFolders;
import dev.repoworker.api.search.JobSearch;
import dev.repoworker.api.search.S3IndexCache;
import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.observe.ServiceMetrics;
import dev.repoworker.protocol.Backoff;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.protocol.StartupException;
import dev.repoworker.protocol.TaskDataRules;
import dev.repoworker.protocol.net.HostResolver;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The API's composition root: database, HTTP routes, dispatcher and reconciler loops. */
public final class ApiApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiApp.class);
    private static final int SENDER_THREADS = 8;
    private static final int MAX_SUBMISSION_BATCH = 500;
    private static final int RETENTION_BATCH = 500;
    private static final Duration RETENTION_POLL = Duration.ofMinutes(5);
    private static final Duration EVENT_POLL = Duration.ofMillis(250);
    static final Duration CLOCK_SKEW_MARGIN = Duration.ofMinutes(1);

    private final ApiConfig config;
    private final Database database;
    private final JobStore store;
    private final Javalin http;
    private final ScheduledExecutorService loops;
    private final LegacyJobRunner fallback;
    private final Dispatcher dispatcher;
    private final ObserveRoutes observe;
    private final List<AutoCloseable> writers;
    private final DataDirLock lock;

    private ApiApp(
            ApiConfig config,
            Database database,
            JobStore store,
            Javalin http,
            ScheduledExecutorService loops,
            LegacyJobRunner fallback,
            Dispatcher dispatcher,
            ObserveRoutes observe,
            List<AutoCloseable> writers,
            DataDirLock lock) {
        this.writers = writers;
        this.lock = lock;
        this.observe = observe;
        this.config = config;
        this.database = database;
        this.store = store;
        this.http = http;
        this.loops = loops;
        this.fallback = fallback;
        this.dispatcher = dispatcher;
    }

    /** Opens the database, starts HTTP on {@code config.port()} (0 picks a free port) and the background loops. */
    public static ApiApp start(ApiConfig config) {
        return start(config, lockStore(config), TaskDataRules.NONE, Clock.systemUTC());
    }

    /**
     * The launcher's start: the store's lock already taken by {@link #lockStore} (a launcher that starts more than
     * the API takes it first), and the Worker's rules for task data, checked at submission.
     */
    public static ApiApp start(ApiConfig config, DataDirLock lock, TaskDataRules rules) {
        return start(config, lock, rules, Clock.systemUTC());
    }

    static ApiApp start(ApiConfig config, Clock clock) {
        return start(config, lockStore(config), TaskDataRules.NONE, clock);
    }

    /**
     * One process on the default embedded store (a second {@code standalone} started in the same folder by mistake
     * would share its jobs and its write lock): the lock of {@code DATA_DIR}. Null when {@code DATABASE_URL} names
     * the database, which replicas may share on purpose (PostgreSQL, or a SQLite file they all open).
     *
     * @throws StartupException when another process holds it
     */
    public static DataDirLock lockStore(ApiConfig config) {
        return config.databaseUrl().equals(ApiConfig.embeddedDatabaseUrl(config.dataDir()))
                ? DataDirLock.acquire(config.dataDir())
                : null;
    }

    private static ApiApp start(ApiConfig config, DataDirLock lock, TaskDataRules rules, Clock clock) {
        boolean embedded = config.databaseUrl().equals(ApiConfig.embeddedDatabaseUrl(config.dataDir()));
        Database database;
        try {
            database = Database.open(
                    config.databaseUrl(),
                    config.databaseUser(),
                    config.databasePassword(),
                    config.databaseMaxConnections(),
                    config.databaseConnectTimeout());
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        try {
            if (embedded) {
                // the H2 file of an earlier version's embedded store: imported once, or the start fails saying why
                LegacyH2Import.importIfPresent(
                        config.dataDir(), database, config.databaseUser(), config.databasePassword());
            }
            return wire(config, clock, database, lock, rules);
        } catch (RuntimeException e) {
            database.close();
            closeQuietly(lock);
            throw e;
        }
    }

    private static void closeQuietly(DataDirLock lock) {
        if (lock != null) {
            lock.close();
        }
    }

    private static ApiApp wire(
            ApiConfig config, Clock clock, Database database, DataDirLock lock, TaskDataRules rules) {
        ServiceMetrics serviceMetrics = ServiceMetrics.create("api");
        ApiMetrics metrics = new ApiMetrics(serviceMetrics.registry());
        metrics.bindJobStates(new JobStateCounts(database, clock, Duration.ofSeconds(5)));
        JobStore store = new JobStore(database, new JobObserver(metrics));
        SecretBox secretBox = config.secretsKey() != null
                ? SecretBox.fromBase64("SECRETS_KEY", config.secretsKey())
                : SecretBox.loadOrCreate(config.secretsKeyFile());
        Signatures verifying = config.workerSecrets().isEmpty() ? null : Signatures.of(config.workerSecrets());
        Signatures signing = verifying != null ? verifying : Signatures.of(List.of(Signatures.newSecret()));
        WorkerClient workerClient = new WorkerClient(signing, config.workerAuth(), config.workerTimeout(), clock);
        ScheduledExecutorService loops = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "api-loop");
            t.setDaemon(true);
            return t;
        });
        CallbackHandler callbacks = new CallbackHandler(
                store, secretBox, verifying, clock, config.jobLease(), metrics, config.maxCallbackBytes());
        LegacyJobRunner fallback = fallbackRunner(config, signing, callbacks, store, loops, clock);
        RunnerStop runners = new RunnerStop(store.jobs(), workerClient, fallback, clock);
        // one backoff for every retry the API makes: dispatches and deployment webhooks
        Backoff backoff = new Backoff(config.dispatchBackoff(), config.dispatchBackoffMax());
        Dispatcher dispatcher = new Dispatcher(
                store.jobs(),
                store.outbox(),
                secretBox,
                workerClient,
                fallback,
                runners,
                backoff,
                new Dispatcher.Settings(
                        config.workerUrls(),
                        config.dispatchMaxTries(),
                        config.dispatchClaimOrDefault(),
                        SENDER_THREADS,
                        config.dispatchBatch(),
                        config.simulate(),
                        config.dispatchPoll()),
                clock,
                metrics,
                loops);
        // submissions: one writer, one transaction per batch of whatever arrived meanwhile; it wakes the dispatcher
        BatchWriter<JobStore.NewJob, JobStore.Created> submissions =
                new BatchWriter<>("submission-writer", MAX_SUBMISSION_BATCH, batch -> {
                    List<JobStore.Created> created = store.createAll(batch);
                    dispatcher.wakeUp();
                    return created;
                });
        TaskMapping mapping = new TaskMapping(config.gitHostUrl(), rules, clock);
        JobService jobs = new JobService(
                store.jobs(),
                mapping,
                secretBox,
                runners,
                clock,
                config.maxAttempts(),
                dispatcher::wakeUp,
                submissions,
                new Backlog(store.jobs(), clock, config.maxPendingJobs()));
        List<String> callbackPaths = config.devCallbackRoute()
                ? List.of(ApiConfig.CALLBACK_PATH, ApiConfig.DEV_CALLBACK_PATH)
                : List.of(ApiConfig.CALLBACK_PATH);
        S3IndexCache indexCache = config.s3Artifacts()
                .map(s3 -> new S3IndexCache(
                        S3Clients.create(s3), s3, config.dataDir().resolve("search-cache"), config.searchCacheBytes()))
                .orElse(null);
        ApiRoutes routes = new ApiRoutes(jobs, store, callbacks, clock, callbackPaths)
                .withSearch(new JobSearch(
                        indexCache != null ? indexCache : IndexFolders.local(config.artifactsDir()),
                        config.embeddings().createEmbedder()))
                .withStats(new JobStats(database, clock));
        ArtifactReader artifacts = artifactReader(config);
        SubscriberPolicy subscriberPolicy = new SubscriberPolicy(config.allowPrivateNetworks(), HostResolver.SYSTEM);
        ProjectService projectService =
                new ProjectService(new JdbiProjectStore(database), jobs, mapping, secretBox, subscriberPolicy, clock);
        ProjectRoutes projects = new ProjectRoutes(projectService, new DeployRecords(database, artifacts), secretBox);
        GitHubWebhookRoutes github = new GitHubWebhookRoutes(
                new GitHubWebhook(projectService, new GitHubDeliveries(database), clock),
                config.githubWebhookSecret(),
                config.development());
        Dashboard dashboard = new Dashboard(new DashboardAuth(config.dashboardToken(), config.localhostOnly()));
        ObserveRoutes observe = new ObserveRoutes(
                store.jobs(),
                serviceMetrics,
                dashboard,
                new JobEventStream(store.jobs(), loops, EVENT_POLL),
                artifacts);
        ApiRouteTable table = new ApiRouteTable(routes, projects, github, observe, dashboard, serviceMetrics);
        Javalin http = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.http.maxRequestSize = config.maxBodyBytes();
            table.register(c);
        });
        try {
            http.start(config.host(), config.port());
        } catch (io.javalin.util.JavalinBindException e) {
            dispatcher.close();
            throw new StartupException.PortInUse(config.port(), e);
        }
        int port = http.port();
        dispatcher.start(config.callbackUrl(port));
        JobNotifications notifications = database.isPostgres()
                ? new JobNotifications(
                        config.databaseUrl(), config.databaseUser(), config.databasePassword(), dispatcher::wakeUp)
                : null;
        Reconciler reconciler = new Reconciler(
                store.jobs(), store.outbox(), workerClient, dispatcher, callbacks, fallback, clock, config.jobLease());
        DeploymentWebhooks webhooks = new DeploymentWebhooks(
                        database, projectService, subscriberPolicy, backoff, config.webhookRetryWindow(), clock)
                .start(config.dispatchPoll());
        scheduleHousekeeping(loops, config, store, reconciler, webhooks, clock);
        LOG.info(
                "API listening on port {}; worker(s) {}; fallback {}; database {}",
                port,
                config.workerUrls().isEmpty() ? "none" : String.join(", ", config.workerUrls()),
                fallback == null ? "none" : fallback.kind().wireName(),
                database.kind().name().toLowerCase(java.util.Locale.ROOT));
        return new ApiApp(
                config,
                database,
                store,
                http,
                loops,
                fallback,
                dispatcher,
                observe,
                List.of(
                        webhooks,
                        submissions,
                        callbacks::close,
                        () -> {
                            if (indexCache != null) {
                                indexCache.close();
                            }
                        },
                        () -> {
                            if (notifications != null) {
                                notifications.close();
                            }
                        }),
                lock);
    }

    /** The loops every replica runs: reconcile, forget old webhook ids, delete finished jobs past the retention. */
    private static void scheduleHousekeeping(
            ScheduledExecutorService loops,
            ApiConfig config,
            JobStore store,
            Reconciler reconciler,
            DeploymentWebhooks webhooks,
            Clock clock) {
        loops.scheduleWithFixedDelay(
                () -> safely("reconcile", reconciler::poll),
                config.reconcilePoll().toMillis(),
                config.reconcilePoll().toMillis(),
                TimeUnit.MILLISECONDS);
        // webhook ids are needed only while a copy of their message would still verify: forgotten a margin later,
        // so a replica whose clock runs ahead never reopens the window on one whose clock lags
        loops.scheduleWithFixedDelay(
                () -> safely(
                        "forget webhook ids",
                        () -> store.messages().forgetMessages(clock.instant().minus(CLOCK_SKEW_MARGIN))),
                config.reconcilePoll().toMillis(),
                config.reconcilePoll().toMillis(),
                TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(
                () -> safely("retention", () -> {
                    deleteOld(store, clock, config.jobRetention());
                    webhooks.forgetDeleted();
                }),
                config.reconcilePoll().toMillis(),
                RETENTION_POLL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Finished jobs past the retention, with their events, in small batches so no transaction grows large. */
    private static void deleteOld(JobStore store, Clock clock, Duration retention) {
        Instant cutoff = clock.instant().minus(retention);
        int deleted;
        do {
            deleted = store.jobs().deleteFinished(cutoff, RETENTION_BATCH);
        } while (deleted == RETENTION_BATCH);
    }

    private static LegacyJobRunner fallbackRunner(
            ApiConfig config,
            Signatures signing,
            CallbackHandler callbacks,
            JobStore store,
            ScheduledExecutorService loops,
            Clock clock) {
        if (config.simulate()) {
            return new SimulatedRunner(
                    loops, config.simulationDelay(), cb -> safely("simulation", () -> callbacks.apply(cb)), clock);
        }
        if (config.legacyCommand().isEmpty()) {
            return null;
        }
        return new LocalProcessRunner(
                config.legacyCommand(),
                config.legacyMaxParallel(),
                signing.bearerToken(),
                new FallbackExitListener(store.jobs(), callbacks, clock));
    }

    private static void safely(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("{} loop failed; it runs again on its next tick", what, e);
        }
    }

    public int port() {
        return http.port();
    }

    /** {@code http://localhost:<port>}. */
    public String localUrl() {
        return "http://localhost:" + port();
    }

    public ApiConfig config() {
        return config;
    }

    public JobStore store() {
        return store;
    }

    /** {@code ARTIFACT_STORE=s3}: the Workers' bucket; otherwise {@code ARTIFACTS_DIR}. */
    private static ArtifactReader artifactReader(ApiConfig config) {
        return config.s3Artifacts()
                .<ArtifactReader>map(s3 -> config.artifactDelivery().redirect()
                        ? new S3ArtifactReader(
                                S3Clients.create(s3),
                                s3,
                                S3ArtifactReader.presigner(s3),
                                config.artifactDelivery().redirectTtl())
                        : new S3ArtifactReader(S3Clients.create(s3), s3))
                .orElseGet(() -> new LocalArtifactReader(new ArtifactFiles(config.artifactsDir())));
    }

    public void stop() {
        observe.close();
        loops.shutdownNow();
        try {
            // a dispatch tick still running would otherwise hand work to the dispatcher closed below (an ERROR at
            // Ctrl-C)
            loops.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.close();
        http.stop();
        for (AutoCloseable writer : writers) {
            try {
                writer.close();
            } catch (Exception e) {
                LOG.warn("closing a writer failed", e);
            }
        }
        if (fallback != null) {
            fallback.close();
        }
        database.close();
        closeQuietly(lock);
    }

    @Override
    public void close() {
        stop();
    }
}
