package dev.repoworker.cli;

import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.api.DataDirLock;
import dev.repoworker.protocol.Env.InvalidConfigException;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.protocol.StartupException;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

@Command(
        name = "standalone",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the API and a Worker together in one JVM on the embedded database (./data): "
                    + "the default for one machine.",
            "PORT is the API's port (default 3000); WORKER_PORT the Worker's (default: any free port). "
                    + "A shared WORKER_SECRET is generated unless one is given; local file: repositories are "
                    + "allowed unless ALLOW_FILE_REPOS=false; the Worker may call the API back at its own host "
                    + "(localhost, or API_BASE_URL's), which is added to ALLOWED_CALLBACK_HOSTS."
        })
final class StandaloneCommand implements Callable<Integer> {

    private static final List<String> WORKER_SELECTION =
            List.of("REPO_WORKER_API_URL", "REPO_WORKER_API_URL_DEV", "USE_DEV_CLOUDRUN_WORKER");

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.computeIfAbsent("WORKER_SECRET", k -> Signatures.newSecret());
        env.putIfAbsent("ALLOW_FILE_REPOS", "true");
        // one artifacts directory for both: the Worker writes {jobId}/…, the API serves it
        env.putIfAbsent(
                "ARTIFACTS_DIR",
                Path.of(env.getOrDefault("DATA_DIR", "data"), "artifacts")
                        .toAbsolutePath()
                        .normalize()
                        .toString());
        WorkerConfig workerConfig;
        ApiConfig probe;
        try {
            probe = ApiConfig.fromEnv(apiEnv(env, 0), SelfCommand.job());
            workerConfig = WorkerConfig.fromEnv(workerEnv(env, probe.callbackUrl(0)));
        } catch (InvalidConfigException e) {
            System.err.println("repo-worker standalone: invalid configuration: " + e.getMessage());
            return 2;
        }
        // before the Worker starts, so a busy port or a taken ./data is the only line printed
        if (probe.port() != 0) {
            checkFree(probe.host(), probe.port());
        }
        DataDirLock lock = ApiApp.lockStore(probe);
        WorkerApp worker;
        try {
            worker = WorkerApp.start(workerConfig);
        } catch (StartupException.PortInUse e) {
            throw new StartupException(e.getMessage() + " (set WORKER_PORT)", e);
        }
        ApiApp api;
        try {
            api = ApiApp.start(
                    ApiConfig.fromEnv(apiEnv(env, worker.port()), SelfCommand.job()),
                    lock,
                    ApiCommand.submissionRules(env));
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

    private static void checkFree(String host, int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new StartupException.PortInUse(port, e);
        }
    }

    /**
     * The Worker's environment: its own port, and the API's callback host listed exactly in ALLOWED_CALLBACK_HOSTS
     * (kept with any hosts already there): the API's own address is trusted even on loopback or a private network.
     */
    private static Map<String, String> workerEnv(Map<String, String> env, String apiCallbackUrl) {
        Map<String, String> worker = new HashMap<>(env);
        worker.put("PORT", env.getOrDefault("WORKER_PORT", "0"));
        String host = URI.create(apiCallbackUrl).getHost();
        List<String> listed = Arrays.stream(
                        env.getOrDefault("ALLOWED_CALLBACK_HOSTS", "").split(","))
                .map(String::trim)
                .filter(h -> !h.isEmpty())
                .toList();
        if (host != null && listed.stream().noneMatch(host::equalsIgnoreCase)) {
            worker.put(
                    "ALLOWED_CALLBACK_HOSTS",
                    String.join(
                            ",", Stream.concat(listed.stream(), Stream.of(host)).toList()));
        }
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
