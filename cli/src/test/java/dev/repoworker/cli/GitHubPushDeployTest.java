package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.GitHubWebhookSender;
import dev.repoworker.testkit.TestRepos;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push to publish, end to end: a signed GitHub push delivery reaches the API, which deploys the project through a
 * real Worker that clones the pushed commit from a Git server over HTTP.
 */
class GitHubPushDeployTest {

    private static final String HOOK_SECRET = "push-to-publish-secret";

    @TempDir
    Path tmp;

    private LocalCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void a_push_deploys_the_pushed_commit_even_when_the_branch_has_moved_on_since() throws Exception {
        TestRepos.Repo repo = TestRepos.withFiles(tmp.resolve("notes"), Map.of("index.md", "# Home\n\nFirst words.\n"));
        String pushed = repo.head();
        repo.write("index.md", "# Home\n\nLater words.\n").commit("later");
        repo.bareCopy(tmp.resolve("served"), "notes.git");
        cluster = new LocalCluster(tmp);
        GitHttpServer git = cluster.add(GitHttpServer.start(tmp.resolve("served")));
        String artifacts = tmp.resolve("artifacts").toString();
        ApiHttp http = cluster.api(
                "api",
                cluster.worker("worker", Map.of("ARTIFACTS_DIR", artifacts)),
                Map.of("ARTIFACTS_DIR", artifacts, "GITHUB_WEBHOOK_SECRET", HOOK_SECRET));
        HttpResponse<String> created = http.post(
                "/api/projects", Map.of("id", "notes-site", "repoUrl", git.url("notes.git"), "branch", "main"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        GitHubWebhookSender.Sent sent = new GitHubWebhookSender(http.base() + "/api/github/webhook", HOOK_SECRET)
                .send("push", GitHubWebhookSender.push(git.url("notes.git"), "refs/heads/main", pushed));

        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String jobId = dev.repoworker.protocol.Json.mapper()
                .readTree(sent.body())
                .path("jobId")
                .asText();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> http.job(jobId).path("status").asText().matches("completed|failed"));
        JsonNode job = http.job(jobId);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.path("input").path("triggeredBy").asText())
                .as(job.toString())
                .isEqualTo("webhook");
        assertThat(job.path("result").toString()).contains(pushed);
        JsonNode publish = job.path("result").path("steps").path("publish");
        assertThat(publish.path("projectId").asText()).as(job.toString()).isEqualTo("notes-site");
        Path deployed = tmp.resolve("artifacts").resolve("projects/notes-site").resolve(jobId);
        StringBuilder published = new StringBuilder();
        try (var files = Files.walk(deployed)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                published.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertThat(published.toString()).contains("First words").doesNotContain("Later words");
    }
}
