package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.Job;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import dev.repoworker.protocol.Signatures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbackRouteTest {

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(
                dir, Map.of("REPO_WORKER_API_URL", worker.url(), "WORKER_SECRET", TestApi.SECRET + ",previous-secret"));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    private String dispatchedJob(String token) {
        String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\",\"gitToken\":\"" + token + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        return id;
    }

    private Job stored(String id) {
        return api.app.store().jobs().find(id).orElseThrow();
    }

    @Test
    void forged_or_missing_signatures_are_401_and_change_nothing() {
        String id = dispatchedJob("tok-aaaa-1");
        Job before = stored(id);
        String body = Json.write(Callback.completed(id, 1, Map.of("commit", "abc"), Instant.now(), 10));
        Map<String, String> forged =
                new HashMap<>(Signatures.of(List.of("not-the-secret")).headersFor(body));
        forged.put("Content-Type", "application/json");

        TestApi.Response missing = api.post(ApiConfig.CALLBACK_PATH, body);
        TestApi.Response wrong = api.post(ApiConfig.CALLBACK_PATH, body, forged);
        TestApi.Response badBearer = api.post(
                ApiConfig.CALLBACK_PATH,
                body,
                Map.of("Content-Type", "application/json", "Authorization", "Bearer nope"));

        assertThat(List.of(missing, wrong, badBearer)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("error").get("code").asText()).isEqualTo("unauthorized");
        });
        assertThat(stored(id)).isEqualTo(before);
    }

    @Test
    void artifacts_a_worker_published_where_this_api_cannot_read_are_explained_not_silently_empty() {
        String id = dispatchedJob("tok-cccc-3");
        Map<String, Object> manifest =
                Map.of("store", "local", "location", id + "/manifest.json", "files", 3, "bytes", 100);
        api.signedCallback(
                Json.write(Callback.completed(id, 1, Map.of("posts", 2, "manifest", manifest), Instant.now(), 10)));

        TestApi.Response list = api.get("/api/cloudrun/jobs/" + id + "/artifacts");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("artifacts")).isEmpty();
        assertThat(list.json().get("note").asText())
                .contains(id + "/manifest.json")
                .contains("ARTIFACTS_DIR=")
                .contains("the same ARTIFACTS_DIR");
    }

    @Test
    void a_signed_completed_callback_stores_the_result_once() {
        String id = dispatchedJob("tok-bbbb-2");
        Instant processedAt = Instant.parse("2030-05-01T10:00:00Z");
        String body = Json.write(Callback.completed(id, 1, Map.of("commit", "abc123", "files", 3), processedAt, 1234));

        TestApi.Response first = api.signedCallback(body);
        Job afterFirst = stored(id);
        TestApi.Response again = api.signedCallback(body);
        TestApi.Response late = api.signedCallback(Json.write(Callback.failed(id, 1, "too late", Instant.now())));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("applied").asBoolean()).isTrue();
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("applied").asBoolean()).isFalse();
        assertThat(late.status()).isEqualTo(200);
        assertThat(stored(id)).isEqualTo(afterFirst);
        JsonNode job = api.job(id);
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("result").get("commit").asText()).isEqualTo("abc123");
        assertThat(job.get("duration").asLong()).isEqualTo(1234);
        assertThat(job.get("processedAt").asText()).isEqualTo("2030-05-01T10:00:00Z");
        assertThat(job.get("events").findValuesAsText("type")).containsOnlyOnce("callback");
        assertThat(api.app.store().jobs().sealedSecrets(id)).isEmpty();
    }

    @Test
    void the_bearer_secret_is_accepted_too() {
        String id = dispatchedJob("tok-cccc-3");
        String body = Json.write(
                Callback.failed(id, null, "clone failed for https://x:tok-cccc-3@git.example.test/o/r", Instant.now()));

        TestApi.Response r = api.post(
                ApiConfig.CALLBACK_PATH,
                body,
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TestApi.SECRET));

        assertThat(r.status()).isEqualTo(200);
        JsonNode job = api.job(id);
        assertThat(job.get("status").asText()).isEqualTo("failed");
        assertThat(job.get("error").asText()).contains("clone failed").doesNotContain("tok-cccc-3");
    }

    @Test
    void a_callback_signed_with_a_previous_secret_still_verifies() {
        String id = dispatchedJob("tok-ffff-6");
        String body = Json.write(Callback.completed(id, 1, Map.of("commit", "def"), Instant.now(), 5));
        Map<String, String> headers =
                new HashMap<>(Signatures.of(List.of("previous-secret")).headersFor(body));
        headers.put("Content-Type", "application/json");

        assertThat(api.post(ApiConfig.CALLBACK_PATH, body, headers).status()).isEqualTo(200);
        assertThat(api.status(id)).isEqualTo("completed");
    }

    @Test
    void progress_moves_the_job_to_running_extends_the_lease_and_is_logged() {
        String id = dispatchedJob("tok-dddd-4");
        Instant leaseBefore = stored(id).leaseUntil();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            TestApi.Response r =
                    api.signedCallback(Json.write(Callback.running(id, 1, new Progress("clone", 1, 4, "cloning"))));
            assertThat(r.status()).isEqualTo(200);
            assertThat(stored(id).leaseUntil()).isAfter(leaseBefore);
        });

        JsonNode job = api.job(id);
        assertThat(job.get("status").asText()).isEqualTo("running");
        assertThat(job.get("events").findValuesAsText("type")).contains("progress");
        assertThat(job.get("events").findValuesAsText("message")).contains("cloning");
    }

    @Test
    void a_callback_from_a_superseded_attempt_is_acknowledged_and_ignored() {
        String id = dispatchedJob("tok-eeee-5");
        api.signedCallback(Json.write(Callback.failed(id, 1, "first attempt failed", Instant.now())));
        api.post("/api/cloudrun/jobs/" + id + "/retry", "");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        Job before = stored(id);

        TestApi.Response stale =
                api.signedCallback(Json.write(Callback.completed(id, 1, Map.of("stale", true), Instant.now(), 1)));

        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.json().get("applied").asBoolean()).isFalse();
        assertThat(stored(id)).isEqualTo(before);
        assertThat(before.attempt()).isEqualTo(2);
    }

    @Test
    void a_callback_for_an_unknown_job_is_404() {
        TestApi.Response r = api.signedCallback(
                Json.write(Callback.completed(UUID.randomUUID().toString(), 1, Map.of(), Instant.now(), 1)));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void invalid_callback_bodies_name_the_field() {
        String id = UUID.randomUUID().toString();
        Map<String, String> cases = Map.of(
                "{\"jobId\":\"" + id + "\"}", "status",
                "{\"jobId\":\"" + id + "\",\"status\":\"exploded\"}", "status",
                "{\"jobId\":\"" + id + "\",\"status\":\"failed\"}", "error",
                "{\"jobId\":\"" + id + "\",\"status\":\"completed\",\"result\":[1]}", "result",
                "{\"jobId\":\"" + id + "\",\"status\":\"completed\",\"attempt\":0}", "attempt",
                "{\"jobId\":\"" + id + "\",\"status\":\"completed\",\"processedAt\":\"yesterday\"}", "processedAt",
                "{\"jobId\":\"" + id + "\",\"status\":\"running\",\"progress\":\"half\"}", "progress");
        cases.forEach((body, field) -> {
            TestApi.Response r = api.signedCallback(body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("error").get("field").asText()).as(body).isEqualTo(field);
        });
        assertThat(api.signedCallback("[]").status()).isEqualTo(400);
        assertThat(api.signedCallback("{not json").status()).isEqualTo(400);
    }

    @Test
    void a_batch_of_callbacks_under_one_signature_gets_one_answer_per_item_and_a_replay_is_409() {
        String done = dispatchedJob("tok-batch-1");
        String running = dispatchedJob("tok-batch-2");
        String unknown = UUID.randomUUID().toString();
        String body = "[" + Json.write(Callback.completed(done, 1, Map.of("commit", "abc"), Instant.now(), 10)) + ","
                + Json.write(Callback.running(running, 1, new Progress("build", 1, 3, "rendering"))) + ","
                + Json.write(Callback.completed(unknown, 1, Map.of(), Instant.now(), 1)) + ",5]";
        Map<String, String> headers =
                new HashMap<>(Signatures.of(List.of(TestApi.SECRET)).headersFor(body));
        headers.put("Content-Type", "application/json");

        TestApi.Response r = api.post("/api/cloudrun/callback", body, headers);
        TestApi.Response replay = api.post("/api/cloudrun/callback", body, headers);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().findValuesAsText("status")).containsExactly("accepted", "accepted", "error", "error");
        assertThat(r.json().get(2).get("code").asInt()).isEqualTo(404);
        assertThat(r.json().get(3).get("code").asInt()).isEqualTo(400);
        assertThat(stored(done).status().wireName()).isEqualTo("completed");
        assertThat(stored(running).status().wireName()).isEqualTo("running");
        assertThat(replay.status()).isIn(200, 409);
        assertThat(replay.json().toString()).doesNotContain("\"accepted\"");
    }
}
