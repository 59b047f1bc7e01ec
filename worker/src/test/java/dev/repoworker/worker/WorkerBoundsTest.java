package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.PrometheusScrape;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13, race 5: what the Worker remembers is bounded by count and time, and it refuses rather than forgets. */
@Timeout(120)
class WorkerBoundsTest {

    private static final String SECRET = Signatures.newSecret();
    private static final Signatures SIGNER = Signatures.of(List.of(SECRET));

    @TempDir
    Path tempDir;

    @RegisterExtension
    final WorkerFixture workers = new WorkerFixture(SECRET);

    private static Map<String, Object> noop(String jobId, String callbackUrl, Map<String, Object> data) {
        return Map.of("jobId", jobId, "task", "noop", "callbackUrl", callbackUrl, "data", data);
    }

    private static PrometheusScrape metrics(SignedHttp http) throws Exception {
        HttpResponse<String> response =
                http.raw(HttpRequest.newBuilder(http.uri("/metrics")).GET().build());
        return PrometheusScrape.parse(response.body());
    }

    @Test
    void finished_jobs_leave_no_timers_in_the_scheduler() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of());
        CallbackReceiver receiver = workers.receiver();

        for (int i = 0; i < 30; i++) {
            assertThat(http.post("/process", noop("timer-" + i, receiver.url(), Map.of()))
                            .statusCode())
                    .isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.acceptedFinals().size() == 30);

        // what stays is the housekeeping timer, not one cancelled 15-minute timeout per finished job
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(metrics(http).value("repoworker_worker_scheduled_tasks"))
                        .isLessThanOrEqualTo(2));
    }

    @Test
    void a_full_replay_guard_refuses_a_new_signed_request_with_429_and_forgets_no_id() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of("REPLAY_GUARD_MAX_IDS", "2"));
        CallbackReceiver receiver = workers.receiver();
        String first = Json.write(noop("guard-1", receiver.url(), Map.of()));
        Map<String, String> firstHeaders = SIGNER.headersFor(first);
        assertThat(http.post("/process", first, firstHeaders).statusCode()).isEqualTo(202);
        assertThat(http.post("/process", noop("guard-2", receiver.url(), Map.of()))
                        .statusCode())
                .isEqualTo(202);

        HttpResponse<String> refused = http.post("/process", noop("guard-3", receiver.url(), Map.of()));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After"))
                .hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds))
                        .isBetween(1L, Duration.ofMinutes(10).toSeconds()));
        assertThat(SignedHttp.json(refused))
                .containsEntry("status", "error")
                .containsEntry("field", Signatures.ID_HEADER);
        assertThat(http.post("/process", first, firstHeaders).statusCode()).isEqualTo(409);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 2);
        assertThat(http.get("/jobs/guard-3").statusCode()).isEqualTo(404);
    }

    @Test
    void over_result_retention_max_the_oldest_delivered_runs_are_dropped() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of("RESULT_RETENTION_MAX", "2"));
        CallbackReceiver receiver = workers.receiver();
        for (String jobId : new String[] {"kept-1", "kept-2"}) {
            assertThat(http.post("/process", noop(jobId, receiver.url(), Map.of()))
                            .statusCode())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered(http, jobId));
        }

        assertThat(http.post("/process", noop("kept-3", receiver.url(), Map.of()))
                        .statusCode())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 3);
        assertThat(http.get("/jobs/kept-1").statusCode()).isEqualTo(404);
        assertThat(http.get("/jobs/kept-2").statusCode()).isEqualTo(200);
        assertThat(http.get("/jobs/kept-3").statusCode()).isEqualTo(200);
    }

    @Test
    void runs_whose_callback_is_not_delivered_are_never_dropped_and_a_new_job_gets_429() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of("RESULT_RETENTION_MAX", "3", "CALLBACK_RETRY_WINDOW", "3s"));
        CallbackReceiver receiver = workers.receiver().alwaysAnswer(503);
        for (String jobId : new String[] {"undelivered-1", "undelivered-2", "undelivered-3"}) {
            assertThat(http.post("/process", noop(jobId, receiver.url(), Map.of()))
                            .statusCode())
                    .isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.received().stream()
                                .filter(r -> !r.status().equals("running"))
                                .map(r -> r.body().path("jobId").asText())
                                .distinct()
                                .count()
                        == 3);

        HttpResponse<String> refused = http.post("/process", noop("undelivered-4", receiver.url(), Map.of()));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(SignedHttp.json(refused))
                .containsEntry("status", "error")
                .extractingByKey("message")
                .asString()
                .contains("RESULT_RETENTION_MAX");
        for (String jobId : new String[] {"undelivered-1", "undelivered-2", "undelivered-3"}) {
            assertThat(http.get("/jobs/" + jobId).statusCode()).as(jobId).isEqualTo(200);
        }
        assertThat(http.get("/jobs/undelivered-4").statusCode()).isEqualTo(404);
        assertThat(metrics(http).value("repoworker_worker_runs_kept")).isEqualTo(3);
    }

    private static boolean delivered(SignedHttp http, String jobId) throws Exception {
        HttpResponse<String> response = http.get("/jobs/" + jobId);
        return response.statusCode() == 200
                && SignedHttp.json(response).get("delivery") instanceof Map<?, ?> delivery
                && "delivered".equals(delivery.get("state"));
    }
}
