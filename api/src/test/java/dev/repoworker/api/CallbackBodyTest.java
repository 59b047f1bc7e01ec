package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the API takes in a callback body from the original Worker: {@code output} for {@code result},
 * {@code cancelled}, {@code logs} as strings or objects (each an event, 1,000 at most, 8,192 characters each), and
 * bodies up to {@code MAX_CALLBACK_BYTES} (20 MB by default, read as a stream; 413 past it).
 */
class CallbackBodyTest {

    private static final long MB = 1024 * 1024;

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    static String dispatchedJob() {
        String id = api.submit("clone-repo", "{\"owner\":\"o\",\"repoName\":\"r\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        return id;
    }

    static Map<String, Object> callback(String id, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", id);
        body.put("status", status);
        return body;
    }

    @Test
    void output_stands_for_result_and_result_wins_when_both_are_there() {
        String aliased = dispatchedJob();
        String both = dispatchedJob();
        Map<String, Object> first = callback(aliased, "completed");
        first.put("output", Map.of("deployed", true));
        Map<String, Object> second = callback(both, "completed");
        second.put("result", Map.of("from", "result"));
        second.put("output", Map.of("from", "output"));

        assertThat(api.signedCallback(Json.write(first)).status()).isEqualTo(200);
        assertThat(api.signedCallback(Json.write(second)).status()).isEqualTo(200);

        assertThat(api.job(aliased).get("result").get("deployed").asBoolean()).isTrue();
        assertThat(api.job(both).get("result").get("from").asText()).isEqualTo("result");
    }

    @Test
    void output_that_is_not_an_object_is_400_naming_output() {
        String id = dispatchedJob();
        Map<String, Object> body = callback(id, "completed");
        body.put("output", "done");

        TestApi.Response answer = api.signedCallback(Json.write(body));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").get("field").asText()).isEqualTo("output");
    }

    @Test
    void a_cancelled_callback_cancels_the_job() {
        String id = dispatchedJob();

        TestApi.Response answer = api.signedCallback(Json.write(callback(id, "cancelled")));

        assertThat(answer.status()).isEqualTo(200);
        JsonNode job = api.job(id);
        assertThat(job.get("status").asText()).isEqualTo("cancelled");
        assertThat(job.get("completedAt").isNull()).isFalse();
        assertThat(job.get("events").findValuesAsText("type")).contains("cancelled");
    }

    @Test
    void string_and_object_logs_become_one_event_each() {
        String id = dispatchedJob();
        Map<String, Object> body = callback(id, "completed");
        body.put(
                "logs",
                List.of(
                        "plain line",
                        Map.of(
                                "type",
                                "error",
                                "jobId",
                                id,
                                "timestamp",
                                "2030-01-01T00:00:00.000Z",
                                "message",
                                "object line")));

        api.signedCallback(Json.write(body));

        List<JsonNode> logs = OriginalWorkerTest.logEvents(api.job(id));
        assertThat(logs).extracting(e -> e.get("message").asText()).containsExactly("plain line", "object line");
        assertThat(logs.get(0).path("data").path("level").isMissingNode()).isTrue();
        assertThat(logs.get(1).get("data").get("level").asText()).isEqualTo("error");
        assertThat(logs.get(1).get("data").get("timestamp").asText()).isEqualTo("2030-01-01T00:00:00.000Z");
    }

    @Test
    void logs_keep_the_last_1000_lines_each_cut_at_8192_characters() {
        String id = dispatchedJob();
        List<Object> lines = new ArrayList<>();
        for (int i = 1; i <= 1_005; i++) {
            lines.add(i % 2 == 0 ? "line " + i : Map.of("type", "info", "message", "line " + i));
        }
        lines.add("x".repeat(10_000));
        Map<String, Object> body = callback(id, "completed");
        body.put("logs", lines);

        assertThat(api.signedCallback(Json.write(body)).status()).isEqualTo(200);

        List<JsonNode> logs = OriginalWorkerTest.logEvents(api.job(id));
        assertThat(logs).hasSize(1 + 1_000);
        assertThat(logs.get(0).get("message").asText())
                .isEqualTo("6 earlier log lines were dropped (the last 1000 are kept)");
        assertThat(logs.get(1).get("message").asText()).isEqualTo("line 7");
        String last = logs.get(logs.size() - 1).get("message").asText();
        assertThat(last)
                .startsWith("x".repeat(8_192))
                .endsWith("…[cut at 8192 characters]")
                .hasSize(8_192 + " …[cut at 8192 characters]".length());
    }

    @Test
    void a_15_mb_callback_is_taken_under_the_default_limit() {
        String id = dispatchedJob();
        Map<String, Object> body = callback(id, "completed");
        body.put("result", Map.of("report", "r".repeat((int) (15 * MB))));
        String json = Json.write(body);
        assertThat((long) json.length()).isGreaterThan(15 * MB);

        TestApi.Response answer = api.signedCallback(json);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(api.app
                        .store()
                        .jobs()
                        .find(id)
                        .orElseThrow()
                        .result()
                        .get("report")
                        .toString())
                .hasSize((int) (15 * MB));
    }

    @Test
    void a_callback_over_20_mb_is_413_whether_it_says_its_length_or_streams_it() throws Exception {
        String id = dispatchedJob();
        Map<String, Object> body = callback(id, "completed");
        body.put("result", Map.of("report", "r".repeat((int) (20 * MB))));
        byte[] json = Json.writeBytes(body);

        HttpResponse<String> declared = post(json, false);
        HttpResponse<String> chunked = post(json, true);

        assertThat(List.of(declared, chunked)).allSatisfy(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
            JsonNode error = Json.mapper().readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("payload_too_large");
            assertThat(error.get("field").asText()).isEqualTo("body");
            assertThat(error.get("message").asText()).contains("MAX_CALLBACK_BYTES");
        });
        assertThat(api.status(id)).isEqualTo("dispatched");
    }

    @Test
    void the_original_dev_callback_path_is_served_only_with_use_dev_cloudrun_worker() {
        String id = dispatchedJob();

        TestApi.Response answer = api.signedCallback(Json.write(callback(id, "running")));
        TestApi.Response dev = api.post(ApiConfig.DEV_CALLBACK_PATH, Json.write(callback(id, "running")));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(dev.status()).isEqualTo(404);
    }

    private static HttpResponse<String> post(byte[] body, boolean chunked) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(api.url(ApiConfig.CALLBACK_PATH)))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(
                        chunked
                                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        Signatures.of(List.of(TestApi.SECRET))
                .headersFor(new String(body, StandardCharsets.UTF_8))
                .forEach(builder::header);
        return HttpClient.newHttpClient().send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
