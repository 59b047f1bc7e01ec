package dev.repoworker.cli;

import dev.repoworker.protocol.Env.InvalidConfigException;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the Worker HTTP service (POST /process, GET /jobs/{jobId}, GET /health).",
            "Configured by environment variables: PORT, WORKER_SECRET, TEMP_DIR, WORKER_CONCURRENCY, JOB_TIMEOUT, "
                    + "GITHUB_TOKEN, ALLOWED_REPO_HOSTS, ALLOWED_CALLBACK_HOSTS, ALLOW_FILE_REPOS, … (see README)."
        })
final class WorkerCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        WorkerConfig config;
        try {
            config = WorkerConfig.fromEnv(System.getenv());
        } catch (InvalidConfigException e) {
            System.err.println("repo-worker worker: invalid configuration: " + e.getMessage());
            return 2;
        }
        WorkerApp app = WorkerApp.start(config);
        System.out.println("repo-worker worker listening on port " + app.port());
        ApiCommand.awaitShutdown(app::stop);
        return 0;
    }
}
