package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.testkit.GitHubWebhookSender;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** GitHub deliveries on PostgreSQL, shared by API replicas: one delivery sent to two replicas deploys once. */
class PostgresGitHubWebhookTest {

    @RegisterExtension
    static final SharedPostgres postgres = new SharedPostgres();

    @TempDir
    Path dir;

    @Test
    void one_delivery_taken_by_two_replicas_at_once_makes_one_deploy_and_one_duplicate_answer() throws Exception {
        Map<String, String> env = postgres.replicaEnv();
        env.put("GITHUB_WEBHOOK_SECRET", GitHubWebhookTest.HOOK_SECRET);
        try (FakeWorker worker = new FakeWorker()) {
            env.put("REPO_WORKER_API_URL", worker.url());
            try (TestApi first = TestApi.start(dir.resolve("a"), env);
                    TestApi second = TestApi.start(dir.resolve("b"), env)) {
                assertThat(first.post(
                                        "/api/projects",
                                        "{\"id\":\"replicated\",\"repoUrl\":\"https://git.example.test/acme/replicated\"}")
                                .status())
                        .isEqualTo(201);
                ObjectNode push = GitHubWebhookSender.push(
                        GitHubWebhookTest.cloneUrl("replicated"), "refs/heads/main", GitHubWebhookTest.COMMIT);
                String delivery = UUID.randomUUID().toString();

                CompletableFuture<GitHubWebhookSender.Sent> toFirst = CompletableFuture.supplyAsync(() ->
                        new GitHubWebhookSender(first.url(GitHubWebhookRoutes.PATH), GitHubWebhookTest.HOOK_SECRET)
                                .send("push", delivery, push));
                CompletableFuture<GitHubWebhookSender.Sent> toSecond = CompletableFuture.supplyAsync(() ->
                        new GitHubWebhookSender(second.url(GitHubWebhookRoutes.PATH), GitHubWebhookTest.HOOK_SECRET)
                                .send("push", delivery, push));
                List<GitHubWebhookSender.Sent> answers = List.of(toFirst.get(), toSecond.get());

                assertThat(answers).extracting(GitHubWebhookSender.Sent::status).containsExactlyInAnyOrder(202, 200);
                assertThat(first.get("/api/cloudrun/jobs?projectId=replicated")
                                .json()
                                .get("jobs"))
                        .hasSize(1);
                GitHubWebhookSender.Sent later = new GitHubWebhookSender(
                                second.url(GitHubWebhookRoutes.PATH), GitHubWebhookTest.HOOK_SECRET)
                        .send("push", delivery, push);
                assertThat(later.status()).isEqualTo(200);
                assertThat(GitHubWebhookTest.json(later).get("duplicate").asBoolean())
                        .isTrue();
            }
        }
    }
}
