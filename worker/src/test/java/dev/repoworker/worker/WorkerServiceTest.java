package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerServiceTest {

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    Path tempDir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        // Workers stop before the receivers they deliver to.
        toClose.sort(java.util.Comparator.comparing(c -> c instanceof CallbackReceiver));
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private WorkerApp start(Map<String, String> overrides) {
        Map<String, String> env = TestWorkers.env(SECRET, tempDir);
        env.putAll(overrides);
        WorkerApp app = TestWorkers.start(env);
        toClose.add(app::stop);
        return app;
    }

    private CallbackReceiver receiver() {
        CallbackReceiver receiver = CallbackReceiver.verifying(SECRET);
        toClose.add(receiver);
        return receiver;
    }

    private static Map<String, Object> noop(String jobId, String callbackUrl, Map<String, Object> data) {
        return Map.of("jobId", jobId, "task", "noop", "callbackUrl", callbackUrl, "data", data);
    }

    @Test
    void health_answers_healthy_with_an_iso_timestamp() throws Exception {
        WorkerApp app = start(Map.of());
        HttpResponse<String> response = new SignedHttp(app.port(), SECRET)
                .raw(HttpRequest.newBuilder(new SignedHttp(app.port(), SECRET).uri("/health"))
                        .GET()
                        .build());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> body = SignedHttp.json(response);
        assertThat(body).containsEntry("status", "healthy");
        assertThat(Instant.parse((String) body.get("timestamp")))
                .isCloseTo(
                        Instant.now(),
                        org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MINUTES));
    }

    @Test
    void accepted_job_runs_and_delivers_one_signed_completed_callback() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        HttpResponse<String> response = http.post("/process", noop("job-1", receiver.url(), Map.of("durationMs", 10)));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(SignedHttp.json(response)).isEqualTo(Map.of("status", "accepted", "jobId", "job-1"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        CallbackReceiver.Received callback = receiver.acceptedFinals().get(0);
        assertThat(callback.signatureValid()).contains(true);
        assertThat(callback.status()).isEqualTo("completed");
        assertThat(callback.body().path("jobId").asText()).isEqualTo("job-1");
        assertThat(callback.body().path("result").path("waitedMs").asInt()).isEqualTo(10);
        assertThat(callback.body().path("duration").asLong()).isGreaterThanOrEqualTo(10);
        assertThat(Instant.parse(callback.body().path("processedAt").asText())).isBeforeOrEqualTo(Instant.now());

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, Object> state = SignedHttp.json(http.get("/jobs/job-1"));
            assertThat(state).containsEntry("state", "completed");
            assertThat(state.get("callback"))
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("status", "completed");
            assertThat(state.get("delivery"))
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("state", "delivered");
        });
    }

    @Test
    void progress_callbacks_are_sent_while_a_job_runs_past_the_first_progress_delay() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        new SignedHttp(app.port(), SECRET)
                .post("/process", noop("job-progress", receiver.url(), Map.of("durationMs", 1_500)));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        List<String> statuses = receiver.receivedFor("job-progress").stream()
                .map(CallbackReceiver.Received::status)
                .toList();
        assertThat(statuses.indexOf("running"))
                .as(statuses.toString())
                .isNotNegative()
                .isLessThan(statuses.indexOf("completed"));
        CallbackReceiver.Received progress = receiver.received().stream()
                .filter(r -> r.status().equals("running"))
                .findFirst()
                .orElseThrow();
        assertThat(progress.body().path("progress").path("step").asText()).isEqualTo("noop");
        assertThat(progress.signatureValid()).contains(true);
    }

    @Test
    void a_job_done_within_the_first_progress_delay_sends_only_its_final_callback() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        new SignedHttp(app.port(), SECRET).post("/process", noop("job-quick", receiver.url(), Map.of("durationMs", 0)));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        await().during(Duration.ofMillis(700))
                .atMost(Duration.ofSeconds(3))
                .until(() -> receiver.receivedFor("job-quick").size() == 1);
        assertThat(receiver.receivedFor("job-quick"))
                .singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo("completed"));
    }

    @Test
    void failing_task_delivers_a_failed_callback_with_its_error() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        new SignedHttp(app.port(), SECRET)
                .post("/process", noop("job-fail", receiver.url(), Map.of("fail", "the note is broken")));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        CallbackReceiver.Received callback = receiver.acceptedFinals().get(0);
        assertThat(callback.status()).isEqualTo("failed");
        assertThat(callback.body().path("error").asText()).isEqualTo("the note is broken");
        assertThat(callback.body().has("processedAt")).isTrue();
        assertThat(callback.body().has("result")).isFalse();
    }

    @Test
    void the_same_job_id_posted_again_never_runs_twice() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        Map<String, Object> request = noop("job-dup", receiver.url(), Map.of("durationMs", 300));

        assertThat(http.post("/process", request).statusCode()).isEqualTo(202);
        HttpResponse<String> again = http.post("/process", request);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(SignedHttp.json(again)).containsEntry("jobId", "job-dup");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        assertThat(http.post("/process", request).statusCode()).isEqualTo(202);

        await().during(Duration.ofMillis(700))
                .atMost(Duration.ofSeconds(3))
                .until(() -> receiver.receivedFor("job-dup").stream()
                                .filter(r -> !r.status().equals("running"))
                                .count()
                        == 1);
    }

    @Test
    void a_new_attempt_of_the_same_job_runs_again() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        http.post(
                "/process",
                Map.of(
                        "jobId",
                        "job-retry",
                        "task",
                        "noop",
                        "callbackUrl",
                        receiver.url(),
                        "data",
                        Map.of(),
                        "attempt",
                        1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        http.post(
                "/process",
                Map.of(
                        "jobId",
                        "job-retry",
                        "task",
                        "noop",
                        "callbackUrl",
                        receiver.url(),
                        "data",
                        Map.of(),
                        "attempt",
                        2));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 2);
        assertThat(receiver.acceptedFinals())
                .extracting(r -> r.body().path("attempt").asInt())
                .containsExactly(1, 2);
        assertThat(SignedHttp.json(http.get("/jobs/job-retry"))).containsEntry("attempt", 2);
    }

    @Test
    void a_full_queue_answers_429_with_retry_after() throws Exception {
        WorkerApp app = start(Map.of("WORKER_CONCURRENCY", "1", "WORKER_QUEUE_SIZE", "1", "SHUTDOWN_GRACE", "0s"));
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);

        assertThat(http.post("/process", noop("q-1", receiver.url(), Map.of("durationMs", 60_000)))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).until(() -> app.executor().running() == 1);
        assertThat(http.post("/process", noop("q-2", receiver.url(), Map.of("durationMs", 60_000)))
                        .statusCode())
                .isEqualTo(202);
        HttpResponse<String> full = http.post("/process", noop("q-3", receiver.url(), Map.of("durationMs", 60_000)));

        assertThat(full.statusCode()).isEqualTo(429);
        assertThat(full.headers().firstValue("Retry-After")).isPresent();
        assertThat(SignedHttp.json(full))
                .containsEntry("status", "error")
                .extractingByKey("message")
                .asString()
                .contains("queue is full");
        assertThat(http.get("/jobs/q-3").statusCode()).isEqualTo(404);
    }

    @Test
    void authentication_failures_answer_401_or_403_with_a_json_error() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        String body = "{\"jobId\":\"a1\",\"task\":\"noop\",\"callbackUrl\":\"" + receiver.url() + "\",\"data\":{}}";

        HttpResponse<String> unsigned = http.raw(HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(SignedHttp.json(unsigned)).containsEntry("status", "error").containsKey("message");

        Map<String, String> wrong =
                Signatures.of(List.of(Signatures.newSecret())).headersFor(body);
        HttpRequest.Builder wronglySigned = HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        wrong.forEach(wronglySigned::header);
        HttpResponse<String> badSignature = http.raw(wronglySigned.build());
        assertThat(badSignature.statusCode()).isEqualTo(401);
        assertThat(SignedHttp.json(badSignature).get("message")).asString().contains("does not match");

        long old = Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond();
        HttpResponse<String> expired = http.raw(HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "application/json")
                .header(Signatures.ID_HEADER, "msg_old")
                .header(Signatures.TIMESTAMP_HEADER, Long.toString(old))
                .header(
                        Signatures.SIGNATURE_HEADER,
                        Signatures.of(List.of(SECRET)).sign("msg_old", old, body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(SignedHttp.json(expired).get("message")).asString().contains("tolerance");

        HttpResponse<String> wrongBearer = http.raw(HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(wrongBearer.statusCode()).isEqualTo(403);

        HttpResponse<String> bearer = http.raw(HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(bearer.statusCode()).isEqualTo(202);

        assertThat(http.raw(HttpRequest.newBuilder(http.uri("/jobs/a1")).GET().build())
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void bad_requests_answer_400_naming_the_field() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        String cb = receiver.url();

        assertError(http.post("/process", "{not json"), 400, null, "not valid JSON");
        assertError(http.post("/process", "42"), 400, "body", "JSON object");
        assertError(
                http.post("/process", Map.of("task", "noop", "callbackUrl", cb)), 400, "jobId", "jobId is required");
        assertError(http.post("/process", Map.of("jobId", "j", "callbackUrl", cb)), 400, "task", "task is required");
        assertError(
                http.post("/process", Map.of("jobId", "j", "task", "noop")),
                400,
                "callbackUrl",
                "callbackUrl is required");
        assertError(
                http.post("/process", Map.of("jobId", 5, "task", "noop", "callbackUrl", cb)),
                400,
                "jobId",
                "must be a string");
        assertError(
                http.post("/process", Map.of("jobId", "j", "task", "make-coffee", "callbackUrl", cb)),
                400,
                "task",
                "make-coffee");
        assertError(
                http.post("/process", noop("j", cb, Map.of("durationMs", "soon"))),
                400,
                "data.durationMs",
                "whole number");
        assertError(
                http.post("/process", Map.of("jobId", "j", "task", "noop", "callbackUrl", cb, "data", List.of())),
                400,
                "data",
                "object");
        assertError(http.post("/process", noop("../etc", cb, Map.of())), 400, "jobId", "jobId must be");
        assertError(http.post("/process", noop("x".repeat(129), cb, Map.of())), 400, "jobId", "jobId must be");
        assertError(
                http.post("/process", noop("j", "ftp://127.0.0.1/cb", Map.of())), 400, "callbackUrl", "http or https");
        assertError(
                http.post("/process", noop("j", "http://user:pw@127.0.0.1/cb", Map.of())),
                400,
                "callbackUrl",
                "user-info");
        assertError(http.post("/process", noop("j", "not a url", Map.of())), 400, "callbackUrl", null);
        assertError(http.get("/jobs/unknown-job"), 404, "jobId", "unknown");

        HttpResponse<String> text = http.raw(HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertError(text, 415, "Content-Type", "application/json");

        String huge = "{\"jobId\":\"big\",\"task\":\"noop\",\"callbackUrl\":\"" + cb + "\",\"data\":{\"pad\":\""
                + "x".repeat(1_100_000) + "\"}}";
        HttpResponse<String> tooBig = http.raw(HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(huge))
                .build());
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(SignedHttp.json(tooBig)).containsEntry("status", "error");

        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void callback_hosts_can_be_restricted() throws Exception {
        WorkerApp app = start(Map.of("ALLOWED_CALLBACK_HOSTS", "api.example.com"));
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        assertError(
                http.post("/process", noop("j", "http://127.0.0.1:1/cb", Map.of())),
                400,
                "callbackUrl",
                "ALLOWED_CALLBACK_HOSTS");
    }

    @Test
    void a_job_over_its_timeout_fails_clearly_and_its_workspace_is_removed() throws Exception {
        WorkerApp app = start(Map.of("JOB_TIMEOUT", "300ms"));
        CallbackReceiver receiver = receiver();
        new SignedHttp(app.port(), SECRET).post("/process", noop("slow", receiver.url(), Map.of("durationMs", 60_000)));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        assertThat(receiver.acceptedFinals().get(0).status()).isEqualTo("failed");
        assertThat(receiver.acceptedFinals().get(0).body().path("error").asText())
                .isEqualTo("job timed out after 300 ms");
        await().atMost(Duration.ofSeconds(5)).until(() -> workspaceCount() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> app.executor().running() == 0);
    }

    @Test
    void workspaces_are_removed_after_success_and_kept_with_keep_tmp_files() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        new SignedHttp(app.port(), SECRET).post("/process", noop("ws-1", receiver.url(), Map.of()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> workspaceCount() == 0);
        app.stop();

        WorkerApp keeping = start(Map.of("KEEP_TMP_FILES", "true"));
        new SignedHttp(keeping.port(), SECRET).post("/process", noop("ws-2", receiver.url(), Map.of()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 2);
        assertThat(workspaceCount()).isEqualTo(1);
    }

    @Test
    void cancel_stops_a_running_job_and_reports_it() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        http.post("/process", noop("to-cancel", receiver.url(), Map.of("durationMs", 60_000)));
        await().atMost(Duration.ofSeconds(5)).until(() -> app.executor().running() == 1);

        HttpResponse<String> cancelled = http.post("/jobs/to-cancel/cancel", "{}");

        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(SignedHttp.json(cancelled)).containsEntry("state", "cancelled");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        assertThat(receiver.acceptedFinals().get(0).body().path("error").asText())
                .isEqualTo("job cancelled");
        await().atMost(Duration.ofSeconds(5)).until(() -> app.executor().running() == 0);
    }

    @Test
    void cancelling_a_job_that_has_ended_is_a_conflict_naming_its_state_as_the_api_answers() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        http.post("/process", noop("done-already", receiver.url(), Map.of()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);

        HttpResponse<String> late = http.post("/jobs/done-already/cancel", "{}");

        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(SignedHttp.json(late))
                .containsEntry("state", "completed")
                .containsEntry("error", "job done-already is already completed");
        assertThat(receiver.acceptedFinals()).hasSize(1);
    }

    @Test
    void shutdown_refuses_new_jobs_and_fails_jobs_still_running_after_the_grace_period() throws Exception {
        WorkerApp app = start(Map.of("SHUTDOWN_GRACE", "1s"));
        CallbackReceiver receiver = receiver();
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        http.post("/process", noop("long", receiver.url(), Map.of("durationMs", 60_000)));
        http.post("/process", noop("short", receiver.url(), Map.of("durationMs", 300)));
        await().atMost(Duration.ofSeconds(5)).until(() -> app.executor().running() == 2);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(app::stop);
        await().atMost(Duration.ofSeconds(5)).until(app.executor()::isShuttingDown);
        HttpResponse<String> refused = http.post("/process", noop("late", receiver.url(), Map.of()));
        assertThat(refused.statusCode()).isEqualTo(503);
        stopping.get();

        assertThat(receiver.acceptedFinals()).hasSize(2);
        assertThat(receiver.receivedFor("short").stream()
                        .filter(r -> !r.status().equals("running")))
                .singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo("completed"));
        assertThat(receiver.receivedFor("long").stream().filter(r -> !r.status().equals("running")))
                .singleElement()
                .satisfies(r -> assertThat(r.body().path("error").asText()).isEqualTo("worker shutting down"));
        assertThat(receiver.receivedFor("late")).isEmpty();
    }

    @Test
    void callback_delivery_is_retried_until_accepted_exactly_once() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver().failFirst(3, 503);
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        http.post(
                "/process",
                Map.of(
                        "jobId",
                        "retried",
                        "task",
                        "noop",
                        "callbackUrl",
                        receiver.url(),
                        "data",
                        Map.of("durationMs", 50)));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> receiver.acceptedFinals().size() == 1);
        List<CallbackReceiver.Received> finals = receiver.receivedFor("retried").stream()
                .filter(r -> !r.status().equals("running"))
                .toList();
        assertThat(finals).allSatisfy(r -> assertThat(r.signatureValid()).contains(true));
        assertThat(finals)
                .extracting(CallbackReceiver.Received::answeredWith)
                .endsWith(200)
                .contains(503);
        assertThat(finals.stream().filter(r -> r.answeredWith() == 200)).hasSize(1);
        // The receiver records its 200 before the Worker has read the answer and marked the delivery.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                SignedHttp.json(http.get("/jobs/retried")).get("delivery"))
                        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                        .containsEntry("state", "delivered")
                        .containsEntry("attempts", finals.size()));
    }

    @Test
    void a_callback_refused_with_400_is_not_retried() throws Exception {
        WorkerApp app = start(Map.of());
        CallbackReceiver receiver = receiver().alwaysAnswer(400);
        SignedHttp http = new SignedHttp(app.port(), SECRET);
        http.post("/process", noop("refused", receiver.url(), Map.of()));

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                SignedHttp.json(http.get("/jobs/refused")).get("delivery"))
                        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                        .containsEntry("state", "gave-up"));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> receiver.receivedFor("refused").stream()
                                .filter(r -> !r.status().equals("running"))
                                .count()
                        == 1);
    }

    private long workspaceCount() throws Exception {
        Path jobs = tempDir.resolve("jobs");
        if (!Files.exists(jobs)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(jobs)) {
            return list.count();
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String field, String messagePart)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        Map<String, Object> body = SignedHttp.json(response);
        assertThat(body).containsEntry("status", "error");
        if (field != null) {
            assertThat(body).containsEntry("field", field);
        }
        if (messagePart != null) {
            assertThat((String) body.get("message")).contains(messagePart);
        }
    }
}
