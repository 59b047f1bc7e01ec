package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.OriginalWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our API in front of the original Node.js Worker (the {@link OriginalWorker} stand-in): it authenticates with
 * {@code Authorization: Bearer}, takes the original's 200 as an acceptance, and takes the original's unsigned
 * callback, with its object logs, through the job's capability URL.
 */
class OriginalWorkerTest {

    private static final String GIT_TOKEN = "ghp_originalWorkerGitToken0123456789";

    @TempDir
    Path dir;

    @Test
    void a_job_dispatched_to_the_original_worker_completes_with_its_logs_as_events_and_its_result_stored() {
        try (OriginalWorker worker = OriginalWorker.withSecret(TestApi.SECRET);
                TestApi api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()))) {
            String id =
                    api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\",\"gitToken\":\"" + GIT_TOKEN + "\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("completed"));

            OriginalWorker.Request process = worker.requests().get(0);
            assertThat(process.path()).isEqualTo("/process");
            assertThat(process.header("Authorization")).isEqualTo("Bearer " + TestApi.SECRET);
            assertThat(worker.posted()).singleElement().satisfies(callback -> {
                assertThat(callback.answeredWith()).isEqualTo(200);
                assertThat(callback.url()).contains("/api/cloudrun/callback?token=");
                assertThat(callback.body()).doesNotContain(Signatures.SIGNATURE_HEADER);
            });
            JsonNode job = api.job(id);
            assertThat(job.get("result").get("repoInfo").get("cloned").asBoolean())
                    .isTrue();
            assertThat(job.get("result").get("repoUrl").asText()).isEqualTo("https://github.com/o/r");
            assertThat(job.get("result").get("gitToken").asText()).isEqualTo("[redacted]");
            assertThat(logEvents(job))
                    .extracting(e -> e.get("message").asText())
                    .containsExactly(
                            "Starting job " + id + " (acquire-user-repo)", "Cloning repository", "Job completed");
            assertThat(logEvents(job)).allSatisfy(e -> {
                assertThat(e.get("data").get("level").asText()).isEqualTo("info");
                assertThat(e.get("data").get("timestamp").asText()).endsWith("Z");
            });
            String token = callbackToken(worker);
            assertThat(api.get("/api/cloudrun/jobs/" + id).body())
                    .doesNotContain(token)
                    .doesNotContain(GIT_TOKEN);
            assertThat(api.get("/api/cloudrun/jobs").body()).doesNotContain(token);
        }
    }

    @Test
    void a_failure_from_the_original_worker_fails_the_job_with_its_error_log() {
        try (OriginalWorker worker = OriginalWorker.withSecret(TestApi.SECRET).failJobs();
                TestApi api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()))) {
            String id = api.submit("import-repo", "{\"sourceUrl\":\"https://github.com/o/r\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("failed"));

            JsonNode job = api.job(id);
            assertThat(job.get("error").asText()).isEqualTo("clone failed");
            assertThat(logEvents(job)).last().satisfies(e -> {
                assertThat(e.get("message").asText()).isEqualTo("Job failed: clone failed");
                assertThat(e.get("data").get("level").asText()).isEqualTo("error");
            });
        }
    }

    @Test
    void the_original_worker_refuses_a_wrong_secret_and_the_job_fails_saying_so() {
        try (OriginalWorker worker = OriginalWorker.withSecret("another-secret");
                TestApi api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()))) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("failed"));

            assertThat(api.job(id).get("error").asText()).contains("403").contains("Invalid authorization token");
        }
    }

    static List<JsonNode> logEvents(JsonNode job) {
        return StreamSupport.stream(job.get("events").spliterator(), false)
                .filter(e -> e.get("type").asText().equals("log"))
                .toList();
    }

    private static String callbackToken(OriginalWorker worker) {
        String url = worker.posted().get(0).url();
        return url.substring(url.indexOf("token=") + "token=".length());
    }
}
