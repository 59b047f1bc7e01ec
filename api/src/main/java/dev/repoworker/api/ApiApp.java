package dev.repoworker.api;

import dev.repoworker.api.deploy.DeploymentWebhooks;
import dev.repoworker.api.dispatch.Dispatcher;
import dev.repoworker.api.dispatch.Reconciler;
import dev.repoworker.api.github.GitHubDeliveries;
import dev.repoworker.api.job.Database;
import dev.repoworker.api.job.JobNotifications;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.job.LegacyH2Import;
import dev.repoworker.api.loop.Periodic;
import dev.repoworker.protocol.StartupException;
import dev.repoworker.protocol.TaskDataRules;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's composition root: database, HTTP routes, dispatcher and the background loops. The parts are wired by
 * {@link Foundation}, {@link Dispatching}, {@link Services} and {@link HttpSurface}, in that order, here.
 */
public final class ApiApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiApp.class);
    private static final int RETENTION_BATCH = 500;
    private static final Duration RETENTION_POLL = Duration.ofMinutes(5);
    static final Duration CLOCK_SKEW_MARGIN = Duration.ofMinutes(1);

    private final ApiConfig config;
    private final Database database;
    private final JobStore store;
    private final Javalin http;
    private final Periodic loops;
    private final Dispatching dispatching;
    private final ObserveRoutes observe;
    private final List<AutoCloseable> writers;
    private final DataDirLock lock;

    private ApiApp(
            ApiConfig config,
            Database database,
            JobStore store,
            Javalin http,
            Periodic loops,
            Dispatching dispatching,
            ObserveRoutes observe,
            List<AutoCloseable> writers,
            DataDirLock lock) {
        this.config = config;
        this.database = database;
        this.store = store;
        this.http = http;
        this.loops = loops;
        this.dispatching = dispatching;
        this.observe = observe;
        this.writers = writers;
        this.lock = lock;
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
        Foundation base = Foundation.open(config, clock, database);
        Dispatching dispatching = Dispatching.wire(config, clock, base);
        Services services = Services.wire(config, clock, rules, database, base, dispatching);
        HttpSurface surface = HttpSurface.wire(config, clock, database, base, dispatching, services);
        Dispatcher dispatcher = dispatching.dispatcher();
        Javalin http = listen(config, surface.table(), dispatcher);
        dispatcher.start(config.callbackUrl(http.port()));
        JobNotifications notifications = database.isPostgres()
                ? new JobNotifications(
                        config.databaseUrl(), config.databaseUser(), config.databasePassword(), dispatcher::wakeUp)
                : null;
        DeploymentWebhooks webhooks = new DeploymentWebhooks(
                        database,
                        services.projects(),
                        services.subscriberPolicy(),
                        dispatching.backoff(),
                        config.webhookRetryWindow(),
                        clock)
                .start(config.dispatchPoll());
        scheduleHousekeeping(
                base,
                config,
                dispatching.reconciler(config, base.store(), clock),
                webhooks,
                new GitHubDeliveries(database),
                clock);
        LOG.info(
                "API listening on port {}; worker(s) {}; fallback {}; database {}",
                http.port(),
                config.workerUrls().isEmpty() ? "none" : String.join(", ", config.workerUrls()),
                dispatching.fallbackName(),
                database.kind().name().toLowerCase(Locale.ROOT));
        List<AutoCloseable> writers = List.of(
                webhooks,
                services.submissions(),
                dispatching.callbacks()::close,
                () -> closeIfPresent(surface.indexCache()),
                () -> closeIfPresent(notifications));
        return new ApiApp(
                config, database, base.store(), http, base.loops(), dispatching, surface.observe(), writers, lock);
    }

    private static Javalin listen(ApiConfig config, ApiRouteTable table, Dispatcher dispatcher) {
        Javalin http = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.http.maxRequestSize = config.maxBodyBytes();
            table.register(c);
        });
        try {
            return http.start(config.host(), config.port());
        } catch (io.javalin.util.JavalinBindException e) {
            dispatcher.close();
            throw new StartupException.PortInUse(config.port(), e);
        }
    }

    private static void closeIfPresent(AutoCloseable closeable) throws Exception {
        if (closeable != null) {
            closeable.close();
        }
    }

    /**
     * The loops every replica runs: reconcile, forget old webhook ids, delete finished jobs and GitHub deliveries past
     * the retention.
     */
    private static void scheduleHousekeeping(
            Foundation base,
            ApiConfig config,
            Reconciler reconciler,
            DeploymentWebhooks webhooks,
            GitHubDeliveries deliveries,
            Clock clock) {
        Periodic loops = base.loops();
        JobStore store = base.store();
        Duration every = config.reconcilePoll();
        loops.every("reconcile", every, every, reconciler::poll);
        // webhook ids are needed only while a copy of their message would still verify: forgotten a margin later,
        // so a replica whose clock runs ahead never reopens the window on one whose clock lags
        loops.every("forget webhook ids", every, every, () -> {
            store.messages().forgetMessages(clock.instant().minus(CLOCK_SKEW_MARGIN));
        });
        loops.every("retention", every, RETENTION_POLL, () -> {
            deleteOld(store, clock, config.jobRetention());
            webhooks.forgetDeleted();
            deliveries.forgetBefore(clock.instant().minus(config.jobRetention()));
        });
    }

    /** Finished jobs past the retention, with their events, in small batches so no transaction grows large. */
    private static void deleteOld(JobStore store, Clock clock, Duration retention) {
        Instant cutoff = clock.instant().minus(retention);
        int deleted;
        do {
            deleted = store.jobs().deleteFinished(cutoff, RETENTION_BATCH);
        } while (deleted == RETENTION_BATCH);
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

    public void stop() {
        observe.close();
        // waits for a dispatch tick still running, which would otherwise hand work to the dispatcher closed next
        loops.close();
        dispatching.dispatcher().close();
        http.stop();
        for (AutoCloseable writer : writers) {
            try {
                writer.close();
            } catch (Exception e) {
                LOG.warn("closing a writer failed", e);
            }
        }
        if (dispatching.fallback() != null) {
            dispatching.fallback().close();
        }
        database.close();
        closeQuietly(lock);
    }

    @Override
    public void close() {
        stop();
    }
}
