package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build-assets through a real Worker: POST /process → signed callback with the summary; artifacts on disk. */
class BuildAssetsTaskTest {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path temp;

    private WorkerApp app;
    private CallbackReceiver receiver;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private void start(boolean allowFiles) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("WORKER_SECRET", SECRET);
        env.put("TEMP_DIR", temp.resolve("tmp").toString());
        env.put("ARTIFACTS_DIR", temp.resolve("artifacts").toString());
        env.put("ALLOW_FILE_REPOS", Boolean.toString(allowFiles));
        env.put("ALLOWED_CALLBACK_HOSTS", "127.0.0.1");
        env.put("SHUTDOWN_GRACE", "5s");
        app = WorkerApp.start(WorkerConfig.fromEnv(env));
        receiver = CallbackReceiver.verifying(SECRET);
    }

    private HttpResponse<String> post(String task, String jobId, Map<String, Object> data) throws Exception {
        String body = Json.write(Map.of("jobId", jobId, "task", task, "callbackUrl", receiver.url(), "data", data));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/process"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Signatures.of(List.of(SECRET)).headersFor(body).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void build_assets_on_a_file_repo_delivers_a_signed_summary_and_writes_the_artifacts() throws Exception {
        start(true);
        TestRepos.Repo repo = TestRepos.init(temp.resolve("repo"));
        TestVault.notes().forEach(repo::write);
        TestVault.writeImages(repo.dir());
        String commit = repo.commit("notes");

        HttpResponse<String> accepted = post(
                "build-assets",
                "build-1",
                Map.of(
                        "repoUrl",
                        repo.fileUrl(),
                        "ignoreFiles",
                        List.of("skipme/**"),
                        "domain",
                        "example.org",
                        "gitToken",
                        "tok-SECRET-123"));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(40))
                .until(() -> receiver.acceptedFinals().size() == 1);
        CallbackReceiver.Received callback = receiver.acceptedFinals().get(0);
        assertThat(callback.signatureValid()).contains(true);
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("completed");
        JsonNode result = callback.body().path("result");
        assertThat(result.path("posts").asInt()).isEqualTo(13);
        assertThat(result.path("media").asInt()).isEqualTo(4);
        assertThat(result.path("variants").asInt()).isEqualTo(12);
        assertThat(result.path("issuesByKind").path("broken-link").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(result.path("issuesByKind").path("image-too-large").asInt()).isEqualTo(1);
        assertThat(result.path("durationsMs").path("render").isNumber()).isTrue();
        assertThat(result.path("bytes").asLong()).isPositive();
        assertThat(result.path("repository").path("commit").asText()).isEqualTo(commit);
        assertThat(result.path("manifest").path("store").asText()).isEqualTo("local");
        assertThat(result.path("manifest").path("location").asText()).isEqualTo("artifacts/build-1/manifest.json");
        // The only path in the result is the repository URL the client sent; never the worker's own folders or the
        // token.
        assertThat(callback.rawBody())
                .doesNotContain(temp.resolve("artifacts").toString())
                .doesNotContain(temp.resolve("tmp").toString())
                .doesNotContain("tok-SECRET-123");
        // Updated dates come from Git history: TestRepos commits at fixed dates.
        Path dir = temp.resolve("artifacts/build-1");
        JsonNode index = Json.mapper().readTree(dir.resolve("posts/index.json").toFile());
        assertThat(index.path("updated").asText()).isEqualTo("2024-01-01T00:00:01Z");
        JsonNode manifest = Json.mapper().readTree(dir.resolve("manifest.json").toFile());
        assertThat(manifest.toString())
                .contains("\"path\":\"posts.json\"")
                .contains("\"path\":\"issues.json\"")
                .contains("-lg.webp");
        assertThat(manifest.path("files").asInt())
                .isEqualTo(result.path("manifest").path("files").asInt());
        String medias = Files.readString(dir.resolve("medias.json"));
        assertThat(medias).contains("https://example.org/_repo/medias/");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !Files.exists(temp.resolve("tmp/jobs"))
                        || Files.list(temp.resolve("tmp/jobs")).findAny().isEmpty());
    }

    @Test
    void local_paths_need_file_repos_enabled_and_bad_options_are_400_naming_the_field() throws Exception {
        start(false);
        HttpResponse<String> refused = post("build-assets", "b-2", Map.of("repoPath", temp.toString()));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("data.repoPath");
        HttpResponse<String> escaping =
                post("build-assets", "b-3", Map.of("repoUrl", "https://github.com/o/r", "repositoryFolder", "../x"));
        assertThat(escaping.statusCode()).isEqualTo(400);
        assertThat(escaping.body()).contains("data.repositoryFolder");
        HttpResponse<String> none = post("build-assets", "b-4", Map.of());
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("data.repoUrl");
    }

    @Test
    void a_local_repo_path_builds_when_allowed() throws Exception {
        start(true);
        Path vault = Files.createDirectories(temp.resolve("local"));
        Files.writeString(vault.resolve("hello.md"), "# Hello\n\nWorld with [[nothing]].\n");

        assertThat(post("build-assets", "local-1", Map.of("repoPath", vault.toString(), "includePrivate", false))
                        .statusCode())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.acceptedFinals().size() == 1);
        JsonNode result = receiver.acceptedFinals().get(0).body().path("result");
        assertThat(result.path("posts").asInt())
                .as(receiver.acceptedFinals().get(0).rawBody())
                .isEqualTo(1);
        assertThat(result.path("repository").path("source").asText()).isEqualTo("local");
        assertThat(receiver.acceptedFinals().get(0).rawBody()).doesNotContain(vault.toString());
        assertThat(temp.resolve("artifacts/local-1/posts/hello.json")).isRegularFile();
    }
}
