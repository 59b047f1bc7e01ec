package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.TestRepos;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secrets grep of the security suite: a private repository read with a Git token through the real
 * launcher processes (API on PostgreSQL + Worker), a successful pipeline and two failing jobs, then every
 * place a token could leak to is searched for it — in plain text, base64 (as in an HTTP Basic header) and
 * hex: both services' logs, every row of every table, every API response, every callback body, every file
 * the services wrote, and the command line of every process on the machine while Git was running.
 */
class SecretsLeakIT {

    private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String SECRET = Signatures.newSecret();
    private static final String TOKEN =
            "ghp_leakCanary" + HexFormat.of().formatHex(java.security.SecureRandom.getSeed(12));

    @TempDir
    Path tmp;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void a_git_token_never_appears_in_logs_rows_responses_callbacks_artifacts_or_command_lines() throws Exception {
        String schema = postgresSchema();
        GitHttpServer git = privateRepository();
        int workerPort = FaultCluster.freePort();
        int apiPort = FaultCluster.freePort();
        String workerUrl = "http://127.0.0.1:" + workerPort;
        String apiUrl = "http://127.0.0.1:" + apiPort;
        Path artifacts = tmp.resolve("artifacts");
        Process worker = start("worker", workerEnv(workerPort, artifacts));
        Process api = start("api", apiEnv(apiPort, schema, workerUrl, "http://127.0.0.1:" + git.port(), artifacts));
        awaitUp(workerUrl + "/health");
        awaitUp(apiUrl + "/ready");

        CommandLineWatch watch = new CommandLineWatch(forms());
        String deployed;
        try (GitHttpServer.Hold hold = git.hold()) {
            deployed = submit(
                    apiUrl,
                    "/api/cloudrun/deploy-repo",
                    Map.of(
                            "owner",
                            "team",
                            "repoName",
                            "notes",
                            "branch",
                            "main",
                            "gitToken",
                            TOKEN,
                            "projectId",
                            "docs"));
            await().atMost(Duration.ofSeconds(60)).until(() -> git.heldCount() > 0);
            watch.scanUntil(() -> watch.gitProcessesSeen() > 0, Duration.ofSeconds(30));
            watch.scanTimes(20);
        }
        String missingBranch = submit(
                apiUrl,
                "/api/cloudrun/clone-repo",
                Map.of("owner", "team", "repoName", "notes", "branch", "no-such-branch", "gitToken", TOKEN));
        String missingRepo = submit(
                apiUrl,
                "/api/cloudrun/clone-repo",
                Map.of("owner", "team", "repoName", "absent", "branch", "main", "gitToken", TOKEN));

        assertThat(awaitFinal(apiUrl, deployed).path("status").asText()).isEqualTo("completed");
        assertThat(awaitFinal(apiUrl, missingBranch).path("status").asText()).isEqualTo("failed");
        assertThat(awaitFinal(apiUrl, missingRepo).path("status").asText()).isEqualTo("failed");

        Map<String, String> places = new LinkedHashMap<>();
        for (String id : List.of(deployed, missingBranch, missingRepo)) {
            places.put("GET job " + id, get(apiUrl + "/api/cloudrun/jobs/" + id));
            places.put("GET events " + id, get(apiUrl + "/api/cloudrun/jobs/" + id + "/events"));
            places.put("GET artifacts " + id, get(apiUrl + "/api/cloudrun/jobs/" + id + "/artifacts"));
            places.put(
                    "Worker GET /jobs/" + id + " (incl. the exact callback body)",
                    signedGet(workerUrl + "/jobs/" + id));
        }
        for (JsonNode artifact :
                Json.mapper().readTree(places.get("GET artifacts " + deployed)).path("artifacts")) {
            places.put(
                    "artifact " + artifact.path("path").asText(),
                    get(apiUrl + artifact.path("url").asText()));
        }
        places.put("GET jobs", get(apiUrl + "/api/cloudrun/jobs"));
        places.put("API /metrics", get(apiUrl + "/metrics"));
        places.put("Worker /metrics", get(workerUrl + "/metrics"));
        places.putAll(databaseRows(schema));
        stop(worker);
        stop(api);
        places.putAll(filesUnder(tmp));

        assertThat(places.keySet())
                .as("places searched")
                .anyMatch(p -> p.startsWith("row "))
                .anyMatch(p -> p.startsWith("file "))
                .anyMatch(p -> p.startsWith("artifact posts"))
                .anyMatch(p -> p.endsWith("worker.log"));
        assertThat(places.get("Worker GET /jobs/" + missingBranch + " (incl. the exact callback body)"))
                .contains("no-such-branch");
        Map<String, String> leaks = new LinkedHashMap<>();
        places.forEach((place, text) -> forms().forEach((form, value) -> {
            if (text.contains(value)) {
                leaks.put(place, form);
            }
        }));
        assertThat(leaks).as("places holding the token").isEmpty();
        String workerPaths = tmp.resolve("worker-tmp").toString();
        places.forEach((place, text) -> {
            if (place.startsWith("GET ") || place.startsWith("Worker GET")) {
                assertThat(text)
                        .as(place + " names a local path of the Worker")
                        .doesNotContain(workerPaths, artifacts.toString());
            }
        });
        assertThat(watch.gitProcessesSeen())
                .as("git processes seen while a clone was held")
                .isPositive();
        assertThat(watch.leaks()).as("command lines holding the token").isEmpty();
    }

