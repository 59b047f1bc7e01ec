package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestRepos;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project deployed by a real Worker from a real local repository, the API and the Worker sharing one artifact
 * store: the API lists the deploys, names the active revision from the store's active.json, and announces each
 * deploy to the project's webhook subscriber, signed with the subscriber's secret.
 */
class DeploysEndToEndTest {

    private static final String HOOK_SECRET = Signatures.newSecret();

    @TempDir
    Path tmp;

    private LocalCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    /** A Worker and an API sharing one artifact store (a folder). */
    private ApiHttp startBoth() {
        cluster = new LocalCluster(tmp);
        Map<String, String> store = Map.of("ARTIFACTS_DIR", tmp.resolve("store").toString());
        return cluster.api("api", cluster.worker("worker", store), store);
    }

    private static String deploy(ApiHttp http, String body) throws Exception {
        HttpResponse<String> answer = http.post("/api/projects/notes/deploy", body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String id = ApiHttp.json(answer).path("id").asText();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> List.of("completed", "failed")
                        .contains(http.job(id).path("status").asText()));
        return id;
    }

    private static List<String> events(CallbackReceiver hook, String jobId) {
        return hook.received().stream()
                .filter(r -> r.body().path("data").path("jobId").asText().equals(jobId))
                .map(r -> r.body().path("type").asText())
                .toList();
    }

    @Test
    void deploys_of_a_real_repository_are_listed_the_newest_serves_and_each_is_announced() throws Exception {
        ApiHttp http = startBoth();
        TestRepos.Repo repo = TestRepos.withFiles(
                tmp.resolve("notes"), Map.of("index.md", "# Home\n\nSee [[one]].\n", "one.md", "# One\n\nHello.\n"));
        try (CallbackReceiver hook = CallbackReceiver.verifying(HOOK_SECRET)) {
            HttpResponse<String> created = http.post(
                    "/api/projects",
                    Map.of(
                            "id",
                            "notes",
                            "repoUrl",
                            repo.fileUrl(),
                            "webhooks",
                            List.of(Map.of("url", hook.url(), "secret", HOOK_SECRET))));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            String first = deploy(http, "{}");
            repo.write("two.md", "# Two\n\nMore.\n").git("add", "-A");
            repo.git("commit", "-q", "-m", "two");
            String head = repo.git("rev-parse", "HEAD").trim();
            String second = deploy(http, "{}");
            String broken = deploy(http, "{\"branch\":\"no-such-branch\"}");

            assertThat(http.job(first).path("status").asText()).isEqualTo("completed");
            assertThat(http.job(second).path("status").asText()).isEqualTo("completed");
            assertThat(http.job(broken).path("status").asText()).isEqualTo("failed");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> events(hook, first).size() == 2
                            && events(hook, second).size() == 2
                            && events(hook, broken).contains("deployment.failed"));
            assertThat(events(hook, first)).containsExactlyInAnyOrder("deployment.started", "deployment.completed");
            assertThat(events(hook, second)).containsExactlyInAnyOrder("deployment.started", "deployment.completed");
            assertThat(hook.received()).allSatisfy(r -> {
                assertThat(r.signatureValid()).contains(true);
                assertThat(r.rawBody())
                        .doesNotContain(cluster.workerSecret())
                        .doesNotContain(HOOK_SECRET)
                        .doesNotContain("gitToken");
            });

            JsonNode active = ApiHttp.json(http.get("/api/projects/notes/deploys/active"));
            assertThat(active.path("jobId").asText()).isEqualTo(second);
            assertThat(active.path("location").asText()).isEqualTo("projects/notes/" + second);
            assertThat(ApiHttp.json(http.get("/api/projects/notes"))
                            .path("activeDeploy")
                            .path("jobId")
                            .asText())
                    .isEqualTo(second);
            JsonNode deploys =
                    ApiHttp.json(http.get("/api/projects/notes/deploys")).path("deploys");
            assertThat(deploys.findValuesAsText("jobId")).containsExactly(broken, second, first);
            assertThat(deploys.get(1).path("active").asBoolean()).isTrue();
            assertThat(deploys.get(2).path("active").asBoolean()).isFalse();
            assertThat(deploys.get(1).path("duration").asLong()).isPositive();
            assertThat(deploys.get(1).path("startedAt").asText()).isNotEmpty();
            assertThat(deploys.get(1).path("commit").asText()).isEqualTo(head);
            assertThat(hook.received().stream()
                            .filter(r -> r.body().path("type").asText().equals("deployment.completed"))
                            .map(r -> r.body().path("data").path("commit").asText()))
                    .contains(head);
            assertThat(deploys.get(0).path("error").asText()).isNotEmpty();
            assertThat(deploys.get(0).path("branch").asText()).isEqualTo("no-such-branch");
        }
    }
}
