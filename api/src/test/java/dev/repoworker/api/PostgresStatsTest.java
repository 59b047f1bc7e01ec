package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/cloudrun/stats} on PostgreSQL: two API replicas on one schema give the same, known answer. */
class PostgresStatsTest {

    @RegisterExtension
    static final SharedPostgres postgres = new SharedPostgres();

    @TempDir
    Path dir;

    @Test
    void two_replicas_answer_identically_with_the_known_percentiles() throws Exception {
        Map<String, String> env = postgres.replicaEnv();
        try (FakeWorker worker = new FakeWorker();
                TestApi first = TestApi.start(dir.resolve("a"), withWorker(env, worker));
                TestApi second = TestApi.start(dir.resolve("b"), withWorker(env, worker))) {
            KnownFinishedJobs finished = KnownFinishedJobs.finishOn(first);

            JsonNode fromFirst = first.get("/api/cloudrun/stats?window=1h").json();
            JsonNode fromSecond = second.get("/api/cloudrun/stats?window=1h").json();

            if (fromFirst.get("until").equals(fromSecond.get("until"))) {
                assertThat(fromSecond).isEqualTo(fromFirst);
            } else { // a minute turned between the two requests: the windows are one bucket apart
                assertThat(fromSecond.get("durations")).isEqualTo(fromFirst.get("durations"));
            }
            assertThat(StatsRouteTest.byMinute(fromSecond.get("throughput"))).isEqualTo(finished.perMinute(second));
            JsonNode durations = fromSecond.get("durations");
            assertThat(durations.findValuesAsText("task")).containsExactly("acquire-user-repo", "enrich-data");
            assertThat(durations.findValues("p50Ms"))
                    .extracting(JsonNode::asLong)
                    .containsExactly(500L, 20L);
            assertThat(durations.findValues("p95Ms"))
                    .extracting(JsonNode::asLong)
                    .containsExactly(1000L, 30L);
            assertThat(durations.findValues("count"))
                    .extracting(JsonNode::asLong)
                    .containsExactly(10L, 3L);
        }
    }

    private static Map<String, String> withWorker(Map<String, String> env, FakeWorker worker) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("REPO_WORKER_API_URL", worker.url());
        return all;
    }
}
