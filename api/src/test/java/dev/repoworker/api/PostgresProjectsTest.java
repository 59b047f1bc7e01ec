package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Projects on PostgreSQL, shared by API replicas: one replica's project deploys from another, token and all. */
class PostgresProjectsTest {

    @RegisterExtension
    static final SharedPostgres postgres = new SharedPostgres();

    @TempDir
    Path dir;

    @Test
    void a_project_created_on_one_replica_is_deployed_from_another_with_its_token() throws Exception {
        Map<String, String> env = postgres.replicaEnv();
        try (FakeWorker worker = new FakeWorker()) {
            env.put("REPO_WORKER_API_URL", worker.url());
            try (TestApi first = TestApi.start(dir.resolve("a"), env);
                    TestApi second = TestApi.start(dir.resolve("b"), env)) {
                assertThat(first.post("/api/projects", ProjectRoutesTest.fullProject("shared"))
                                .status())
                        .isEqualTo(201);

                TestApi.Response answer = second.post("/api/projects/shared/deploy", "{}");

                assertThat(answer.status()).as(answer.body()).isEqualTo(202);
                String id = answer.json().get("id").asText();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !worker.processRequests().isEmpty());
                JsonNode data = worker.processRequests().get(0).body().get("data");
                assertThat(worker.processRequests().get(0).body().get("jobId").asText())
                        .isEqualTo(id);
                assertThat(data.get("gitToken").asText()).isEqualTo(ProjectRoutesTest.TOKEN);
                assertThat(data.get("repositoryFolder").asText()).isEqualTo("docs");
                assertThat(first.get("/api/projects/shared")
                                .json()
                                .get("gitToken")
                                .asText())
                        .isEqualTo("[set]");
                assertThat(first.get("/api/cloudrun/jobs?projectId=shared")
                                .json()
                                .findValuesAsText("id"))
                        .containsExactly(id);
            }
        }
    }
}
