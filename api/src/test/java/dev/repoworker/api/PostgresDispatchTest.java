package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.api.client.ApiClient;
import dev.repoworker.api.job.Database;
import dev.repoworker.api.job.Job;
import dev.repoworker.api.job.JobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** API replicas on one PostgreSQL schema share the pending jobs: every job is sent exactly once, and a submission wakes them all. */
class PostgresDispatchTest {

    @RegisterExtension
    static final SharedPostgres postgres = new SharedPostgres();

    @TempDir
    Path dir;

    @Test
    void two_replicas_never_send_the_same_dispatch_twice() throws Exception {
        Map<String, String> env = postgres.replicaEnv();
        env.put("DISPATCH_POLL", "10ms");
        try (FakeWorker worker = new FakeWorker()) {
            env.put("REPO_WORKER_API_URL", worker.url());
            try (TestApi first = TestApi.start(dir.resolve("a"), env);
                    TestApi second = TestApi.start(dir.resolve("b"), env)) {
                ApiClient client = new ApiClient(first.url(""));
                Set<String> ids = new HashSet<>();
                for (int i = 0; i < 30; i++) {
                    ids.add(client.submit(
                                    "clone-repo",
                                    Map.of("owner", "o", "repoName", "r" + i, "gitToken", "tok-" + i + "-xyz"))
                            .get("id")
                            .asText());
                }

                await().atMost(Duration.ofSeconds(30))
                        .until(() -> worker.processRequests().size() >= ids.size()
                                && ids.stream().allMatch(id -> second.status(id).equals("dispatched")));

                List<String> sent = worker.processRequests().stream()
                        .map(r -> r.body().get("jobId").asText())
                        .toList();
                assertThat(sent).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
                assertThat(client.get(ids.iterator().next()).get("status").asText())
                        .isEqualTo("dispatched");
            }
        }
    }

    @Test
    void a_job_stored_by_another_replica_wakes_this_dispatcher_at_once_through_notify() throws Exception {
        Map<String, String> env = postgres.replicaEnv();
        env.put("DISPATCH_POLL", "1h");
        try (FakeWorker worker = new FakeWorker()) {
            env.put("REPO_WORKER_API_URL", worker.url());
            try (TestApi listening = TestApi.start(dir.resolve("c"), env);
                    Database other = Database.open(postgres.schema().url(), TestDatabases.POSTGRES_USER, null, 2)) {
                Job job = Job.newPending(
                        UUID.randomUUID().toString(), "noop", "noop", Map.of(), 3, null, null, null, Instant.now());
                // another replica's submission: its commit notifies; this replica polls only once an hour
                new JobStore(other).create(job, null);

                await().atMost(Duration.ofSeconds(10))
                        .until(() -> worker.processRequests().stream()
                                .anyMatch(r -> r.body().get("jobId").asText().equals(job.id())));
                assertThat(listening.status(job.id())).isIn("dispatched", "running");
            }
        }
    }
}
