package dev.repoworker.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Two API replicas and two Workers as real launcher processes on fixed ports, sharing one fresh
 * PostgreSQL schema; each can be killed (SIGKILL), stopped (SIGTERM) and started again on its port.
 */
final class FaultCluster implements AutoCloseable {

    static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String SECRET = "fault-harness-secret";
    static final Duration LEASE = Duration.ofSeconds(3);
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    private final Path dir;
    private final String schema = "rw_faults_" + Long.toHexString(System.nanoTime());
    private final String secretsKey;
    private final int[] apiPorts = new int[2];
    private final int[] workerPorts = new int[2];
    private final Process[] apis = new Process[2];
    private final Process[] workers = new Process[2];
    private final Map<String, Integer> starts = new HashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    FaultCluster(Path dir) throws Exception {
        this.dir = dir;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.secretsKey = Base64.getEncoder().encodeToString(key);
        for (int i = 0; i < 2; i++) {
            apiPorts[i] = freePort();
            workerPorts[i] = freePort();
        }
        try (Connection c = postgres()) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
    }

    /** Both Workers and both API replicas, started in parallel, ready when this returns. */
    void startAll() throws Exception {
        startWorker(0);
        startWorker(1);
        startApi(0);
        startApi(1);
        awaitUp();
    }

    void awaitUp() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    for (int i = 0; i < 2; i++) {
                        if (workers[i] != null
                                && workers[i].isAlive()
                                && get(workerUrl(i) + "/health").statusCode() != 200) {
                            return false;
                        }
                        if (apis[i] != null
                                && apis[i].isAlive()
                                && get(apiUrl(i) + "/ready").statusCode() != 200) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    String apiUrl(int i) {
        return "http://127.0.0.1:" + apiPorts[i];
    }

    String workerUrl(int i) {
        return "http://127.0.0.1:" + workerPorts[i];
    }

    boolean workerAlive(int i) {
        return workers[i] != null && workers[i].isAlive();
    }

    boolean apiAlive(int i) {
        return apis[i] != null && apis[i].isAlive();
    }

    void startWorker(int i) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(workerPorts[i]));
        env.put("WORKER_SECRET", SECRET);
        env.put("TEMP_DIR", dir.resolve("worker-" + i).toString());
        env.put("ENABLE_DIAGNOSTIC_TASKS", "true");
        env.put("ALLOW_FILE_REPOS", "true");
        env.put("ALLOWED_CALLBACK_HOSTS", "127.0.0.1");
        env.put("WORKER_CONCURRENCY", "8");
        env.put("SHUTDOWN_GRACE", "1s");
        workers[i] = Launcher.start(env, log("worker-" + i), "worker");
    }

    void startApi(int i) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(apiPorts[i]));
        env.put("DATA_DIR", dir.resolve("api-" + i).toString());
        env.put("DATABASE_URL", POSTGRES_URL + "?currentSchema=" + schema);
        env.put("DATABASE_USER", "postgres");
        env.put("DATABASE_CONNECT_TIMEOUT", "1s");
        env.put("WORKER_SECRET", SECRET);
        env.put("SECRETS_KEY", secretsKey);
        // each replica's own URL: a Worker retries a callback until its replica is back; the survivors reconcile
        // meanwhile
        env.put("API_BASE_URL", apiUrl(i));
        env.put("REPO_WORKER_API_URLS", workerUrl(0) + "," + workerUrl(1));
        env.put("JOB_LEASE", LEASE.toMillis() + "ms");
        env.put("RECONCILE_POLL", "250ms");
        env.put("DISPATCH_POLL", "100ms");
        env.put("DISPATCH_CLAIM", "5s");
        env.put("DISPATCH_BACKOFF", "100ms");
        env.put("DISPATCH_BACKOFF_MAX", "1s");
        env.put("DISPATCH_MAX_TRIES", "100");
        env.put("WORKER_TIMEOUT", "5s");
        env.put("MAX_ATTEMPTS", "5");
        env.put("ENABLE_DIAGNOSTIC_TASKS", "true"); // the API accepts noop jobs, which its Workers offer
        apis[i] = Launcher.start(env, log("api-" + i), "api");
    }

    void killWorker(int i) throws InterruptedException {
        kill(workers[i]);
    }

    void killApi(int i) throws InterruptedException {
        kill(apis[i]);
    }

    /** SIGTERM, as an orchestrator stops a replica, and wait for the exit. */
    void stopApi(int i) throws InterruptedException {
        apis[i].destroy();
        if (!apis[i].waitFor(30, TimeUnit.SECONDS)) {
            kill(apis[i]);
        }
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + process.pid() + " survived SIGKILL");
        }
    }

    private Path log(String name) {
        int n = starts.merge(name, 1, Integer::sum);
        return dir.resolve(name + "-" + n + ".log");
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String url, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Worker's own view of a job (its state and the delivery of its callback). */
    HttpResponse<String> workerJob(String workerUrl, String jobId) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(workerUrl + "/jobs/" + jobId))
                        .timeout(Duration.ofSeconds(5))
                        .header("Authorization", "Bearer " + SECRET)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The job as the Worker that knows it reports it (a job re-dispatched under load, or completed before its
     * re-dispatch went out, has no Worker URL on its row).
     */
    HttpResponse<String> workerJobAnywhere(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response = workerJob(workerUrl(0), jobId);
        return response.statusCode() == 200 ? response : workerJob(workerUrl(1), jobId);
    }

    /** One job row as the database has it. */
    record Row(String id, String status, int attempt, String workerUrl) {
        boolean terminal() {
            return TERMINAL.contains(status);
        }
    }

    Map<String, Row> jobs(String projectId) throws SQLException {
        try (Connection c = connection();
                PreparedStatement q =
                        c.prepareStatement("SELECT id, status, attempt, worker_url FROM jobs WHERE project_id = ?")) {
            q.setString(1, projectId);
            Map<String, Row> rows = new LinkedHashMap<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4)));
                }
            }
            return rows;
        }
    }

    /** Per job: how many terminal transitions were applied (callbacks completed/failed, and failures by the API). */
    Map<String, Integer> terminalTransitions(String projectId) throws SQLException {
        return countEvents(
                projectId,
                "(e.type = 'callback' AND (e.message = 'completed' OR e.message LIKE 'failed%')) "
                        + "OR e.type = 'failed'");
    }

    Map<String, Integer> countEvents(String projectId, String condition) throws SQLException {
        try (Connection c = connection();
                PreparedStatement q =
                        c.prepareStatement("SELECT e.job_id, COUNT(*) FROM job_events e JOIN jobs j ON j.id = e.job_id "
                                + "WHERE j.project_id = ? AND (" + condition + ") GROUP BY e.job_id")) {
            q.setString(1, projectId);
            Map<String, Integer> counts = new HashMap<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
            return counts;
        }
    }

    /** Waits until every job of the project is completed, failed or cancelled (or the time is up). */
    void awaitSettled(String projectId, Duration atMost) {
        try {
            await().atMost(atMost)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> jobs(projectId).values().stream().allMatch(Row::terminal));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // counted as lost by the caller
        }
    }

    /** The scenario's figures; {@code acknowledged} are the ids the API answered 202 for. */
    Tally tally(int scenario, String projectId, List<String> acknowledged) throws SQLException {
        Map<String, Row> rows = jobs(projectId);
        Map<String, Integer> transitions = terminalTransitions(projectId);
        List<String> lost = new ArrayList<>();
        for (String id : acknowledged) {
            Row row = rows.get(id);
            if (row == null || !row.terminal()) {
                lost.add(id);
            }
        }
        rows.values().stream()
                .filter(r -> !r.terminal() && !acknowledged.contains(r.id()))
                .forEach(r -> lost.add(r.id()));
        List<String> duplicated = transitions.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
        long completed = rows.values().stream()
                .filter(r -> r.status().equals("completed"))
                .count();
        long failed =
                rows.values().stream().filter(r -> r.status().equals("failed")).count();
        return new Tally(Integer.toString(scenario), acknowledged.size(), completed, failed, lost, duplicated);
    }

    record Tally(
            String scenario, int submitted, long completed, long failed, List<String> lost, List<String> duplicated) {
        String line() {
            return "scenario " + scenario + ": submitted " + submitted + ", completed " + completed + ", failed "
                    + failed + ", lost " + lost.size() + ", duplicated " + duplicated.size();
        }
    }

    Connection connection() throws SQLException {
        return DriverManager.getConnection(POSTGRES_URL + "?currentSchema=" + schema, "postgres", "");
    }

    static Connection postgres() throws SQLException {
        return DriverManager.getConnection(POSTGRES_URL, "postgres", "");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (Process p : List.of(apis, workers).stream()
                .flatMap(a -> java.util.Arrays.stream(a))
                .toList()) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
        try (Connection c = postgres()) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** Keeps the processes' logs (they live in a temporary directory) under {@code target}. */
    static void keepLogs(Path dir, Path into) throws IOException {
        java.nio.file.Files.createDirectories(into);
        try (var logs = java.nio.file.Files.list(dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .toList()) {
                java.nio.file.Files.copy(
                        log, into.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
