package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API and Worker together over real HTTP, with real Git over smart HTTP and, where the contract
 * says so, the real launcher jar as the fallback one-shot process or as a Worker that gets killed.
 */
class EndToEndIT {

    private static final String SECRET = Signatures.newSecret();
    private static final String TOKEN = "ghp_e2eSecretToken0123456789";
    private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    @TempDir
    Path tmp;

    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() {
        cleanup.forEach(Runnable::run);
    }

    private GitHttpServer gitServerWithNotes() {
        TestRepos.Repo repo =
                TestRepos.withFiles(tmp.resolve("src"), Map.of("index.md", "# Home\n", "notes/one.md", "One\n"));
        repo.bareCopy(tmp.resolve("git").resolve("team"), "notes");
        GitHttpServer server = GitHttpServer.start(tmp.resolve("git")).makePrivate("team/notes", TOKEN);
        cleanup.add(server::close);
        return server;
    }

    private Map<String, String> workerEnv(int port) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("WORKER_SECRET", SECRET);
        env.put("TEMP_DIR", tmp.resolve("work").toString());
        env.put("ALLOW_HTTP_REPOS", "true");
        env.put("ALLOWED_REPO_HOSTS", "127.0.0.1");
        env.put("ALLOWED_CALLBACK_HOSTS", "127.0.0.1");
        env.put("ENABLE_DIAGNOSTIC_TASKS", "true");
        env.put("SHUTDOWN_GRACE", "1s");
        return env;
    }

    private WorkerApp startWorker(int port) {
        WorkerApp worker = WorkerApp.start(WorkerConfig.fromEnv(workerEnv(port)));
        cleanup.add(0, worker::stop);
        return worker;
    }

    private ApiApp startApi(String workerUrl, String gitHost, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("DATA_DIR", tmp.resolve("data").toString());
        env.put("WORKER_SECRET", SECRET);
        if (workerUrl != null) {
            env.put("REPO_WORKER_API_URL", workerUrl);
        }
        if (gitHost != null) {
            env.put("GIT_HOST_URL", gitHost);
        }
        env.put("DISPATCH_BACKOFF", "100ms");
        env.put("DISPATCH_MAX_TRIES", "2");
        env.put("WORKER_TIMEOUT", "2s");
        // The fallback child inherits the API's environment; /usr/bin/env adds what this test's Git server needs.
        List<String> legacy = List.of(
                "/usr/bin/env",
                "ALLOW_HTTP_REPOS=true",
                "ALLOWED_REPO_HOSTS=127.0.0.1",
                "ENABLE_DIAGNOSTIC_TASKS=true",
                "TEMP_DIR=" + tmp.resolve("fallback-work"),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                Launcher.jar().toString(),
                "job");
        env.putAll(extra);
        ApiApp api = ApiApp.start(ApiConfig.fromEnv(env, legacy));
        cleanup.add(api::stop);
        return api;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode awaitStatus(ApiHttp http, String id, String status, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> http.job(id).path("status").asText().equals(status));
        try {
            return http.job(id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void clone_repo_through_api_and_worker_completes_with_the_commit_sha() throws Exception {
        GitHttpServer git = gitServerWithNotes();
        WorkerApp worker = startWorker(0);
        ApiApp api = startApi("http://127.0.0.1:" + worker.port(), "http://127.0.0.1:" + git.port(), Map.of());
        ApiHttp http = new ApiHttp(api.localUrl());
        String head = TestRepos.git(tmp.resolve("src"), "rev-parse", "HEAD");

        HttpResponse<String> created = http.post(
                "/api/cloudrun/clone-repo",
                Map.of("owner", "team", "repoName", "notes", "branch", "main", "gitToken", TOKEN));

        assertThat(created.statusCode()).isEqualTo(202);
        assertThat(created.body()).doesNotContain(TOKEN);
        String id = ApiHttp.json(created).path("id").asText();
        JsonNode job = awaitStatus(http, id, "completed", Duration.ofSeconds(60));
        assertThat(job.path("result").path("commit").asText()).isEqualTo(head);
        assertThat(job.path("result").path("files").asInt()).isEqualTo(2);
        assertThat(job.path("task").asText()).isEqualTo("acquire-user-repo");
        assertThat(job.path("attempt").asInt()).isEqualTo(1);
        assertThat(ApiHttp.events(job, "dispatched")).isEqualTo(1);
        assertThat(job.toString()).doesNotContain(TOKEN);
    }

    @Test
    void clone_repo_completes_the_same_way_on_postgresql() throws Exception {
        String schema = "rw_e2e_" + Long.toHexString(System.nanoTime());
        try (Connection connection = postgres()) {
            connection.createStatement().execute("CREATE SCHEMA " + schema);
        }
        GitHttpServer git = gitServerWithNotes();
        WorkerApp worker = startWorker(0);
        ApiApp api = startApi(
                "http://127.0.0.1:" + worker.port(),
                "http://127.0.0.1:" + git.port(),
                Map.of("DATABASE_URL", POSTGRES_URL + "?currentSchema=" + schema, "DATABASE_USER", "postgres"));
        ApiHttp http = new ApiHttp(api.localUrl());
        // after the API has stopped
        cleanup.add(() -> {
            try (Connection connection = postgres()) {
                connection.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        String id = ApiHttp.json(http.post(
                        "/api/cloudrun/clone-repo", Map.of("owner", "team", "repoName", "notes", "gitToken", TOKEN)))
                .path("id")
                .asText();

        JsonNode job = awaitStatus(http, id, "completed", Duration.ofSeconds(60));
        assertThat(job.path("result").path("commit").asText())
                .isEqualTo(TestRepos.git(tmp.resolve("src"), "rev-parse", "HEAD"));
        try (Connection connection = postgres()) {
            ResultSet row = connection
                    .createStatement()
                    .executeQuery("SELECT status FROM " + schema + ".jobs WHERE id = '" + id + "'");
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo("completed");
        }
    }

    /** The machine's PostgreSQL; in CI it must be there, elsewhere its absence skips the test with the reason. */
    private static Connection postgres() throws SQLException {
        try {
            return DriverManager.getConnection(POSTGRES_URL, "postgres", "");
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.abort("PostgreSQL not reachable at " + POSTGRES_URL + ": " + e.getMessage());
            throw e;
        }
    }

    @Test
    void with_no_worker_url_the_fallback_process_runs_the_job() throws Exception {
        GitHttpServer git = gitServerWithNotes();
        ApiApp api = startApi(null, "http://127.0.0.1:" + git.port(), Map.of());
        ApiHttp http = new ApiHttp(api.localUrl());

        String id = ApiHttp.json(http.post(
                        "/api/cloudrun/clone-repo", Map.of("owner", "team", "repoName", "notes", "gitToken", TOKEN)))
                .path("id")
                .asText();

        JsonNode job = awaitStatus(http, id, "completed", Duration.ofSeconds(90));
        assertThat(job.path("result").path("commit").asText()).hasSize(40);
        assertThat(ApiHttp.events(job, "fallback")).isPositive();
        assertThat(job.path("events").findValuesAsText("message")).noneMatch(m -> m.contains("the worker at"));
        assertThat(job.toString()).doesNotContain(TOKEN);
    }

    @Test
    void worker_down_falls_back_and_dispatch_resumes_when_it_is_back() throws Exception {
        int workerPort = freePort();
        ApiApp api = startApi("http://127.0.0.1:" + workerPort, null, Map.of());
        ApiHttp http = new ApiHttp(api.localUrl());

        String first = ApiHttp.json(
                        http.post("/api/cloudrun/jobs", Map.of("task", "noop", "data", Map.of("durationMs", 10))))
                .path("id")
                .asText();
        JsonNode viaFallback = awaitStatus(http, first, "completed", Duration.ofSeconds(90));
        assertThat(ApiHttp.events(viaFallback, "dispatch-failed")).isPositive();
        assertThat(ApiHttp.events(viaFallback, "fallback")).isPositive();
        assertThat(viaFallback.path("attempt").asInt()).isEqualTo(1);

        startWorker(workerPort);
        String second = ApiHttp.json(
                        http.post("/api/cloudrun/jobs", Map.of("task", "noop", "data", Map.of("durationMs", 10))))
                .path("id")
                .asText();
        JsonNode viaWorker = awaitStatus(http, second, "completed", Duration.ofSeconds(60));
        assertThat(ApiHttp.events(viaWorker, "dispatched")).isEqualTo(1);
        assertThat(ApiHttp.events(viaWorker, "fallback")).isZero();
    }

    @Test
    void a_killed_worker_is_noticed_after_the_lease_and_the_job_completes_exactly_once_on_attempt_2() throws Exception {
        int workerPort = freePort();
        Process first = Launcher.start(workerEnv(workerPort), tmp.resolve("worker-1.log"), "worker");
        cleanup.add(first::destroyForcibly);
        ApiApp api = startApi(
                "http://127.0.0.1:" + workerPort,
                null,
                Map.of("JOB_LEASE", "2s", "RECONCILE_POLL", "250ms", "DISPATCH_MAX_TRIES", "50"));
        ApiHttp http = new ApiHttp(api.localUrl());
        await().atMost(Duration.ofSeconds(120))
                .ignoreExceptions()
                .until(() -> new ApiHttp("http://127.0.0.1:" + workerPort)
                                .get("/health")
                                .statusCode()
                        == 200);

        String id = ApiHttp.json(
                        http.post("/api/cloudrun/jobs", Map.of("task", "noop", "data", Map.of("durationMs", 6000))))
                .path("id")
                .asText();
        // running: the Worker reported the job, so losing it costs an attempt (a job handed over and never
        // heard of would be sent again as the same attempt instead)
        await().atMost(Duration.ofSeconds(120))
                .ignoreExceptions()
                .until(() -> http.job(id).path("status").asText().equals("running"));
        first.destroyForcibly();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

        Process second = Launcher.start(workerEnv(workerPort), tmp.resolve("worker-2.log"), "worker");
        cleanup.add(0, second::destroyForcibly);
        JsonNode job = awaitStatus(http, id, "completed", Duration.ofSeconds(90));

        assertThat(job.path("attempt").asInt()).isEqualTo(2);
        assertThat(ApiHttp.events(job, "callback", "completed")).isEqualTo(1);
        assertThat(ApiHttp.events(job, "reconciled")).isPositive();
        assertThat(Files.readString(tmp.resolve("worker-2.log"))).contains(id);
    }
}
