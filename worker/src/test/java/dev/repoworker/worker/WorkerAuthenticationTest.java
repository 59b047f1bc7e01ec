package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.HostileJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue #9 "Authentication" on the Worker: unsigned, wrongly signed, stale, future-dated and replayed requests. */
@Timeout(120)
class WorkerAuthenticationTest {

    private static final String SECRET = Signatures.newSecret();
    private static final Signatures SIGNER = Signatures.of(List.of(SECRET));

    @TempDir
    Path tempDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        toClose.sort(java.util.Comparator.comparing(c -> c instanceof CallbackReceiver));
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private WorkerApp worker() {
        WorkerApp app = TestWorkers.start(TestWorkers.env(SECRET, tempDir));
        toClose.add(app::stop);
        return app;
    }

    private CallbackReceiver receiver() {
        CallbackReceiver receiver = CallbackReceiver.verifying(SECRET);
        toClose.add(receiver);
        return receiver;
    }

    private static String noop(String jobId, CallbackReceiver receiver, int durationMs) {
        return Json.write(Map.of(
                "jobId",
                jobId,
                "task",
                "noop",
                "callbackUrl",
                receiver.url(),
                "data",
                Map.of("durationMs", durationMs),
                "attempt",
                1));
    }

    @Test
    void unsigned_wrongly_signed_stale_and_future_dated_requests_are_401_naming_the_header() throws Exception {
        WorkerApp app = worker();
        CallbackReceiver receiver = receiver();
        String body = noop("auth-1", receiver, 0);
        long now = Instant.now().getEpochSecond();
        Signatures sixMinutesAgo = Signatures.of(
                List.of(SECRET), Signatures.DEFAULT_TOLERANCE, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6)));
        Signatures sixMinutesAhead = Signatures.of(
                List.of(SECRET), Signatures.DEFAULT_TOLERANCE, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(6)));

        assertRefused(post(app, body, Map.of()), 401, Signatures.ID_HEADER, "missing");
        assertRefused(
                post(app, body, Signatures.of(List.of(Signatures.newSecret())).headersFor(body)),
                401,
                Signatures.SIGNATURE_HEADER,
                "does not match");
        assertRefused(
                post(app, body, SIGNER.headersFor(body.replace("auth-1", "auth-2"))),
                401,
                Signatures.SIGNATURE_HEADER,
                "does not match");
        assertRefused(post(app, body, sixMinutesAgo.headersFor(body)), 401, Signatures.TIMESTAMP_HEADER, "tolerance");
        assertRefused(post(app, body, sixMinutesAhead.headersFor(body)), 401, Signatures.TIMESTAMP_HEADER, "tolerance");
        assertRefused(
                post(
                        app,
                        body,
                        Map.of(
                                Signatures.ID_HEADER,
                                "msg_1",
                                Signatures.TIMESTAMP_HEADER,
                                "1e999999",
                                Signatures.SIGNATURE_HEADER,
                                SIGNER.sign("msg_1", now, body))),
                401,
                Signatures.TIMESTAMP_HEADER,
                "number");
        long overflowing = Long.MIN_VALUE + now;
        assertRefused(
                post(
                        app,
                        body,
                        Map.of(
                                Signatures.ID_HEADER,
                                "msg_2",
                                Signatures.TIMESTAMP_HEADER,
                                Long.toString(overflowing),
                                Signatures.SIGNATURE_HEADER,
                                SIGNER.sign("msg_2", overflowing, body))),
                401,
                Signatures.TIMESTAMP_HEADER,
                "tolerance");
        String longId = "m".repeat(Signatures.MAX_MESSAGE_ID_LENGTH + 1);
        assertRefused(
                post(
                        app,
                        body,
                        Map.of(
                                Signatures.ID_HEADER,
                                longId,
                                Signatures.TIMESTAMP_HEADER,
                                Long.toString(now),
                                Signatures.SIGNATURE_HEADER,
                                SIGNER.sign(longId, now, body))),
                401,
                Signatures.ID_HEADER,
                "webhook-id");
        assertRefused(
                post(app, body, Map.of("Authorization", "Bearer " + SECRET.substring(0, SECRET.length() - 1))),
                403,
                "Authorization",
                "bearer");
        assertRefused(
                send(HttpRequest.newBuilder(uri(app, "/jobs/auth-1")).GET().build()),
                401,
                Signatures.ID_HEADER,
                "missing");

        assertThat(post(app, body, sixMinutesAgo.headersFor(body)).statusCode()).isEqualTo(401);
        assertThat(receiver.received()).isEmpty();
        assertThat(post(app, body, SIGNER.headersFor(body)).statusCode()).isEqualTo(202);
    }

    @Test
    void a_replayed_process_request_is_409_naming_the_webhook_id_and_runs_once() throws Exception {
        WorkerApp app = worker();
        CallbackReceiver receiver = receiver();
        String body = noop("replayed", receiver, 50);
        Map<String, String> headers = SIGNER.headersFor(body);

        HttpResponse<String> first = post(app, body, headers);
        HttpResponse<String> replay = post(app, body, headers);

        assertThat(first.statusCode()).isEqualTo(202);
        assertRefused(replay, 409, Signatures.ID_HEADER, headers.get(Signatures.ID_HEADER));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        // the same request signed anew (as the API's own retry would be) is a duplicate of the job, not a replay
        assertThat(post(app, body, SIGNER.headersFor(body)).statusCode()).isEqualTo(202);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(3))
                .until(() -> receiver.acceptedFinals().size() == 1);
    }

    @Test
    void a_replayed_cancel_is_409_and_reads_may_repeat_their_headers() throws Exception {
        WorkerApp app = worker();
        CallbackReceiver receiver = receiver();
        String body = noop("to-cancel", receiver, 60_000);
        assertThat(post(app, body, SIGNER.headersFor(body)).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).until(() -> app.executor().running() == 1);

        Map<String, String> cancel = SIGNER.headersFor("{}");
        assertThat(send(signed(uri(app, "/jobs/to-cancel/cancel"), "POST", "{}", cancel))
                        .statusCode())
                .isEqualTo(200);
        assertRefused(
                send(signed(uri(app, "/jobs/to-cancel/cancel"), "POST", "{}", cancel)),
                409,
                Signatures.ID_HEADER,
                "already");

        Map<String, String> read = SIGNER.headersFor("");
        assertThat(send(signed(uri(app, "/jobs/to-cancel"), "GET", "", read)).statusCode())
                .isEqualTo(200);
        assertThat(send(signed(uri(app, "/jobs/to-cancel"), "GET", "", read)).statusCode())
                .isEqualTo(200);
    }

    /**
     * The bearer form has no message id, so no replay protection of its own: a copy is admitted again
     * but (jobId, attempt) dedup keeps the job from running twice on this Worker.
     */
    @Test
    void a_replayed_bearer_request_is_only_a_duplicate_of_the_job() throws Exception {
        WorkerApp app = worker();
        CallbackReceiver receiver = receiver();
        String body = noop("bearer", receiver, 50);
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + SECRET);

        assertThat(post(app, body, bearer).statusCode()).isEqualTo(202);
        assertThat(post(app, body, bearer).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 1);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(3))
                .until(() -> receiver.acceptedFinals().size() == 1);
    }

    /**
     * Workers keep no shared state: another instance admits a replayed request and runs the job again.
     * Its callback carries the same (jobId, attempt), which the API applies only once (see the API's
     * ApiAuthenticationTest#a_second_final_callback_of_the_same_attempt_changes_nothing).
     */
    @Test
    void a_replay_to_another_worker_instance_runs_again_with_the_same_job_and_attempt() throws Exception {
        WorkerApp first = worker();
        WorkerApp second = TestWorkers.start(TestWorkers.env(SECRET, tempDir.resolve("second")));
        toClose.add(second::stop);
        CallbackReceiver receiver = receiver();
        String body = noop("cross-instance", receiver, 10);
        Map<String, String> headers = SIGNER.headersFor(body);

        assertThat(post(first, body, headers).statusCode()).isEqualTo(202);
        assertThat(post(second, body, headers).statusCode()).isEqualTo(202);
        assertThat(post(second, body, headers).statusCode()).isEqualTo(409);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 2);
        assertThat(receiver.acceptedFinals())
                .extracting(r -> r.body().path("jobId").asText() + "#"
                        + r.body().path("attempt").asInt())
                .containsExactly("cross-instance#1", "cross-instance#1");
    }

    @Test
    void every_callback_attempt_carries_a_new_webhook_id() throws Exception {
        WorkerApp app = worker();
        CallbackReceiver receiver = receiver().failFirst(2, 503);
        String body = noop("fresh-ids", receiver, 0);
        post(app, body, SIGNER.headersFor(body));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> receiver.acceptedFinals().size() == 1);
        List<String> ids = receiver.receivedFor("fresh-ids").stream()
                .map(CallbackReceiver.Received::webhookId)
                .toList();
        assertThat(ids)
                .hasSizeGreaterThanOrEqualTo(3)
                .doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("msg_"));
    }

    @Test
    void a_callback_answered_409_counts_as_delivered_and_is_not_retried() throws Exception {
        WorkerApp app = worker();
        CallbackReceiver receiver = receiver().alwaysAnswer(409);
        String body = noop("already-there", receiver, 0);
        post(app, body, SIGNER.headersFor(body));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode state = Json.mapper()
                    .readTree(send(signed(uri(app, "/jobs/already-there"), "GET", "", SIGNER.headersFor("")))
                            .body());
            assertThat(state.path("delivery").path("state").asText()).isEqualTo("delivered");
        });
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> receiver.receivedFor("already-there").stream()
                                .filter(r -> !r.status().equals("running"))
                                .count()
                        == 1);
    }

    private HttpResponse<String> post(WorkerApp app, String body, Map<String, String> headers) throws Exception {
        return send(signed(uri(app, "/process"), "POST", body, headers));
    }

    private static HttpRequest signed(URI uri, String method, String body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        method.equals("GET")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        return builder.build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(WorkerApp app, String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    private static void assertRefused(HttpResponse<String> response, int status, String field, String messagePart)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(HostileJson.leak(response.body())).isEmpty();
        JsonNode error = Json.mapper().readTree(response.body());
        assertThat(error.path("status").asText()).isEqualTo("error");
        assertThat(error.path("field").asText()).as(response.body()).isEqualTo(field);
        assertThat(error.path("message").asText()).containsIgnoringCase(messagePart);
    }
}
