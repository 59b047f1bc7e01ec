package dev.repoworker.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An API on the embedded default store (no {@code DATABASE_URL}) as a real launcher process, on a fixed port
 * and a {@code DATA_DIR} that outlives the process: {@code standalone} (API and Worker in one JVM), or
 * {@code api} beside a separate {@code worker} process that outlives the API. The process holding the store
 * can be killed (SIGKILL) and started again on the same port and {@code DATA_DIR}.
 */
final class EmbeddedNode implements AutoCloseable {

    static final String SECRET = "embedded-fault-secret";
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    private final Path dir;
    private final String name;
    private final boolean separateWorker;
    private final int apiPort = freePort();
    private final int workerPort = freePort();
    private final Map<String, Integer> starts = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final Signatures signer = Signatures.of(List.of(SECRET));
    private Process store;
    private Process worker;

    private EmbeddedNode(Path dir, String name, boolean separateWorker) {
        this.dir = dir;
        this.name = name;
        this.separateWorker = separateWorker;
    }

    /** {@code repo-worker standalone}: the Worker lives and dies with the API. */
    static EmbeddedNode standalone(Path dir, String name) {
        return new EmbeddedNode(dir, name, false);
    }

    /** {@code repo-worker api} and a {@code repo-worker worker} process that survives the API's death. */
    static EmbeddedNode apiBesideWorker(Path dir, String name) {
        return new EmbeddedNode(dir, name, true);
    }

    /** Starts the process holding the store (and the separate Worker, once); ready when this returns. */
    void start() throws IOException {
        if (separateWorker && worker == null) {
            worker = Launcher.start(
                    Map.of(
                            "PORT",
                            Integer.toString(workerPort),
                            "WORKER_SECRET",
                            SECRET,
                            "TEMP_DIR",
                            dir.resolve(name + "-worker").toString(),
                            "ENABLE_DIAGNOSTIC_TASKS",
                            "true",
                            "ALLOWED_CALLBACK_HOSTS",
                            "127.0.0.1",
                            "WORKER_CONCURRENCY",
                            "4",
                            "SHUTDOWN_GRACE",
                            "1s"),
                    log(name + "-worker"),
                    "worker");
        }
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(apiPort));
        env.put("DATA_DIR", dir.resolve(name + "-data").toString());
        env.put("WORKER_SECRET", SECRET);
        env.put("ENABLE_DIAGNOSTIC_TASKS", "true");
        env.put("JOB_LEASE", "3s");
        env.put("RECONCILE_POLL", "250ms");
        env.put("DISPATCH_POLL", "100ms");
        env.put("DISPATCH_CLAIM", "5s"); // claims held by the killed process free up soon
        env.put("DISPATCH_BACKOFF", "100ms");
        env.put("DISPATCH_BACKOFF_MAX", "1s");
        env.put("DISPATCH_MAX_TRIES", "100");
        env.put("WORKER_TIMEOUT", "5s");
        env.put("MAX_ATTEMPTS", "5");
        if (separateWorker) {
            env.put("API_BASE_URL", apiUrl());
            env.put("REPO_WORKER_API_URL", workerUrl());
            store = Launcher.start(env, log(name + "-api"), "api");
        } else {
            env.put("WORKER_PORT", Integer.toString(workerPort));
            env.put("TEMP_DIR", dir.resolve(name + "-work").toString());
            env.put("WORKER_CONCURRENCY", "4");
            env.put("SHUTDOWN_GRACE", "1s");
            store = Launcher.start(env, log(name + "-standalone"), "standalone");
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> get(apiUrl() + "/ready", Map.of()).statusCode() == 200
                        && get(workerUrl() + "/health", Map.of()).statusCode() == 200);
    }

    /** SIGKILL to the process that holds the store, and wait for its exit. */
    void killStore() throws InterruptedException {
        store.destroyForcibly();
        if (!store.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + store.pid() + " survived SIGKILL");
        }
    }

    boolean storeAlive() {
        return store != null && store.isAlive();
    }

    String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    String workerUrl() {
        return "http://127.0.0.1:" + workerPort;
    }

    boolean hasSeparateWorker() {
        return separateWorker;
    }

    /** The project's jobs as {@code GET /api/cloudrun/jobs} lists them (every page), by id; {@code status} may be null. */
    Map<String, JsonNode> jobs(String project, String status) throws IOException, InterruptedException {
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        String cursor = null;
        do {
            String url = apiUrl() + "/api/cloudrun/jobs?limit=100&projectId=" + project
                    + (status == null ? "" : "&status=" + status)
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<String> response = get(url, Map.of());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + url + ": " + response.statusCode() + " " + response.body());
            }
            JsonNode page = Json.mapper().readTree(response.body());
            page.path("jobs").forEach(job -> jobs.put(job.path("id").asText(), job));
            cursor = page.path("nextCursor").isTextual()
                    ? page.path("nextCursor").asText()
                    : null;
        } while (cursor != null);
        return jobs;
    }

    /** The job with its events, or null when the API does not know it. */
    JsonNode job(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = get(apiUrl() + "/api/cloudrun/jobs/" + id, Map.of());
        return response.statusCode() == 404 ? null : Json.mapper().readTree(response.body());
    }

    /** The Worker's own view of a job ({@code GET /jobs/{jobId}}, signed), or null when it does not know it. */
    JsonNode workerJob(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = get(workerUrl() + "/jobs/" + id, signer.headersFor(""));
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("worker GET /jobs/" + id + ": " + response.statusCode() + " " + response.body());
        }
        return Json.mapper().readTree(response.body());
    }

    /** Waits until every job the API lists for the project is final (or the time is up: the rest count as lost). */
    void awaitSettled(String project, Duration atMost) {
        try {
            await().atMost(atMost)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> jobs(project, null).values().stream().allMatch(EmbeddedNode::isFinal));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // counted as lost by the audit
        }
    }

    static boolean isFinal(JsonNode job) {
        return FINAL.contains(job.path("status").asText());
    }

    HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path log(String process) {
        return dir.resolve(process + "-" + starts.merge(process, 1, Integer::sum) + ".log");
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : new Process[] {store, worker}) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() {
        try {
            return FaultCluster.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
