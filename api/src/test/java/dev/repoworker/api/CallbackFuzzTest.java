package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
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
import java.util.ArrayList;
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
 * Issue #9 "Fuzzing": random and mutated JSON at the real {@code POST /api/cloudrun/callback} (signed, so
 * the body parser and the state machine are reached, and unsigned) and at {@code POST /api/cloudrun/jobs}.
 * Never a 5xx, never a trace, every answer within a bound, and the API still healthy and ready afterwards.
 */
class CallbackFuzzTest {

    private static final Signatures SIGNER = Signatures.of(List.of(TestApi.SECRET));
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);
    private static final List<String> CALLBACK_FIELDS =
            List.of("jobId", "status", "result", "error", "processedAt", "duration", "progress", "attempt", "logs");
    private static final List<String> SUBMIT_FIELDS = List.of("task", "data", "projectId", "userId");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path dir;
    private static FakeWorker worker;
    private static TestApi api;
    private static final List<String> jobs = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("callback-fuzz");
        worker = new FakeWorker();
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()));
        for (int i = 0; i < 4; i++) {
            jobs.add(api.submit(
                    "clone-repo", "{\"owner\":\"o\",\"repoName\":\"r" + i + "\",\"gitToken\":\"tok-fuzz-" + i + "\"}"));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jobs.stream().allMatch(id -> api.status(id).equals("dispatched")));
    }

    @AfterAll
    static void stop() throws IOException {
        api.close();
        worker.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterEach
    void the_api_is_still_healthy_and_ready() {
        assertThat(api.get("/health").status()).isEqualTo(200);
        assertThat(api.get("/ready").status()).isEqualTo(200);
    }

    @Test
    void signed_random_json_at_the_callback_is_never_a_5xx() {
        PropertyCheck.forAll(
                300,
                randomCallbacks(),
                body -> assertClean(
                        send(ApiConfig.CALLBACK_PATH, body.getBytes(StandardCharsets.UTF_8), SIGNER.headersFor(body))));
    }

    @Test
    void signed_mutations_of_valid_callbacks_are_never_a_5xx() {
        PropertyCheck.forAll(400, mutatedCallbacks(), callback -> {
            String body = Json.write(callback);
            assertClean(send(ApiConfig.CALLBACK_PATH, body.getBytes(StandardCharsets.UTF_8), SIGNER.headersFor(body)));
        });
    }

    @Test
    void random_bytes_at_the_callback_with_the_bearer_secret_are_never_a_5xx() {
        PropertyCheck.forAll(
                200,
                HostileJson.bytes(300),
                body -> assertClean(
                        send(ApiConfig.CALLBACK_PATH, body, Map.of("Authorization", "Bearer " + TestApi.SECRET))));
    }

    @Test
    void unsigned_random_json_at_the_callback_is_always_401() {
        PropertyCheck.forAll(200, randomCallbacks(), body -> {
            HttpResponse<String> response =
                    send(ApiConfig.CALLBACK_PATH, body.getBytes(StandardCharsets.UTF_8), Map.of());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            assertThat(HostileJson.leak(response.body())).isEmpty();
        });
    }

    @Test
    void random_and_mutated_submissions_are_never_a_5xx() {
        PropertyCheck.forAll(
                300,
                submissions(),
                body -> assertClean(send("/api/cloudrun/jobs", body.getBytes(StandardCharsets.UTF_8), Map.of())));
    }

    private static Gen<String> randomCallbacks() {
        return HostileJson.texts(Generate.oneOf(HostileJson.trees(4), HostileJson.objectsWithFields(CALLBACK_FIELDS)));
    }

    private static Gen<JsonNode> mutatedCallbacks() {
        List<Gen<JsonNode>> mutated = new ArrayList<>();
        for (String job : jobs) {
            ObjectNode running = callback(job, "running");
            running.putObject("progress")
                    .put("step", "clone")
                    .put("done", 1)
                    .put("total", 3)
                    .put("message", "cloning");
            ObjectNode completed = callback(job, "completed");
            completed
                    .putObject("result")
                    .put("commit", "abc")
                    .putObject("counts")
                    .put("files", 3);
            completed.put("processedAt", "2030-01-01T00:00:00Z").put("duration", 12);
            completed.putArray("logs").add("cloned").add("built");
            ObjectNode failed =
                    callback(job, "failed").put("error", "clone failed for https://x:tok-fuzz-0@git.example.test/o/r");
            mutated.add(HostileJson.mutationsOf(running));
            mutated.add(HostileJson.mutationsOf(completed));
            mutated.add(HostileJson.mutationsOf(failed));
        }
        return Generate.pick(mutated).flatMap(mutations -> mutations);
    }

    private static Gen<String> submissions() {
        ObjectNode cloneRepo = Json.mapper()
                .createObjectNode()
                .put("task", "clone-repo")
                .put("projectId", "p")
                .put("userId", "u");
        cloneRepo
                .putObject("data")
                .put("owner", "o")
                .put("repoName", "r")
                .put("branch", "main")
                .put("gitToken", "tok-submit");
        ObjectNode deploy = Json.mapper().createObjectNode().put("task", "deploy-repo");
        ObjectNode deployData = deploy.putObject("data")
                .put("projectId", "site")
                .put("repoUrl", "https://git.example.test/o/r")
                .put("commit", "a".repeat(40))
                .put("notePrefix", "/notes");
        deployData.putArray("ignoreFiles").add("drafts/");
        ObjectNode passThrough = Json.mapper().createObjectNode().put("task", "build-assets");
        passThrough
                .putObject("data")
                .put("repoUrl", "https://git.example.test/o/r")
                .put("depth", 1);
        return Generate.oneOf(
                        HostileJson.texts(HostileJson.objectsWithFields(SUBMIT_FIELDS)),
                        HostileJson.mutationsOf(cloneRepo).map(Json::write),
                        HostileJson.mutationsOf(deploy).map(Json::write),
                        HostileJson.mutationsOf(passThrough).map(Json::write))
                .describedAs(HostileJson::escaped);
    }

    private static ObjectNode callback(String jobId, String status) {
        return Json.mapper()
                .createObjectNode()
                .put("jobId", jobId)
                .put("status", status)
                .put("attempt", 1);
    }

    private static void assertClean(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 499);
        assertThat(HostileJson.leak(response.body())).as(response.body()).isEmpty();
        if (response.statusCode() >= 400) {
            assertThat(response.body()).startsWith("{\"error\":{\"code\":");
        }
    }

    private static HttpResponse<String> send(String path, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(api.url(path)))
                .timeout(ANSWER_BOUND)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
