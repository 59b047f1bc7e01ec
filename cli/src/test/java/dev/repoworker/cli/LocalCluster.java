package dev.repoworker.cli;

import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Workers and API replicas of one test, in this JVM on free ports, each with folders of its own under {@code dir}
 * ({@code <name>-tmp}, {@code <name>-artifacts}, {@code <name>-data}): nothing is shared unless the test's variables
 * say so (one {@code ARTIFACTS_DIR}, a bucket, a database). They share one Worker secret and accept loopback
 * repositories and callbacks. {@link #close} stops them, the last started first.
 */
final class LocalCluster implements AutoCloseable {

    private final Path dir;
    private final String workerSecret = Signatures.newSecret();
    private final List<AutoCloseable> running = new ArrayList<>();

    LocalCluster(Path dir) {
        this.dir = dir;
    }

    String workerSecret() {
        return workerSecret;
    }

    /** Starts a Worker; {@code env} adds to or overrides the defaults. Returns its URL. */
    String worker(String name, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of(
                "PORT",
                "0",
                "WORKER_SECRET",
                workerSecret,
                "TEMP_DIR",
                dir.resolve(name + "-tmp").toString(),
                "ARTIFACTS_DIR",
                dir.resolve(name + "-artifacts").toString(),
                "ALLOW_FILE_REPOS",
                "true",
                "ALLOW_HTTP_REPOS",
                "true",
                "ALLOWED_REPO_HOSTS",
                "127.0.0.1",
                "ALLOWED_CALLBACK_HOSTS",
                "127.0.0.1",
                "ALLOW_PRIVATE_NETWORKS",
                "true"));
        all.putAll(env);
        WorkerApp worker = WorkerApp.start(WorkerConfig.fromEnv(all));
        running.add(worker::stop);
        return "http://127.0.0.1:" + worker.port();
    }

    /** Starts an API replica sending to {@code workerUrls} (comma-separated); {@code env} adds to or overrides the defaults. */
    ApiHttp api(String name, String workerUrls, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of(
                "PORT",
                "0",
                "WORKER_SECRET",
                workerSecret,
                "HOST",
                "127.0.0.1",
                "DATA_DIR",
                dir.resolve(name + "-data").toString(),
                "ARTIFACTS_DIR",
                dir.resolve(name + "-artifacts").toString(),
                "REPO_WORKER_API_URLS",
                workerUrls,
                "ALLOW_PRIVATE_NETWORKS",
                "true",
                "DISPATCH_POLL",
                "100ms"));
        all.putAll(env);
        ApiApp api = ApiApp.start(ApiConfig.fromEnv(all));
        running.add(api::stop);
        return new ApiHttp(api.localUrl());
    }

    /** Something else the test started, stopped with the services (before those started earlier). */
    <T extends AutoCloseable> T add(T resource) {
        running.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable service : running.reversed()) {
            service.close();
        }
    }
}
