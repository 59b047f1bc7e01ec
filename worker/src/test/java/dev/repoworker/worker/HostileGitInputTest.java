package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.repo.HostileSubmodules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Hostile repositories and Git inputs through a real Worker (POST /process, signed callbacks), with
 * both Git implementations: repositories over MAX_REPO_FILES / MAX_REPO_BYTES fail cleanly and leave
 * no workspace, submodules pointing elsewhere are never fetched, URL credentials are echoed nowhere,
 * and hostile branch names and commits are refused before admission.
 */
@Timeout(180)
class HostileGitInputTest {

    private static final String SIGNING = Signatures.newSecret();
    private static final String CREDENTIAL = "hunter2-Cr3dential-9b1e";

    @TempDir
    Path temp;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger root;
    private Level rootLevel;

    @BeforeEach
    void capture_logs() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        root.detachAppender(logs);
        root.setLevel(rootLevel);
    }

    private record Running(SignedHttp http, CallbackReceiver receiver) {
        HttpResponse<String> process(String task, String jobId, Map<String, Object> data) throws Exception {
            return http.post(
                    "/process", Map.of("jobId", jobId, "task", task, "callbackUrl", receiver.url(), "data", data));
        }

        CallbackReceiver.Received finalCallback(String jobId) {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> receiver.receivedFor(jobId).stream()
                            .anyMatch(r -> !r.status().equals("running")));
            return receiver.receivedFor(jobId).stream()
                    .filter(r -> !r.status().equals("running"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private Running start(String git, Map<String, String> extra) {
        Map<String, String> env = TestWorkers.env(SIGNING, temp.resolve("tmp"));
        env.put("ARTIFACTS_DIR", temp.resolve("artifacts").toString());
        env.put("GIT_IMPLEMENTATION", git);
        env.putAll(extra);
        WorkerApp app = TestWorkers.start(env);
        CallbackReceiver receiver = CallbackReceiver.verifying(SIGNING);
        toClose.add(0, app::stop);
        toClose.add(receiver);
        return new Running(new SignedHttp(app.port(), SIGNING), receiver);
    }

    private String sixtyFiles() {
        TestRepos.Repo repo = TestRepos.init(temp.resolve("sixty"));
        for (int i = 0; i < 60; i++) {
            repo.write("notes/note-" + i + ".md", "# Note " + i + "\n");
        }
        repo.commit("sixty notes");
        return repo.fileUrl();
    }

    /** Every workspace under TEMP_DIR/jobs; the Worker removes a job's before its final callback leaves. */
    private List<Path> workspaces() throws IOException {
        Path jobs = temp.resolve("tmp/jobs");
        if (!Files.exists(jobs)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(jobs)) {
            return list.toList();
        }
    }

    private String allLogs() {
        StringBuilder out = new StringBuilder();
        logs.list.forEach(e -> {
            out.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                out.append(e.getThrowableProxy().getMessage()).append('\n');
            }
        });
        return out.toString();
    }

    private static String error(CallbackReceiver.Received callback) {
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("failed");
        return callback.body().path("error").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "jgit"})
    void more_files_than_max_repo_files_fail_the_job_and_remove_its_workspace(String git) throws Exception {
        Running worker = start(git, Map.of("MAX_REPO_FILES", "50"));

        assertThat(worker.process("acquire-user-repo", "many-files", Map.of("repoUrl", sixtyFiles()))
                        .statusCode())
                .isEqualTo(202);

        assertThat(error(worker.finalCallback("many-files")))
                .isEqualTo("repository has more than 50 files; the limit is MAX_REPO_FILES=50");
        assertThat(workspaces()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "jgit"})
    void a_compressible_5_mb_file_over_max_repo_bytes_fails_process_with_repo_and_leaves_nothing(String git)
            throws Exception {
        TestRepos.Repo repo = TestRepos.init(temp.resolve("zeros"));
        repo.write("index.md", "# Zeros\n").write("media/zeros.bin", new byte[5 * 1024 * 1024]);
        repo.commit("a 5 MB file that compresses to a few kilobytes");
        Running worker = start(git, Map.of("MAX_REPO_BYTES", "1MB"));

        worker.process("process-with-repo", "zip-bomb", Map.of("repoUrl", repo.fileUrl()));

        assertThat(error(worker.finalCallback("zip-bomb")))
                .isEqualTo(
                        "acquire failed: repository files hold more than 1048576 bytes; the limit is MAX_REPO_BYTES=1048576");
        assertThat(workspaces()).isEmpty();
        assertThat(temp.resolve("artifacts/zip-bomb")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "jgit"})
    void a_download_over_max_repo_bytes_fails_build_assets_even_when_the_tree_is_small(String git) throws Exception {
        TestRepos.Repo repo = TestRepos.init(temp.resolve("history"));
        byte[] noise = new byte[3 * 1024 * 1024];
        new Random(11).nextBytes(noise);
        repo.write("index.md", "# History\n").write("old/noise.bin", noise).commit("a big file");
        repo.delete("old/noise.bin").commit("gone again");
        Running worker = start(git, Map.of("MAX_REPO_BYTES", "1MB"));

        worker.process("build-assets", "big-history", Map.of("repoUrl", repo.fileUrl(), "depth", 0));

        assertThat(error(worker.finalCallback("big-history")))
                .isEqualTo("repository download grew past 1048576 bytes; the limit is MAX_REPO_BYTES=1048576");
        assertThat(workspaces()).isEmpty();
        assertThat(temp.resolve("artifacts/big-history")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "jgit"})
    void an_oversized_template_fails_new_repo_from_template_and_creates_no_repository(String git) throws Exception {
        Path repos = temp.resolve("repos");
        Running worker =
                start(git, Map.of("MAX_REPO_FILES", "50", "REPO_HOST", "local", "LOCAL_REPO_ROOT", repos.toString()));

        worker.process(
                "new-repo-from-template",
                "big-template",
                Map.of("templateRepoUrl", sixtyFiles(), "newRepoName", "site"));

        assertThat(error(worker.finalCallback("big-template")))
                .isEqualTo("repository has more than 50 files; the limit is MAX_REPO_FILES=50");
        assertThat(repos.resolve("site.git")).doesNotExist();
        assertThat(workspaces()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "jgit"})
    void submodules_pointing_elsewhere_are_never_fetched_and_never_reach_the_artifacts(String git) throws Exception {
        String secret = "SECRET-OTHER-REPOSITORY-41d2";
        Path served = temp.resolve("served");
        TestRepos.Repo other =
                TestRepos.withFiles(temp.resolve("other"), Map.of("secret.md", "# Secret\n\n" + secret + "\n"));
        Path otherBare = other.bareCopy(served, "secret.git");
        GitHttpServer server = GitHttpServer.start(served);
        toClose.add(server);
        HostileSubmodules.create(
                temp.resolve("hostile"), served, other.head(), otherBare.toUri().toString(), server.url("secret.git"));
        Running worker = start(git, Map.of());

        worker.process("build-assets", "submodules", Map.of("repoUrl", server.url("hostile.git"), "depth", 0));

        CallbackReceiver.Received callback = worker.finalCallback("submodules");
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("completed");
        assertThat(callback.body().path("result").path("posts").asInt()).isEqualTo(1);
        Path artifacts = temp.resolve("artifacts/submodules");
        try (Stream<Path> files = Files.walk(artifacts)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).isNotEmpty().noneMatch(file -> read(file).contains(secret));
            assertThat(written).anyMatch(file -> read(file).contains("Index"));
        }
        assertThat(server.requestLines())
                .anyMatch(line -> line.contains("hostile.git"))
                .noneMatch(line -> line.contains("secret.git"));
        assertThat(callback.rawBody()).doesNotContain(secret);
        assertThat(workspaces()).isEmpty();
    }

    @Test
    void credentials_in_repository_urls_are_refused_before_admission_and_echoed_nowhere() throws Exception {
        Running worker = start(
                "cli",
                Map.of(
                        "REPO_HOST",
                        "local",
                        "LOCAL_REPO_ROOT",
                        temp.resolve("repos").toString()));
        List<String> urls = List.of(
                "https://leaker:" + CREDENTIAL + "@127.0.0.1/a/b.git",
                "https://" + CREDENTIAL + "@127.0.0.1/a/b.git",
                "http://leaker:" + CREDENTIAL + "@127.0.0.1:9418/a/b.git",
                "https://127.0.0.1:" + CREDENTIAL + "@evil.example/a/b",
                "https://leaker%40x:" + CREDENTIAL + "@localhost/a/b.git");
        Map<String, String> fieldOfTask = Map.of(
                "acquire-user-repo",
                "repoUrl",
                "build-assets",
                "repoUrl",
                "process-with-repo",
                "repoUrl",
                "process-all",
                "repoUrl",
                "deploy-repo",
                "repoUrl",
                "new-repo-from-template",
                "templateRepoUrl",
                "process-from-template",
                "templateRepoUrl");
        int n = 0;
        for (String url : urls) {
            for (Map.Entry<String, String> task : fieldOfTask.entrySet()) {
                Map<String, Object> data = new HashMap<>(Map.of(task.getValue(), url, "newRepoName", "site"));
                HttpResponse<String> response = worker.process(task.getKey(), "cred-" + (n++), data);

                assertThat(response.statusCode())
                        .as(task + " " + response.body())
                        .isEqualTo(400);
                Map<String, Object> body = SignedHttp.json(response);
                assertThat(body).containsEntry("field", "data." + task.getValue());
                assertThat((String) body.get("message")).contains("credentials");
                assertThat(response.body()).doesNotContain(CREDENTIAL);
            }
        }
        assertThat(worker.receiver().received()).isEmpty();
        assertThat(allLogs()).doesNotContain(CREDENTIAL);
        assertThat(workspaces()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli", "jgit"})
    void a_credential_inside_a_git_error_reaches_no_callback_job_state_or_log(String git) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String leakingUrl = "http://leaker:" + CREDENTIAL + "@127.0.0.1:" + closedPort;
        HttpServer hostile = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hostile.createContext("/redirect/", exchange -> {
            exchange.getResponseHeaders().add("Location", leakingUrl + exchange.getRequestURI());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        hostile.createContext("/error/", exchange -> {
            byte[] body = ("fatal: try " + leakingUrl + "/mirror.git instead\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hostile.start();
        toClose.add(() -> hostile.stop(0));
        String base = "http://127.0.0.1:" + hostile.getAddress().getPort();
        Running worker = start(git, Map.of());
        Map<String, String> jobs = Map.of(
                "redirected", base + "/redirect/notes.git",
                "server-error", base + "/error/notes.git",
                "query-token", base + "/error/notes.git?access_token=" + CREDENTIAL);

        for (Map.Entry<String, String> job : jobs.entrySet()) {
            assertThat(worker.process("acquire-user-repo", job.getKey(), Map.of("repoUrl", job.getValue()))
                            .statusCode())
                    .isEqualTo(202);
        }

        for (String jobId : jobs.keySet()) {
            assertThat(error(worker.finalCallback(jobId)))
                    .doesNotContain(CREDENTIAL)
                    .doesNotContain("leaker");
            HttpResponse<String> state = worker.http().get("/jobs/" + jobId);
            assertThat(state.statusCode()).isEqualTo(200);
            assertThat(state.body())
                    .contains("failed")
                    .doesNotContain(CREDENTIAL)
                    .doesNotContain("leaker");
        }
        assertThat(worker.receiver().received())
                .isNotEmpty()
                .allSatisfy(
                        r -> assertThat(r.rawBody()).doesNotContain(CREDENTIAL).doesNotContain("leaker"));
        assertThat(allLogs()).contains("redirected").doesNotContain(CREDENTIAL);
        assertThat(workspaces()).isEmpty();
    }

    @Test
    void hostile_branch_names_and_commits_are_refused_before_admission_by_every_task() throws Exception {
        Running worker = start(
                "cli",
                Map.of(
                        "REPO_HOST",
                        "local",
                        "LOCAL_REPO_ROOT",
                        temp.resolve("repos").toString()));
        String repoUrl = "http://127.0.0.1/a/notes.git";
        // (data fields are trimmed, so " main" is "main" and a blank branch is the default: not hostile)
        List<String> branches = List.of(
                "--upload-pack=touch /tmp/pwned",
                "-x",
                "..",
                "a..b",
                "a b",
                "nl\nx",
                "nul\u0000x",
                "esc\u001B[2J",
                "csi\u009B2J",
                "\u202Eevil",
                "zero\u200Bwidth",
                "no\u00A0break",
                "a:b",
                "HEAD",
                "x.lock",
                "../../etc");
        List<String> commits = List.of(
                "HEAD",
                "main",
                "--upload-pack=x",
                "-x",
                "..",
                "abc123",
                "0123456789abcdef0123456789abcdef01234567^",
                "0123456789abcdef0123456789abcdef01234567\nx",
                "0123456789abcdef0123456789abcdef01234567 --",
                "0123456789abcdef0123456789abcdef0123456\u0000");
        Map<String, Map<String, Object>> branchTasks = Map.of(
                "acquire-user-repo", Map.of("repoUrl", repoUrl),
                "build-assets", Map.of("repoUrl", repoUrl),
                "process-with-repo", Map.of("repoUrl", repoUrl),
                "process-all", Map.of("repoUrl", repoUrl),
                "deploy-repo", Map.of("repoUrl", repoUrl, "projectId", "site"),
                "new-repo-from-template", Map.of("templateRepoUrl", repoUrl, "newRepoName", "site"),
                "process-from-template", Map.of("templateRepoUrl", repoUrl, "newRepoName", "site"));
        int n = 0;
        for (Map.Entry<String, Map<String, Object>> task : branchTasks.entrySet()) {
            String field = task.getValue().containsKey("repoUrl") ? "branch" : "templateBranch";
            for (String branch : branches) {
                Map<String, Object> data = new HashMap<>(task.getValue());
                data.put(field, branch);
                assertRefused(
                        worker.process(task.getKey(), "ref-" + (n++), data),
                        "data." + field,
                        task.getKey() + " " + branch);
            }
            if (field.equals("branch")) {
                for (String commit : commits) {
                    Map<String, Object> data = new HashMap<>(task.getValue());
                    data.put("commit", commit);
                    assertRefused(
                            worker.process(task.getKey(), "ref-" + (n++), data),
                            "data.commit",
                            task.getKey() + " " + commit);
                }
            }
        }
        assertThat(worker.receiver().received()).isEmpty();
        assertThat(workspaces()).isEmpty();
    }

    private static void assertRefused(HttpResponse<String> response, String field, String what) throws IOException {
        assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(400);
        assertThat(SignedHttp.json(response))
                .as(what)
                .containsEntry("field", field)
                .containsEntry("status", "error");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
