package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** new-repo-from-template through a real Worker: the local host, and GitHub's API played by a local server. */
class NewRepoFromTemplateTest {

    private static final String SECRET = Signatures.newSecret();
    private static final String TOKEN = "ghp_templateToken1234567890";

    @TempDir
    Path tmp;

    private TestRepos.Repo template;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void template() {
        template = TestRepos.withFiles(
                tmp.resolve("template"), Map.of("README.md", "# Starter\n", "notes/welcome.md", "Welcome\n"));
        template.write("notes/second.md", "Second\n").commit("second");
        template.write("notes/third.md", "Third\n").commit("third");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private WorkerApp worker(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "PORT",
                "0",
                "WORKER_SECRET",
                SECRET,
                "TEMP_DIR",
                tmp.resolve("work").toString(),
                "ALLOW_FILE_REPOS",
                "true",
                "ALLOW_HTTP_REPOS",
                "true",
                "ALLOWED_REPO_HOSTS",
                "127.0.0.1,github.com",
                "ALLOWED_CALLBACK_HOSTS",
                "127.0.0.1"));
        env.putAll(extra);
        WorkerApp app = WorkerApp.start(WorkerConfig.fromEnv(env));
        toClose.add(0, app::stop);
        return app;
    }

    private CallbackReceiver receiver() {
        CallbackReceiver receiver = CallbackReceiver.verifying(SECRET);
        toClose.add(receiver);
        return receiver;
    }

    private HttpResponse<String> process(
            WorkerApp app, String jobId, Map<String, Object> data, CallbackReceiver receiver) throws Exception {
        String body = Json.write(
                Map.of("jobId", jobId, "task", "new-repo-from-template", "callbackUrl", receiver.url(), "data", data));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/process"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Signatures.of(List.of(SECRET)).headersFor(body).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode finalCallback(CallbackReceiver receiver, String jobId) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> receiver.acceptedFinals().stream()
                        .anyMatch(r -> r.body().path("jobId").asText().equals(jobId)));
        return receiver.acceptedFinals().stream()
                .filter(r -> r.body().path("jobId").asText().equals(jobId))
                .findFirst()
                .orElseThrow()
                .body();
    }

    @Test
    void local_host_creates_a_fresh_bare_repository_that_the_git_cli_clones() throws Exception {
        Path root = tmp.resolve("repos");
        WorkerApp app = worker(Map.of("REPO_HOST", "local", "LOCAL_REPO_ROOT", root.toString()));
        CallbackReceiver receiver = receiver();

        HttpResponse<String> accepted = process(
                app,
                "tpl-1",
                Map.of(
                        "templateRepoUrl",
                        template.fileUrl(),
                        "newRepoName",
                        "my-site",
                        "newRepoDescription",
                        "My new site",
                        "isPrivate",
                        true),
                receiver);

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode callback = finalCallback(receiver, "tpl-1");
        assertThat(callback.path("status").asText()).as(callback.toString()).isEqualTo("completed");
        JsonNode result = callback.path("result");
        assertThat(result.path("newRepo").path("name").asText()).isEqualTo("my-site");
        assertThat(result.path("newRepo").path("fullName").asText()).isEqualTo("local/my-site");
        assertThat(result.path("newRepo").path("isPrivate").asBoolean()).isTrue();
        assertThat(result.path("files").asInt()).isEqualTo(4);
        assertThat(result.path("commit").asText()).hasSize(40).isNotEqualTo(template.head());

        Path bare = root.resolve("my-site.git");
        Path clone = tmp.resolve("cloned");
        TestRepos.git(tmp, "clone", "-q", bare.toUri().toString(), clone.toString());
        assertThat(TestRepos.git(clone, "rev-list", "--count", "HEAD").trim()).isEqualTo("1");
        assertThat(TestRepos.git(clone, "rev-parse", "HEAD").trim())
                .isEqualTo(result.path("commit").asText());
        assertThat(Files.readString(clone.resolve("notes/third.md"))).isEqualTo("Third\n");
        TestRepos.git(bare, "fsck", "--strict");
        assertThat(TestRepos.git(bare, "config", "gitweb.description").trim()).isEqualTo("My new site");
        assertThat(Files.readString(bare.resolve("description")).trim()).isEqualTo("My new site");

        CallbackReceiver again = receiver();
        process(app, "tpl-2", Map.of("templateRepoUrl", template.fileUrl(), "newRepoName", "my-site"), again);
        JsonNode taken = finalCallback(again, "tpl-2");
        assertThat(taken.path("status").asText()).isEqualTo("failed");
        assertThat(taken.path("error").asText()).isEqualTo("repository already exists");
    }

    @Test
    void github_generate_endpoint_is_called_with_the_token_and_the_new_repository_is_cloned() throws Exception {
        TestRepos.Repo generated = TestRepos.withFiles(tmp.resolve("generated"), Map.of("README.md", "# Starter\n"));
        GitHttpServer git = GitHttpServer.start(tmp.resolve("served"));
        toClose.add(git);
        FakeGitHub github = new FakeGitHub(201, () -> {
            generated.bareCopy(tmp.resolve("served").resolve("me"), "new-site.git");
            return Json.write(Map.of(
                    "name",
                    "new-site",
                    "full_name",
                    "me/new-site",
                    "html_url",
                    "https://github.example/me/new-site",
                    "clone_url",
                    git.url("me/new-site.git"),
                    "private",
                    false,
                    "default_branch",
                    "main"));
        });
        toClose.add(github);
        WorkerApp app = worker(Map.of("GITHUB_API_URL", github.url()));
        CallbackReceiver receiver = receiver();

        process(
                app,
                "gh-1",
                Map.of(
                        "templateRepoUrl",
                        "http://127.0.0.1:1/tpl-owner/tpl.git",
                        "newRepoName",
                        "new-site",
                        "newRepoDescription",
                        "A site",
                        "gitToken",
                        TOKEN),
                receiver);

        JsonNode callback = finalCallback(receiver, "gh-1");
        assertThat(callback.path("status").asText()).as(callback.toString()).isEqualTo("completed");
        assertThat(callback.path("result").path("newRepo").path("fullName").asText())
                .isEqualTo("me/new-site");
        assertThat(callback.path("result").path("commit").asText()).isEqualTo(generated.head());
        assertThat(github.requests).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/repos/tpl-owner/tpl/generate");
            assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(r.body())
                    .contains("\"name\":\"new-site\"")
                    .contains("\"description\":\"A site\"")
                    .contains("\"private\":false");
        });
        assertThat(receiver.received()).allSatisfy(r -> assertThat(r.rawBody()).doesNotContain(TOKEN));
    }

    @Test
    void github_errors_become_clear_messages() throws Exception {
        Map<Integer, String> cases = Map.of(
                422, "repository already exists",
                401, "authentication failed",
                404, "template repository not found");
        int n = 0;
        for (Map.Entry<Integer, String> c : cases.entrySet()) {
            String body = c.getKey() == 422
                    ? "{\"message\":\"Repository creation failed.\",\"errors\":[{\"resource\":\"Repository\",\"code\":\"custom\",\"field\":\"name\",\"message\":\"name already exists on this account\"}]}"
                    : "{\"message\":\"nope\"}";
            FakeGitHub github = new FakeGitHub(c.getKey(), () -> body);
            toClose.add(github);
            WorkerApp app = worker(Map.of("GITHUB_API_URL", github.url()));
            CallbackReceiver receiver = receiver();
            String jobId = "gh-err-" + (n++);
            process(
                    app,
                    jobId,
                    Map.of(
                            "templateRepoUrl",
                            "https://github.com/tpl-owner/tpl",
                            "newRepoName",
                            "x",
                            "gitToken",
                            TOKEN),
                    receiver);
            JsonNode callback = finalCallback(receiver, jobId);
            assertThat(callback.path("error").asText()).as("HTTP " + c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void bad_data_is_refused_before_admission_naming_the_field() throws Exception {
        WorkerApp app = worker(Map.of());
        CallbackReceiver receiver = receiver();
        assertField(
                process(app, "b1", Map.of("newRepoName", "x", "gitToken", TOKEN), receiver), "data.templateRepoUrl");
        assertField(
                process(app, "b2", Map.of("templateRepoUrl", "https://github.com/a/b", "gitToken", TOKEN), receiver),
                "data.newRepoName");
        for (String bad : List.of("../escape", "-flag", ".hidden", "name.git", "with space", "x".repeat(101))) {
            assertField(
                    process(
                            app,
                            "b3",
                            Map.of("templateRepoUrl", "https://github.com/a/b", "newRepoName", bad, "gitToken", TOKEN),
                            receiver),
                    "data.newRepoName");
        }
        assertField(
                process(app, "b4", Map.of("templateRepoUrl", "https://github.com/a/b", "newRepoName", "ok"), receiver),
                "data.gitToken");
        assertField(
                process(
                        app,
                        "b5",
                        Map.of(
                                "templateRepoUrl",
                                "https://github.com/only-owner",
                                "newRepoName",
                                "ok",
                                "gitToken",
                                TOKEN),
                        receiver),
                "data.templateRepoUrl");
        assertField(
                process(
                        app,
                        "b6",
                        Map.of("templateRepoUrl", "https://evil.example/a/b", "newRepoName", "ok", "gitToken", TOKEN),
                        receiver),
                "data.templateRepoUrl");
        assertThat(receiver.received()).isEmpty();
    }

    private static void assertField(HttpResponse<String> response, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(Json.mapper().readTree(response.body()).path("field").asText())
                .isEqualTo(field);
    }

    /** Answers {@code POST /repos/{owner}/{repo}/generate} like GitHub's REST API, recording each request. */
    private static final class FakeGitHub implements AutoCloseable {
        record Seen(String path, String authorization, String body) {}

        interface Answer {
            String body() throws Exception;
        }

        final List<Seen> requests = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        FakeGitHub(int status, Answer answer) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    requests.add(new Seen(
                            exchange.getRequestURI().getPath(),
                            exchange.getRequestHeaders().getFirst("Authorization"),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(status, body.length);
                    exchange.getResponseBody().write(body);
                } catch (Exception e) {
                    exchange.sendResponseHeaders(500, -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
