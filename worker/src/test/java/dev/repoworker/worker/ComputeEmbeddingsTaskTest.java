package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestVault;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compute-embeddings} through a real Worker: signed /process in, signed callback out, the real model. */
class ComputeEmbeddingsTaskTest {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    static Path tempDir;

    static Path artifacts;
    static WorkerApp app;
    static CallbackReceiver receiver;
    static SignedHttp http;

    @BeforeAll
    static void start() throws Exception {
        artifacts = tempDir.resolve("artifacts");
        TestVault.write(artifacts.resolve("build-1"), TestVault.notes());
        Map<String, String> env = TestWorkers.env(SECRET, tempDir);
        env.put("ARTIFACTS_DIR", artifacts.toString());
        env.put("EMBEDDINGS_CACHE_DIR", tempDir.resolve("cache").toString());
        // these jobs finish within moments on a small vault; the tests read the progress of every step
        env.put("FIRST_PROGRESS_DELAY", "0s");
        app = TestWorkers.start(env);
        receiver = CallbackReceiver.verifying(SECRET);
        http = new SignedHttp(app.port(), SECRET);
    }

    @AfterAll
    static void stop() {
        app.stop();
        receiver.close();
    }

    private static HttpResponse<String> process(String jobId, Map<String, Object> data) throws Exception {
        return http.post(
                "/process",
                Map.of("jobId", jobId, "task", "compute-embeddings", "callbackUrl", receiver.url(), "data", data));
    }

    private static CallbackReceiver.Received finalCallback(String jobId) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> receiver.receivedFor(jobId).stream()
                        .anyMatch(r -> !r.status().equals("running")));
        return receiver.receivedFor(jobId).stream()
                .filter(r -> !r.status().equals("running"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void embeds_a_builds_posts_and_reports_the_counts_in_a_signed_callback() throws Exception {
        assertThat(process("embed-1", Map.of("artifactsOf", "build-1")).statusCode())
                .isEqualTo(202);

        CallbackReceiver.Received callback = finalCallback("embed-1");
        assertThat(callback.signatureValid()).contains(true);
        assertThat(callback.status()).as(callback.body().toString()).isEqualTo("completed");
        JsonNode result = callback.body().get("result");
        assertThat(result.get("posts").asInt()).isEqualTo(12);
        assertThat(result.get("chunks").asInt()).isEqualTo(26);
        assertThat(result.get("embedded").asInt() + result.get("reused").asInt())
                .isEqualTo(26);
        assertThat(result.get("model").asText()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(result.get("dimension").asInt()).isEqualTo(384);
        assertThat(result.has("durationMs")).isTrue();
        assertThat(result.get("artifacts").asText()).isEqualTo("embed-1/embeddings");
        assertThat(result.get("related").asText()).isEqualTo("embed-1/related.json");
        assertThat(result.path("manifest").path("location").asText()).isEqualTo("artifacts/embed-1/manifest.json");
        assertThat(artifacts.resolve("embed-1/manifest.json")).isRegularFile();
        assertThat(result.toString()).doesNotContain(tempDir.toString());
        assertThat(artifacts.resolve("embed-1/embeddings/meta.json")).isRegularFile();
        assertThat(artifacts.resolve("embed-1/embeddings/index")).isDirectory();
        assertThat(artifacts.resolve("embed-1/related.json")).isRegularFile();
        assertThat(artifacts.resolve("build-1")).isDirectoryNotContaining("glob:**/embeddings");
        assertThat(receiver.receivedFor("embed-1"))
                .anyMatch(r -> r.status().equals("running")
                        && r.body().path("progress").path("step").asText().equals("chunk"));

        assertThat(process("embed-2", Map.of("artifactsOf", "build-1")).statusCode())
                .isEqualTo(202);
        JsonNode again = finalCallback("embed-2").body().get("result");
        assertThat(again.get("embedded").asInt()).isZero();
        assertThat(again.get("reused").asInt()).isEqualTo(26);
        assertThat(result.get("index").asText()).isEqualTo("built");
        assertThat(again.get("index").asText())
                .as("the index embed-1 kept under CACHE_DIR")
                .isEqualTo("updated");
        assertThat(artifacts.resolve("embed-1/embeddings/meta.json"))
                .as("embed-1's own artifacts stay")
                .isRegularFile();
    }

    @Test
    void a_build_that_does_not_exist_fails_the_job_with_a_clear_error() throws Exception {
        assertThat(process("embed-missing", Map.of("artifactsOf", "no-such-build"))
                        .statusCode())
                .isEqualTo(202);

        CallbackReceiver.Received callback = finalCallback("embed-missing");
        assertThat(callback.status()).isEqualTo("failed");
        assertThat(callback.body().get("error").asText())
                .isEqualTo("no artifacts for job no-such-build (data.artifactsOf): run build-assets first");
    }

    @Test
    void a_run_that_fails_leaves_no_artifacts_and_publishes_nothing() throws Exception {
        Files.createDirectories(artifacts.resolve("broken-build"));
        Files.writeString(artifacts.resolve("broken-build/posts.json"), "[{\"slug\": ");

        assertThat(process("embed-broken", Map.of("artifactsOf", "broken-build"))
                        .statusCode())
                .isEqualTo(202);

        CallbackReceiver.Received callback = finalCallback("embed-broken");
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("failed");
        assertThat(callback.body().get("error").asText()).startsWith("computing embeddings of job broken-build failed");
        assertThat(artifacts.resolve("embed-broken")).doesNotExist();
    }

    @Test
    void artifacts_of_is_required_and_must_be_a_job_id() throws Exception {
        for (Map<String, Object> data : java.util.List.<Map<String, Object>>of(
                Map.of(), Map.of("artifactsOf", "../etc"), Map.of("artifactsOf", "a/b"), Map.of("artifactsOf", 7))) {
            HttpResponse<String> response = process("embed-bad", data);
            assertThat(response.statusCode()).as(data.toString()).isEqualTo(400);
            assertThat(SignedHttp.json(response)).containsEntry("field", "data.artifactsOf");
        }
    }
}
