package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.HostileJson;
import dev.repoworker.testkit.PropertyCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Issue #9 "Fuzzing": random and mutated JSON at the real {@code POST /process}, signed so that the body
 * parser and every task's validation are reached, and unsigned. Never a 5xx, never a trace, every answer
 * within a bound, and the Worker still healthy afterwards.
 */
class ProcessFuzzTest {

    private static final String SECRET = Signatures.newSecret();
    private static final Signatures SIGNER = Signatures.of(List.of(SECRET));
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);
    private static final List<String> FIELDS = List.of("jobId", "task", "callbackUrl", "data", "attempt");

    private static Path tempDir;
    private static WorkerApp app;
    private static CallbackReceiver receiver;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        tempDir = Files.createTempDirectory("process-fuzz");
        Files.createDirectories(tempDir.resolve("notes"));
        receiver = CallbackReceiver.verifying(SECRET);
        Map<String, String> env = TestWorkers.env(SECRET, tempDir);
        env.put("SHUTDOWN_GRACE", "0s");
        env.put("ARTIFACTS_DIR", tempDir.resolve("artifacts").toString());
        app = TestWorkers.start(env);
    }

    @AfterAll
    static void stop() throws IOException {
        app.stop();
        receiver.close();
        try (Stream<Path> files = Files.walk(tempDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterEach
    void the_worker_still_answers_health() throws Exception {
        HttpResponse<String> health = HTTP.send(
                HttpRequest.newBuilder(uri("/health")).timeout(ANSWER_BOUND).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void signed_random_json_is_never_a_5xx() {
        PropertyCheck.forAll(
                300,
                randomJson(),
                body -> assertClean(send(body.getBytes(StandardCharsets.UTF_8), SIGNER.headersFor(body))));
    }

    @Test
    void signed_mutations_of_valid_requests_are_never_a_5xx() {
        PropertyCheck.forAll(400, mutatedRequests(), request -> {
            String body = Json.write(request);
            assertClean(send(body.getBytes(StandardCharsets.UTF_8), SIGNER.headersFor(body)));
        });
    }

    @Test
    void random_bytes_with_the_bearer_token_are_never_a_5xx() {
        PropertyCheck.forAll(
                200,
                HostileJson.bytes(300),
                body -> assertClean(send(body, Map.of("Authorization", "Bearer " + SECRET))));
    }

    @Test
    void unsigned_random_json_is_always_401() {
        PropertyCheck.forAll(200, randomJson(), body -> {
            HttpResponse<String> response = send(body.getBytes(StandardCharsets.UTF_8), Map.of());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            assertThat(HostileJson.leak(response.body())).isEmpty();
        });
    }

    private static Gen<String> randomJson() {
        return HostileJson.texts(Generate.oneOf(HostileJson.trees(4), HostileJson.objectsWithFields(FIELDS)));
    }

    private static Gen<JsonNode> mutatedRequests() {
        List<Gen<JsonNode>> perTemplate =
                templates().stream().map(HostileJson::mutationsOf).toList();
        return Generate.pick(perTemplate).flatMap(mutations -> mutations);
    }

    /** One valid request per task, so every task's own validation of {@code data} is reached. */
    private static List<ObjectNode> templates() {
        ObjectNode noop = request("noop");
        noop.putObject("data").put("durationMs", 0).put("fail", "on purpose");
        ObjectNode acquire = request("acquire-user-repo");
        acquire.putObject("data")
                .put("repoUrl", "http://127.0.0.1:9/notes.git")
                .put("branch", "main")
                .put("depth", 1)
                .put("commit", "0".repeat(40))
                .put("gitToken", "tok-fuzz");
        ObjectNode build = request("build-assets");
        ObjectNode buildData = build.putObject("data")
                .put("repoPath", tempDir.resolve("notes").toString())
                .put("repositoryFolder", "notes")
                .put("notePrefix", "/notes")
                .put("mediaPrefix", "/media")
                .put("domain", "https://example.org")
                .put("includePrivate", false);
        buildData.putArray("ignoreFiles").add("drafts/").add("*.tmp");
        ObjectNode template = request("new-repo-from-template");
        template.putObject("data")
                .put("templateRepoUrl", "https://github.com/owner/template")
                .put("templateBranch", "main")
                .put("newRepoName", "notes-2")
                .put("newRepoDescription", "notes")
                .put("isPrivate", true);
        ObjectNode embeddings = request("compute-embeddings");
        embeddings.putObject("data").put("artifactsOf", "job-1");
        ObjectNode enrich = request("enrich-data");
        enrich.putObject("data")
                .put("artifactsOf", "job-1")
                .put("embeddingsOf", "job-1")
                .put("shortPostWords", 50);
        ObjectNode deploy = request("process-with-repo");
        deploy.putObject("data")
                .put("repoUrl", "http://127.0.0.1:9/notes.git")
                .put("projectId", "site")
                .put("publish", true)
                .put("deployRequestedAt", "2026-01-01T00:00:00Z")
                .put("notePrefix", "/notes");
        ObjectNode fromTemplate = request("process-from-template");
        fromTemplate
                .putObject("data")
                .put("templateRepoUrl", "https://github.com/owner/template")
                .put("newRepoName", "notes-3");
        return List.of(noop, acquire, build, template, embeddings, enrich, deploy, fromTemplate);
    }

    private static ObjectNode request(String task) {
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("jobId", "fuzz-" + task);
        request.put("task", task);
        request.put("callbackUrl", receiver.url());
        request.put("attempt", 1);
        return request;
    }

    private static void assertClean(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 499);
        assertThat(HostileJson.leak(response.body())).as(response.body()).isEmpty();
        if (response.statusCode() >= 400) {
            assertThat(response.body()).startsWith("{\"status\":\"error\",\"message\":");
        }
    }

    private static HttpResponse<String> send(byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri("/process"))
                .timeout(ANSWER_BOUND)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }
}
