package dev.repoworker.cli;

import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.protocol.Env;
import dev.repoworker.protocol.Env.InvalidConfigException;
import dev.repoworker.protocol.TaskDataRules;
import dev.repoworker.worker.WorkerApp;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

@Command(
        name = "api",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the API side only: job records, dispatch to the Worker, callbacks, fallback.",
            "Configured by environment variables: PORT, DATABASE_URL, API_BASE_URL, REPO_WORKER_API_URL, "
                    + "REPO_WORKER_API_URL_DEV, USE_DEV_CLOUDRUN_WORKER, NODE_ENV/APP_ENV, WORKER_SECRET, … (see README)."
        })
final class ApiCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        ApiConfig config;
        try {
            config = ApiConfig.fromEnv(System.getenv(), SelfCommand.job());
        } catch (InvalidConfigException e) {
            System.err.println("repo-worker api: invalid configuration: " + e.getMessage());
            return 2;
        }
        ApiApp api = ApiApp.start(config, ApiApp.lockStore(config), submissionRules(System.getenv()));
        System.out.println("repo-worker api listening on " + api.localUrl());
        awaitShutdown(api::stop);
        return 0;
    }

    /** The Worker's rules for task data, applied by the API at submission ({@code noop} only with ENABLE_DIAGNOSTIC_TASKS). */
    static TaskDataRules submissionRules(Map<String, String> env) {
        return WorkerApp.submissionRules(new Env(env).flag("ENABLE_DIAGNOSTIC_TASKS", false));
    }

    /**
     * Blocks until SIGTERM/SIGINT, then runs {@code stop} in the JVM's shutdown hook and flushes the logs last
     * (they go through an asynchronous appender, so the services' last lines are written before the exit).
     */
    static void awaitShutdown(Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.run();
                            Logs.flush();
                            stopped.countDown();
                        },
                        "shutdown"));
        stopped.await();
    }
}
