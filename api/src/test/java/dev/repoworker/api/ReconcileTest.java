package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcileTest {

    @TempDir
    Path dir;

    TestApi start(FakeWorker worker, String maxAttempts) {
        return TestApi.start(
                dir,
                Map.of(
                        "REPO_WORKER_API_URL",
                        worker.url(),
                        "JOB_LEASE",
                        "1s",
                        "RECONCILE_POLL",
                        "200ms",
                        "MAX_ATTEMPTS",
                        maxAttempts));
    }

    static List<Integer> attemptsSent(FakeWorker worker, String id) {
        return worker.processRequests().stream()
                .filter(r -> r.body().get("jobId").asText().equals(id))
                .map(r -> r.body().get("attempt").asInt())
                .toList();
    }

    @Test
    void a_job_the_worker_lost_is_re_dispatched_as_the_next_attempt_and_completes_once() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = start(worker, "3")) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\",\"gitToken\":\"s3cr3t-token\"}");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> attemptsSent(worker, id).contains(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> api.status(id).equals("dispatched"));
            api.signedCallback(Json.write(Callback.completed(id, 2, Map.of("commit", "abc"), Instant.now(), 10)));
            api.signedCallback(Json.write(Callback.completed(id, 1, Map.of("commit", "old"), Instant.now(), 10)));

            JsonNode job = api.job(id);
            assertThat(job.get("status").asText()).isEqualTo("completed");
            assertThat(job.get("attempt").asInt()).isEqualTo(2);
            assertThat(job.get("result").get("commit").asText()).isEqualTo("abc");
            assertThat(job.get("events").findValuesAsText("type"))
                    .contains("reconciled")
                    .containsOnlyOnce("callback");
            assertThat(worker.received)
                    .anyMatch(r -> r.method().equals("GET") && r.path().equals("/jobs/" + id));
            assertThat(worker.processRequests())
                    .filteredOn(r -> r.body().get("attempt").asInt() == 2)
                    .allSatisfy(
                            r -> assertThat(r.body().get("data").get("gitToken").asText())
                                    .isEqualTo("s3cr3t-token"));
        }
    }

    @Test
    void a_result_the_worker_kept_is_applied_when_its_callback_was_lost() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = start(worker, "3")) {
            worker.replyToJobState(id -> FakeWorker.Reply.of(
                    200,
                    Json.write(Map.of(
                            "jobId",
                            id,
                            "state",
                            "completed",
                            "attempt",
                            1,
                            "callback",
                            Callback.completed(id, 1, Map.of("commit", "kept"), Instant.now(), 42)))));
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(15)).until(() -> api.status(id).equals("completed"));

            JsonNode job = api.job(id);
            assertThat(job.get("result").get("commit").asText()).isEqualTo("kept");
            assertThat(job.get("attempt").asInt()).isEqualTo(1);
            assertThat(attemptsSent(worker, id)).containsExactly(1);
        }
    }

    @Test
    void a_job_still_running_on_the_worker_keeps_its_attempt_and_gets_a_longer_lease() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = start(worker, "3")) {
            worker.replyToJobState(
                    id -> FakeWorker.Reply.of(200, "{\"jobId\":\"" + id + "\",\"state\":\"running\",\"attempt\":1}"));
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> worker.received.stream()
                                    .filter(r -> r.path().equals("/jobs/" + id))
                                    .count()
                            >= 2);

            JsonNode job = api.job(id);
            assertThat(job.get("status").asText()).isEqualTo("dispatched");
            assertThat(job.get("attempt").asInt()).isEqualTo(1);
            assertThat(job.get("events").findValuesAsText("message"))
                    .anySatisfy(m -> assertThat(m).contains("lease extended"));
        }
    }

    @Test
    void a_job_lost_on_every_attempt_fails_with_a_clear_error() throws Exception {
        try (FakeWorker worker = new FakeWorker();
                TestApi api = start(worker, "2")) {
            String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\",\"gitToken\":\"s3cr3t-token\"}");

            await().atMost(Duration.ofSeconds(20)).until(() -> api.status(id).equals("failed"));

            JsonNode job = api.job(id);
            assertThat(job.get("error").asText()).contains("job lost").contains("gave up after 2 attempts");
            // each attempt the Worker does not know is sent once more as it is (it may never have arrived), then given
            // up
            assertThat(attemptsSent(worker, id)).containsExactly(1, 1, 2, 2);
            assertThat(api.app.store().jobs().sealedSecrets(id)).isEmpty();
        }
    }
}
