package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Callback;
import dev.repoworker.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Jobs finished through the real API with durations whose nearest-rank percentiles are known:
 * acquire-user-repo 100, 200 … 1000 ms (p50 500, p95 1000), enrich-data 30, 10, 20 ms (p50 20, p95 30),
 * one failed and one cancelled acquire-user-repo.
 */
final class KnownFinishedJobs {

    final List<String> ids = new ArrayList<>();

    static KnownFinishedJobs finishOn(TestApi api) {
        KnownFinishedJobs jobs = new KnownFinishedJobs();
        for (int i = 1; i <= 10; i++) {
            jobs.complete(
                    api,
                    jobs.dispatched(api, "acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/r" + i + "\"}"),
                    i * 100L);
        }
        for (long duration : new long[] {30, 10, 20}) {
            jobs.complete(api, jobs.dispatched(api, "enrich-data", "{\"artifactsOf\":\"x\"}"), duration);
        }
        String failed = jobs.dispatched(api, "acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/failing\"}");
        assertThat(api.signedCallback(Json.write(Callback.failed(failed, 1, "clone failed", Instant.now())))
                        .status())
                .isEqualTo(200);
        String cancelled =
                jobs.dispatched(api, "acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/cancelled\"}");
        assertThat(api.post("/api/cloudrun/jobs/" + cancelled + "/cancel", "{}").status())
                .isEqualTo(200);
        return jobs;
    }

    private String dispatched(TestApi api, String task, String data) {
        String id = api.submit(task, data);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        ids.add(id);
        return id;
    }

    private void complete(TestApi api, String id, long durationMs) {
        TestApi.Response r = api.signedCallback(
                Json.write(Callback.completed(id, 1, Map.of("ok", true), Instant.now(), durationMs)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** How many of these jobs finished in each minute, by outcome, as the jobs themselves say (their completedAt). */
    Map<String, Map<String, Integer>> perMinute(TestApi api) {
        Map<String, Map<String, Integer>> minutes = new HashMap<>();
        for (String id : ids) {
            JsonNode job = api.job(id);
            String minute = Instant.parse(job.get("completedAt").asText())
                    .truncatedTo(ChronoUnit.MINUTES)
                    .toString();
            minutes.computeIfAbsent(minute, m -> new HashMap<>())
                    .merge(job.get("status").asText(), 1, Integer::sum);
        }
        return minutes;
    }
}
