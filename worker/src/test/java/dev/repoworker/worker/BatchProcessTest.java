package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.ItemResult;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: {@code POST /process} with a JSON array of requests, authenticated once and admitted item by item. */
@Timeout(120)
class BatchProcessTest {

    private static final String SECRET = Signatures.newSecret();
    private static final Signatures SIGNER = Signatures.of(List.of(SECRET));

    @TempDir
    Path tempDir;

    @RegisterExtension
    final WorkerFixture workers = new WorkerFixture(SECRET);

    private static Map<String, Object> noop(String jobId, String callbackUrl, Map<String, Object> data) {
        Map<String, Object> request = new HashMap<>(Map.of("task", "noop", "callbackUrl", callbackUrl, "data", data));
        if (jobId != null) {
            request.put("jobId", jobId);
        }
        return request;
    }

    private static List<ItemResult> results(HttpResponse<String> response) throws Exception {
        return Json.mapper().readValue(response.body(), new TypeReference<>() {});
    }

    @Test
    void each_item_of_a_mixed_batch_gets_its_own_answer_and_only_the_valid_ones_run() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of());
        CallbackReceiver receiver = workers.receiver();
        List<Object> batch = List.of(
                noop("batch-ok", receiver.url(), Map.of()),
                noop("batch-bad-data", receiver.url(), Map.of("durationMs", "soon")),
                Map.of("jobId", "batch-unknown-task", "task", "make-coffee", "callbackUrl", receiver.url()),
                noop("batch-ok", receiver.url(), Map.of()),
                noop(null, receiver.url(), Map.of()),
                noop("batch-ok-2", receiver.url(), Map.of()));

        HttpResponse<String> response = http.post("/process", batch);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(results(response))
                .containsExactly(
                        ItemResult.accepted("batch-ok"),
                        ItemResult.error(
                                "batch-bad-data", 400, "data.durationMs must be a whole number", "data.durationMs"),
                        ItemResult.error(
                                "batch-unknown-task",
                                400,
                                results(response).get(2).message(),
                                "task"),
                        ItemResult.accepted("batch-ok"),
                        ItemResult.error(null, 400, "jobId is required", "jobId"),
                        ItemResult.accepted("batch-ok-2"));
        assertThat(results(response).get(2).message()).contains("make-coffee");
        assertThat(response.body()).doesNotContain("null");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 2);
        // the duplicate is answered like a single duplicate (accepted) and, like it, never runs twice
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(3))
                .until(() -> receiver.received().size() == 2);
        assertThat(receiver.received())
                .extracting(r -> r.body().path("jobId").asText())
                .containsExactlyInAnyOrder("batch-ok", "batch-ok-2");
    }

    @Test
    void a_receiver_that_sent_a_batch_gets_its_final_callbacks_in_batches_each_delivered_once() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of("WORKER_CONCURRENCY", "4"));
        CallbackReceiver receiver = workers.receiver();
        List<String> ids = new ArrayList<>();
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add("batched-callback-" + i);
            batch.add(noop(ids.get(i), receiver.url(), Map.of()));
        }

        HttpResponse<String> response = http.post("/process", batch);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.acceptedFinals().size() == ids.size());
        assertThat(receiver.acceptedFinals())
                .extracting(r -> r.body().path("jobId").asText())
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(receiver.batches())
                .as("final callbacks that waited went together")
                .isPositive();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ids.stream().allMatch(id -> delivery(http, id).equals("delivered")));
    }

    @Test
    void a_receiver_that_refuses_a_batch_of_callbacks_gets_them_one_by_one() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of("WORKER_CONCURRENCY", "4"));
        CallbackReceiver receiver = workers.receiver().refuseArrays();
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(noop("refused-batch-" + i, receiver.url(), Map.of()));
        }

        http.post("/process", batch);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.acceptedFinals().size() >= 30);
        // the same sender's next array of jobs does not make its receiver take arrays again
        List<Object> next = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            next.add(noop("refused-batch-next-" + i, receiver.url(), Map.of()));
        }
        http.post("/process", next);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.acceptedFinals().size() >= 60);
        assertThat(receiver.acceptedFinals())
                .extracting(r -> r.body().path("jobId").asText())
                .doesNotHaveDuplicates();
        assertThat(receiver.batches())
                .as("at most one refused batch, then one by one")
                .isLessThanOrEqualTo(1);
    }

    private static String delivery(SignedHttp http, String jobId) {
        try {
            return Json.mapper()
                    .readTree(http.get("/jobs/" + jobId).body())
                    .path("delivery")
                    .path("state")
                    .asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_batch_of_more_than_100_or_of_none_is_refused_whole() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of("WORKER_QUEUE_SIZE", "100"));
        CallbackReceiver receiver = workers.receiver();
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            tooMany.add(noop("many-" + i, receiver.url(), Map.of()));
        }

        HttpResponse<String> over = http.post("/process", tooMany);
        HttpResponse<String> empty = http.post("/process", List.of());

        for (HttpResponse<String> response : List.of(over, empty)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(SignedHttp.json(response))
                    .containsEntry("status", "error")
                    .containsEntry("field", "body");
        }
        assertThat(SignedHttp.json(over).get("message")).asString().contains("1 to 100");
        HttpResponse<String> hundred = http.post("/process", tooMany.subList(0, 100));
        assertThat(hundred.statusCode()).isEqualTo(200);
        assertThat(results(hundred))
                .hasSize(100)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(ItemResult.ACCEPTED));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> receiver.acceptedFinals().size() == 100);
        assertThat(receiver.receivedFor("many-100")).isEmpty();
    }

    @Test
    void an_item_beyond_the_queue_is_answered_429_in_its_place() throws Exception {
        SignedHttp http = workers.worker(
                tempDir, Map.of("WORKER_CONCURRENCY", "1", "WORKER_QUEUE_SIZE", "1", "SHUTDOWN_GRACE", "0s"));
        CallbackReceiver receiver = workers.receiver();
        List<Object> batch = List.of(
                noop("queue-1", receiver.url(), Map.of("durationMs", 60_000)),
                noop("queue-2", receiver.url(), Map.of("durationMs", 60_000)),
                noop("queue-3", receiver.url(), Map.of("durationMs", 60_000)));

        HttpResponse<String> response = http.post("/process", batch);

        assertThat(response.statusCode()).isEqualTo(200);
        List<ItemResult> results = results(response);
        assertThat(results).extracting(ItemResult::status).containsExactly("accepted", "accepted", "error");
        assertThat(results.get(2).jobId()).isEqualTo("queue-3");
        assertThat(results.get(2).code()).isEqualTo(429);
        assertThat(results.get(2).message()).contains("queue is full");
        assertThat(http.get("/jobs/queue-3").statusCode()).isEqualTo(404);
    }

    @Test
    void a_replayed_batch_is_409_and_its_jobs_run_once() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of());
        CallbackReceiver receiver = workers.receiver();
        String body = Json.write(
                List.of(noop("replay-1", receiver.url(), Map.of()), noop("replay-2", receiver.url(), Map.of())));
        Map<String, String> headers = SIGNER.headersFor(body);

        HttpResponse<String> first = http.post("/process", body, headers);
        HttpResponse<String> replay = http.post("/process", body, headers);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(results(first)).containsExactly(ItemResult.accepted("replay-1"), ItemResult.accepted("replay-2"));
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(SignedHttp.json(replay)).containsEntry("field", Signatures.ID_HEADER);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.acceptedFinals().size() == 2);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(3))
                .until(() -> receiver.received().size() == 2);
    }

    @Test
    void a_batch_is_authenticated_once_over_the_whole_body() throws Exception {
        SignedHttp http = workers.worker(tempDir, Map.of());
        CallbackReceiver receiver = workers.receiver();
        String body = Json.write(List.of(noop("auth-1", receiver.url(), Map.of())));
        String other = Json.write(List.of(noop("auth-2", receiver.url(), Map.of())));

        HttpResponse<String> unsigned = http.raw(HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        HttpResponse<String> signedForAnother = http.post("/process", body, SIGNER.headersFor(other));
        HttpResponse<String> bearer = http.raw(HttpRequest.newBuilder(http.uri("/process"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());

        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(signedForAnother.statusCode()).isEqualTo(401);
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(results(bearer)).containsExactly(ItemResult.accepted("auth-1"));
    }
}