    /** The token as it could appear: plain, inside an HTTP Basic header, base64 alone, hex. */
    private static Map<String, String> forms() {
        Base64.Encoder base64 = Base64.getEncoder();
        return Map.of(
                "plain", TOKEN,
                "basic-auth", base64.encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8)),
                "base64",
                        base64.encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8))
                                .replace("=", ""),
                "hex", HexFormat.of().formatHex(TOKEN.getBytes(StandardCharsets.UTF_8)));
    }

    private GitHttpServer privateRepository() {
        TestRepos.Repo repo = TestRepos.withFiles(
                tmp.resolve("src"),
                Map.of(
                        "index.md",
                                "---\ntitle: Home\ntags: [docs]\n---\n# Home\n\nSee [[guide]] and ![[diagram.svg]].\n",
                        "guide.md", "# Guide\n\nA guide about deployments and tokens.\n",
                        "diagram.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n"));
        repo.bareCopy(tmp.resolve("git").resolve("team"), "notes");
        GitHttpServer server = GitHttpServer.start(tmp.resolve("git")).makePrivate("team/notes", TOKEN);
        cleanup.add(server);
        return server;
    }

    private Map<String, String> workerEnv(int port, Path artifacts) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("WORKER_SECRET", SECRET);
        env.put("TEMP_DIR", tmp.resolve("worker-tmp").toString());
        env.put("ARTIFACTS_DIR", artifacts.toString());
        env.put("ALLOW_HTTP_REPOS", "true");
        env.put("ALLOWED_REPO_HOSTS", "127.0.0.1");
        env.put("ALLOW_PRIVATE_NETWORKS", "true");
        env.put("SHUTDOWN_GRACE", "1s");
        return env;
    }

    private Map<String, String> apiEnv(int port, String schema, String workerUrl, String gitHost, Path artifacts) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("DATA_DIR", tmp.resolve("api-data").toString());
        env.put("ARTIFACTS_DIR", artifacts.toString());
        env.put("DATABASE_URL", POSTGRES_URL + "?currentSchema=" + schema);
        env.put("DATABASE_USER", "postgres");
        env.put("WORKER_SECRET", SECRET);
        env.put("API_BASE_URL", "http://127.0.0.1:" + port);
        env.put("REPO_WORKER_API_URL", workerUrl);
        env.put("GIT_HOST_URL", gitHost);
        env.put("DISPATCH_BACKOFF", "100ms");
        return env;
    }

    private Process start(String command, Map<String, String> env) throws IOException {
        Process process = Launcher.start(env, tmp.resolve(command + ".log"), command);
        cleanup.add(() -> {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        });
        return process;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String postgresSchema() {
        String schema = "rw_secrets_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES_URL + ": " + e.getMessage());
        }
        cleanup.add(() -> {
            try (Connection c = DriverManager.getConnection(POSTGRES_URL, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        });
        return schema;
    }

    private Map<String, String> databaseRows(String schema) throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(POSTGRES_URL + "?currentSchema=" + schema, "postgres", "");
                Statement statement = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("jobs");
            for (String table : tables) {
                try (ResultSet rs = statement.executeQuery("SELECT t::text FROM " + schema + "." + table + " t")) {
                    int n = 0;
                    while (rs.next()) {
                        rows.put("row " + table + "#" + n++, rs.getString(1));
                    }
                }
            }
        }
        return rows;
    }

    private static Map<String, String> filesUnder(Path root) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                if (file.startsWith(root.resolve("git")) || file.startsWith(root.resolve("src"))) {
                    continue; // the Git server's own repositories, not something our services wrote
                }
                files.put(
                        "file " + root.relativize(file),
                        new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    private String submit(String apiUrl, String path, Map<String, Object> body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(apiUrl + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.body()).doesNotContain(TOKEN);
        return Json.mapper().readTree(response.body()).path("id").asText();
    }

    private JsonNode awaitFinal(String apiUrl, String id) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> Set.of("completed", "failed")
                        .contains(Json.mapper()
                                .readTree(get(apiUrl + "/api/cloudrun/jobs/" + id))
                                .path("status")
                                .asText()));
        try {
            return Json.mapper().readTree(get(apiUrl + "/api/cloudrun/jobs/" + id));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String get(String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private String signedGet(String url) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        Signatures.of(List.of(SECRET)).headersFor("").forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private void awaitUp(String url) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(url)).build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    /** Reads /proc/{pid}/cmdline of every process on the machine, remembering any that holds the token. */
    private static final class CommandLineWatch {
        private final Map<String, String> forms;
        private final Set<String> leaks = ConcurrentHashMap.newKeySet();
        private final Set<Long> gitProcesses = ConcurrentHashMap.newKeySet();

        CommandLineWatch(Map<String, String> forms) {
            this.forms = forms;
        }

        void scanUntil(java.util.function.BooleanSupplier done, Duration atMost) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(5)).until(() -> {
                scanOnce();
                return done.getAsBoolean();
            });
        }

        void scanTimes(int times) throws IOException {
            for (int i = 0; i < times; i++) {
                scanOnce();
            }
        }

        private void scanOnce() throws IOException {
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(
                                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                        .toList()) {
                    String commandLine;
                    try {
                        commandLine = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                                .replace('\0', ' ');
                    } catch (IOException e) {
                        continue; // the process ended between listing and reading
                    }
                    String program = commandLine.split(" ", 2)[0];
                    if (program.equals("git") || program.endsWith("/git") || program.contains("git-remote-http")) {
                        gitProcesses.add(Long.parseLong(proc.getFileName().toString()));
                    }
                    forms.forEach((form, value) -> {
                        if (commandLine.contains(value)) {
                            leaks.add(form + ": " + commandLine);
                        }
                    });
                }
            }
        }

        int gitProcessesSeen() {
            return gitProcesses.size();
        }

        Set<String> leaks() {
            return leaks;
        }
    }
}
