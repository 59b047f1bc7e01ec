package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/cloudrun/stats} on the embedded store: throughput per minute by outcome, p50/p95 per task. */
class StatsRouteTest {

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;
    static KnownFinishedJobs finished;

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()));
        finished = KnownFinishedJobs.finishOn(api);
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    @Test
    void the_last_hour_has_sixty_minutes_with_the_finished_jobs_in_the_minutes_they_finished() {
        JsonNode stats = api.get("/api/cloudrun/stats?window=1h").json();

        assertThat(stats.get("window").asText()).isEqualTo("1h");
        assertThat(stats.get("bucketSeconds").asInt()).isEqualTo(60);
        JsonNode throughput = stats.get("throughput");
        assertThat(throughput).hasSize(60);
        assertThat(Instant.parse(throughput.get(59).get("minute").asText()))
                .isEqualTo(Instant.parse(stats.get("until").asText()).minus(1, ChronoUnit.MINUTES));
        assertThat(byMinute(throughput)).isEqualTo(finished.perMinute(api));
        assertThat(throughput.findValues("completed").stream()
                        .mapToInt(JsonNode::asInt)
                        .sum())
                .isEqualTo(13);
    }

    @Test
    void p50_and_p95_are_the_nearest_rank_durations_of_each_task_completed_jobs() {
        JsonNode durations = api.get("/api/cloudrun/stats").json().get("durations");

        assertThat(durations).hasSize(2);
        assertThat(durations.get(0).get("task").asText()).isEqualTo("acquire-user-repo");
        assertThat(durations.get(0).get("count").asInt()).isEqualTo(10);
        assertThat(durations.get(0).get("p50Ms").asLong()).isEqualTo(500);
        assertThat(durations.get(0).get("p95Ms").asLong()).isEqualTo(1000);
        assertThat(durations.get(1).get("task").asText()).isEqualTo("enrich-data");
        assertThat(durations.get(1).get("count").asInt()).isEqualTo(3);
        assertThat(durations.get(1).get("p50Ms").asLong()).isEqualTo(20);
        assertThat(durations.get(1).get("p95Ms").asLong()).isEqualTo(30);
    }

    @Test
    void a_shorter_window_has_as_many_minutes() {
        JsonNode stats = api.get("/api/cloudrun/stats?window=15m").json();
        assertThat(stats.get("throughput")).hasSize(15);
        assertThat(stats.get("window").asText()).isEqualTo("15m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0m", "25h", "1d", "abc", "-5m", "60", "99999m"})
    void a_bad_window_is_400_naming_window(String window) {
        TestApi.Response r = api.get("/api/cloudrun/stats?window=" + window);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("field").asText()).isEqualTo("window");
        assertThat(r.json().get("error").get("message").asText()).contains("24h");
    }

    @Test
    void the_stats_are_behind_the_job_api_token() {
        String token = "stats-token-0123456789";
        try (TestApi guarded = TestApi.start(dir.resolve("guarded"), Map.of("DASHBOARD_TOKEN", token))) {
            TestApi.Response anonymous = guarded.get("/api/cloudrun/stats");
            TestApi.Response withToken = guarded.get("/api/cloudrun/stats", Map.of("Authorization", "Bearer " + token));

            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json().get("error").get("field").asText()).isEqualTo("Authorization");
            assertThat(withToken.status()).isEqualTo(200);
            assertThat(withToken.json().get("throughput"))
                    .hasSize(60)
                    .allSatisfy(minute -> assertThat(minute.get("completed").asInt()
                                    + minute.get("failed").asInt()
                                    + minute.get("cancelled").asInt())
                            .isZero());
            assertThat(withToken.json().get("durations")).isEmpty();
        }
    }

    /** The non-empty minutes of a throughput list, as {minute → {outcome → count}}. */
    static Map<String, Map<String, Integer>> byMinute(JsonNode throughput) {
        Map<String, Map<String, Integer>> minutes = new HashMap<>();
        for (JsonNode minute : throughput) {
            Map<String, Integer> outcomes = new HashMap<>();
            for (String outcome : new String[] {"completed", "failed", "cancelled"}) {
                if (minute.get(outcome).asInt() > 0) {
                    outcomes.put(outcome, minute.get(outcome).asInt());
                }
            }
            if (!outcomes.isEmpty()) {
                minutes.put(Instant.parse(minute.get("minute").asText()).toString(), outcomes);
            }
        }
        return minutes;
    }
}
