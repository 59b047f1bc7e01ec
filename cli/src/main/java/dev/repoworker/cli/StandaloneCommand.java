package dev.repoworker.cli;

import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.protocol.Env.InvalidConfigException;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = {"Starts the API and a Worker together in one JVM on the embedded database (./data): "
                + "the default for one machine.",
                "PORT is the API's port (default 3000); WORKER_PORT the Worker's (default: any free port). "
                        + "A shared WORKER_SECRET is generated unless one is given; local file: repositories are "
                        + "allowed unless ALLOW_FILE_REPOS=false."})
final class StandaloneCommand implements Callable<Integer> {

    private static final List<String> WORKER_SELECTION = List.of("REPO_WORKER_API_URL", "REPO_WORKER_API_URL_DEV", "USE_DEV_CLOUDRUN_WORKER");

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.computeIfAbsent("WORKER_SECRET", k -> Signatures.newSecret());
        env.putIfAbsent("ALLOW_FILE_REPOS", "true");
        // one artifacts directory for both: the Worker writes {jobId}/…, the API serves it
        env.putIfAbsent("ARTIFACTS_DIR", Path.of(env.getOrDefault("DATA_DIR", "data"), "artifacts").toAbsolutePath().normalize().toString());
        WorkerConfig workerConfig;
        ApiConfig probe;
        try {
            workerConfig = WorkerConfig.fromEnv(workerEnv(env));
            probe = ApiConfig.fromEnv(apiEnv(env, 0), SelfCommand.job());
        } catch (InvalidConfigException e) {
            System.err.println("repo-worker standalone: invalid configuration: " + e.getMessage());
            return 2;
        }
        WorkerApp worker = WorkerApp.start(workerConfig);
        ApiApp api;
        try {
            api = ApiApp.start(ApiConfig.fromEnv(apiEnv(env, worker.port()), SelfCommand.job()));
        } catch (RuntimeException e) {
            worker.stop();
            throw e;
        }
        System.out.println("repo-worker standalone: API on " + api.localUrl() + ", Worker on port " + worker.port()
                + ", database " + probe.databaseUrl());
        System.out.println("repo-worker standalone: dashboard at " + api.localUrl() + "/, metrics at " + api.localUrl()
                + "/metrics, artifacts in " + env.get("ARTIFACTS_DIR"));
        ApiCommand.awaitShutdown(() -> {
            worker.stop();
            api.stop();
        });
        return 0;
    }

    private static Map<String, String> workerEnv(Map<String, String> env) {
        Map<String, String> worker = new HashMap<>(env);
        worker.put("PORT", env.getOrDefault("WORKER_PORT", "0"));
        return worker;
    }

    private static Map<String, String> apiEnv(Map<String, String> env, int workerPort) {
        Map<String, String> api = new HashMap<>(env);
        WORKER_SELECTION.forEach(api::remove);
        if (workerPort > 0) {
            api.put("REPO_WORKER_API_URL", "http://127.0.0.1:" + workerPort);
        }
        return api;
    }
}
