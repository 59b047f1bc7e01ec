package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.client.ApiClient;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/cloudrun/jobs/{id}/events} read as a raw text/event-stream with java.net.http. */
class JobEventStreamTest {

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;
    private final HttpClient http = HttpClient.newHttpClient();

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

    /** One parsed Server-Sent Event. */
    record Sse(String name, String id, JsonNode data) {}

    /** Reads the stream on a background thread; the future completes when the server closes it. */
    private CompletableFuture<Void> read(String id, List<Sse> into) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.url("/api/cloudrun/jobs/" + id + "/events")))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            String[] name = {null};
            String[] eventId = {null};
            try (Stream<String> lines = response.body()) {
                lines.forEach(line -> {
                    if (line.startsWith("event:")) {
                        name[0] = line.substring(6).trim();
                    } else if (line.startsWith("id:")) {
                        eventId[0] = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        try {
                            into.add(new Sse(
                                    name[0],
                                    eventId[0],
                                    Json.mapper().readTree(line.substring(5).trim())));
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    } else if (line.isEmpty()) {
                        name[0] = null;
                        eventId[0] = null;
                    }
                });
            }
        });
    }

    private static List<String> eventTypes(List<Sse> events) {
        return events.stream()
                .filter(e -> "event".equals(e.name()))
                .map(e -> e.data().path("type").asText())
                .toList();
    }

    @Test
    void sends_existing_events_then_new_ones_in_order_and_ends_after_the_final_status() throws Exception {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/r\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        List<Sse> events = new CopyOnWriteArrayList<>();

        CompletableFuture<Void> stream = read(id, events);
        await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(events).contains("dispatched"));
        assertThat(stream).isNotDone();
        api.signedCallback(Json.write(Callback.running(id, 1, new Progress("acquire", 3, 10, "receiving objects"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(events).contains("progress"));
        api.signedCallback(Json.write(Callback.completed(id, 1, Map.of("files", 3), Instant.now(), 42)));

        stream.get(10, TimeUnit.SECONDS);
        assertThat(eventTypes(events)).containsExactly("created", "dispatched", "progress", "callback");
        assertThat(events.stream().filter(e -> "event".equals(e.name())).map(Sse::id))
                .containsExactly("0", "1", "2", "3");
        Sse progress = events.stream()
                .filter(e -> e.data().path("type").asText().equals("progress"))
                .findFirst()
                .orElseThrow();
        assertThat(progress.data().path("data").path("done").asInt()).isEqualTo(3);
        assertThat(progress.data().path("data").path("total").asInt()).isEqualTo(10);
        assertThat(events.stream()
                        .filter(e -> "job".equals(e.name()))
                        .map(e -> e.data().path("status").asText()))
                .containsSubsequence("dispatched", "running", "completed");
        Sse last = events.get(events.size() - 1);
        assertThat(last.name()).isEqualTo("end");
        assertThat(last.data().path("status").asText()).isEqualTo("completed");
        int callback = indexOf(events, "event", "type", "callback");
        int completedStatus = indexOf(events, "job", "status", "completed");
        assertThat(completedStatus).isGreaterThan(callback);
    }

    private static int indexOf(List<Sse> events, String name, String field, String value) {
        for (int i = 0; i < events.size(); i++) {
            if (name.equals(events.get(i).name())
                    && events.get(i).data().path(field).asText().equals(value)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void a_finished_job_sends_its_whole_log_and_ends_at_once() throws Exception {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/done\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        api.signedCallback(Json.write(Callback.failed(id, 1, "repository not found", Instant.now())));
        List<Sse> events = new CopyOnWriteArrayList<>();

        read(id, events).get(10, TimeUnit.SECONDS);

        assertThat(eventTypes(events)).containsExactly("created", "dispatched", "callback");
        assertThat(events.get(events.size() - 1).data().path("status").asText()).isEqualTo("failed");
    }

    @Test
    void last_event_id_resumes_after_that_event() throws Exception {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/resume\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        api.signedCallback(Json.write(Callback.completed(id, 1, Map.of(), Instant.now(), 1)));

        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(api.url("/api/cloudrun/jobs/" + id + "/events")))
                        .header("Last-Event-ID", "1")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.body())
                .doesNotContain("\"type\":\"created\"")
                .doesNotContain("\"type\":\"dispatched\"")
                .contains("id: 2")
                .contains("\"type\":\"callback\"")
                .contains("event: end");
    }

    @Test
    void an_unknown_job_is_a_json_404_not_a_stream() {
        TestApi.Response response = api.get("/api/cloudrun/jobs/no-such-job/events");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void the_launcher_client_follows_the_stream_to_its_end() throws Exception {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/client\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        List<ApiClient.StreamEvent> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<ApiClient.StreamEvent> end = CompletableFuture.supplyAsync(() -> {
            try {
                return new ApiClient(api.url("")).follow(id, seen::add);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> seen.stream()
                        .anyMatch(e -> e.name().equals("event")
                                && e.data().path("type").asText().equals("dispatched")));

        api.signedCallback(Json.write(Callback.completed(id, 1, Map.of("files", 1), Instant.now(), 5)));

        assertThat(end.get(10, TimeUnit.SECONDS).data().path("status").asText()).isEqualTo("completed");
        assertThat(seen).extracting(ApiClient.StreamEvent::name).contains("job", "event", "end");
    }
}
