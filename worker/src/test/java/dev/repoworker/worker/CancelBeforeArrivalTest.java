package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, race 4: the API records the hand-over before it posts {@code /process}, so a cancel can reach the
 * Worker before its job. The cancel leaves a tombstone, and the job, when it comes, ends as cancelled unrun.
 */
@Timeout(120)
class CancelBeforeArrivalTest {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path tempDir;

    @RegisterExtension
    final WorkerFixture workers = new WorkerFixture(SECRET);

    private static Map<String, Object> noop(String jobId, String callbackUrl, int attempt, int durationMs) {
        return Map.of(
                "jobId",
                jobId,
                "task",
                "noop",
                "callbackUrl",
                callbackUrl,
                "attempt",
                attempt,
                "data",
                Map.of("durationMs", durationMs));
    }

    @Test
    void a_job_whose_cancel_came_first_is_accepted_but_never_runs_and_reports_cancelled() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of());
        CallbackReceiver receiver = workers.receiver();

        HttpResponse<String> cancel = http.post("/jobs/early/cancel", Map.of("attempt", 1));
        HttpResponse<String> process = http.post("/process", noop("early", receiver.url(), 1, 60_000));

        assertThat(cancel.statusCode()).isEqualTo(202);
        assertThat(SignedHttp.json(cancel)).isEqualTo(Map.of("jobId", "early", "status", "cancelled"));
        assertThat(process.statusCode()).isEqualTo(202);
        assertThat(SignedHttp.json(process)).isEqualTo(Map.of("status", "accepted", "jobId", "early"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        CallbackReceiver.Received callback = receiver.acceptedFinals().get(0);
        assertThat(callback.status()).isEqualTo("failed");
        assertThat(callback.body().path("error").asText()).isEqualTo("job cancelled");
        assertThat(callback.body().path("attempt").asInt()).isEqualTo(1);
        Map<String, Object> state = SignedHttp.json(http.get("/jobs/early"));
        assertThat(state).containsEntry("state", "cancelled");
        assertThat(state.get("startedAt")).as("never started").isNull();
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(3))
                .until(() -> receiver.receivedFor("early").size() == 1);
    }

    @Test
    void a_cancel_covers_the_attempts_up_to_the_one_it_names_or_every_attempt() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of());
        CallbackReceiver receiver = workers.receiver();

        assertThat(http.post("/jobs/named/cancel", Map.of("attempt", 1)).statusCode())
                .isEqualTo(202);
        assertThat(http.post("/jobs/unnamed/cancel", "").statusCode()).isEqualTo(202);
        assertThat(http.post("/process", noop("named", receiver.url(), 2, 0)).statusCode())
                .isEqualTo(202);
        assertThat(http.post("/process", noop("unnamed", receiver.url(), 3, 0)).statusCode())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 2);
        assertThat(receiver.receivedFor("named"))
                .singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo("completed"));
        assertThat(receiver.receivedFor("unnamed"))
                .singleElement()
                .satisfies(r -> assertThat(r.body().path("error").asText()).isEqualTo("job cancelled"));
    }

    @Test
    void cancels_waiting_for_their_jobs_are_bounded_and_a_cancel_over_the_bound_gets_429() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of("RESULT_RETENTION_MAX", "1"));
        CallbackReceiver receiver = workers.receiver();
        assertThat(http.post("/jobs/first/cancel", Map.of("attempt", 1)).statusCode())
                .isEqualTo(202);

        HttpResponse<String> refused = http.post("/jobs/second/cancel", Map.of("attempt", 1));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(SignedHttp.json(refused)).containsEntry("status", "error");
        // once its job has arrived, a tombstone has done its work and makes room
        assertThat(http.post("/process", noop("first", receiver.url(), 1, 0)).statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        assertThat(http.post("/jobs/second/cancel", Map.of("attempt", 1)).statusCode())
                .isEqualTo(202);
    }

    @Test
    void a_cancel_with_a_bad_attempt_is_400_naming_it() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of());
        for (Object attempt : List.of(0, -1, "1", 1.5)) {
            HttpResponse<String> response = http.post("/jobs/some-job/cancel", Map.of("attempt", attempt));
            assertThat(response.statusCode()).as(String.valueOf(attempt)).isEqualTo(400);
            assertThat(SignedHttp.json(response)).containsEntry("field", "attempt");
        }
    }
}
