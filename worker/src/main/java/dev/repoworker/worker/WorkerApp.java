package dev.repoworker.worker;

import dev.repoworker.observe.ServiceMetrics;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.StartupException;
import dev.repoworker.protocol.TaskDataRules;
import dev.repoworker.protocol.net.HostResolver;
import dev.repoworker.worker.process.JobExecutor;
import dev.repoworker.worker.process.ReplayGuard;
import dev.repoworker.worker.process.RequestAuthenticator;
import dev.repoworker.worker.process.WorkerMetrics;
import dev.repoworker.worker.repo.RepoUrlPolicy;
import dev.repoworker.worker.task.WorkerTaskRules;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Worker's HTTP service: its parts from {@link WorkerRoot}, served by Javalin; starts and stops it. */
public final class WorkerApp {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerApp.class);
    private static final Duration SHUTDOWN_DELIVERY_WAIT = Duration.ofSeconds(10);

    private final WorkerConfig config;
    private final ScheduledExecutorService scheduler;
    private final JobExecutor executor;
    private final Javalin server;
    private final ServiceMetrics metrics;
    private final WorkerRoot root;
    private volatile boolean stopped;

    private WorkerApp(
            WorkerConfig config,
            Javalin server,
            JobExecutor executor,
            ScheduledExecutorService scheduler,
            ServiceMetrics metrics,
            WorkerRoot root) {
        this.metrics = metrics;
        this.root = root;
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
        ServiceMetrics metrics = ServiceMetrics.create("worker");
        WorkerMetrics workerMetrics = new WorkerMetrics(metrics.registry());
        WorkerRoot root = WorkerRoot.of(config, resolver);
        JobExecutor executor = root.executor(scheduler, clock, workerMetrics);
        workerMetrics.bindExecutor(executor);
        workerMetrics.bindScheduler(scheduler);
        WorkerRoutes routes = new WorkerRoutes(
                root.admission(executor),
                executor,
                new RequestAuthenticator(root.signatures(), new ReplayGuard(config.replayGuardMaxIds(), clock)),
                clock,
                metrics);
        Javalin server = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.http.maxRequestSize = config.maxBodyBytes();
            javalin.jsonMapper(new JavalinJackson(Json.mapper(), false));
            routes.register(javalin);
        });
        try {
            server.start(config.host(), config.port());
        } catch (io.javalin.util.JavalinBindException e) {
            root.close();
            throw new StartupException.PortInUse(config.port(), e);
        }
        LOG.info(
                "worker listening on port {} (concurrency {}, queue {}, job timeout {})",
                server.port(),
                config.concurrency(),
                config.queueCapacity(),
                config.jobTimeout());
        return new WorkerApp(config, server, executor, scheduler, metrics, root);
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

    /**
     * The rules of every task for an API to check submissions with (the same code the Worker validates with;
     * repository URLs checked for their form only). {@code noop} is offered only with {@code diagnosticTasks}.
     */
    public static TaskDataRules submissionRules(boolean diagnosticTasks) {
        WorkerConfig permissive = WorkerConfig.fromEnv(Map.of(
                "WORKER_INSECURE_DEV",
                "true",
                "ALLOW_FILE_REPOS",
                "true",
                "ALLOW_HTTP_REPOS",
                "true",
                "ENABLE_DIAGNOSTIC_TASKS",
                Boolean.toString(diagnosticTasks)));
        return new WorkerTaskRules(WorkerRoot.tasksForChecks(permissive, RepoUrlPolicy.formOnly()));
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
        root.close();
        LOG.info("worker stopped");
    }
}
