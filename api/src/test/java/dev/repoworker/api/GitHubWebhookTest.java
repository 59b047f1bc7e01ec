package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.GitHubWebhookSender;
import dev.repoworker.testkit.GitHubWebhookSender.Sent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code POST /api/github/webhook} with deliveries signed and shaped as GitHub sends them. */
class GitHubWebhookTest {

    static final String HOOK_SECRET = "github-webhook-secret";
    static final String COMMIT = "5d2f6b0c9e8a7d6c5b4a39281706f5e4d3c2b1a0";

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;
    static GitHubWebhookSender github;

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url(), "GITHUB_WEBHOOK_SECRET", HOOK_SECRET));
        github = new GitHubWebhookSender(api.url(GitHubWebhookRoutes.PATH), HOOK_SECRET);
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    /** A project deploying {@code branch} of {@code https://git.example.test/acme/<repo>}. */
    static String project(String repo, String branch) {
        String id = repo + "-site";
        TestApi.Response created = api.post(
                "/api/projects",
                "{\"id\":\"" + id + "\",\"repoUrl\":\"https://git.example.test/acme/" + repo + "\",\"branch\":\""
                        + branch + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return id;
    }

    static String cloneUrl(String repo) {
        return "https://git.example.test/acme/" + repo + ".git";
    }

    static JsonNode json(Sent sent) {
        return TestApi.Response.parse(sent.body());
    }

    @Test
    void a_signed_push_to_the_projects_branch_deploys_the_pushed_commit_as_a_webhook_deploy() {
        String projectId = project("pushed", "main");

        Sent sent = github.send("push", GitHubWebhookSender.push(cloneUrl("pushed"), "refs/heads/main", COMMIT));

        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String jobId = json(sent).get("jobId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(jobId).equals("dispatched"));
        JsonNode job = api.job(jobId);
        assertThat(job.get("task").asText()).isEqualTo("deploy-repo");
        assertThat(job.get("projectId").asText()).isEqualTo(projectId);
        JsonNode data = worker.processRequests().stream()
                .filter(r -> r.body().get("jobId").asText().equals(jobId))
                .findFirst()
                .orElseThrow()
                .body()
                .get("data");
        assertThat(data.get("commit").asText()).isEqualTo(COMMIT);
        assertThat(data.get("branch").asText()).isEqualTo("main");
        assertThat(data.get("triggeredBy").asText()).isEqualTo("webhook");
    }

    @Test
    void a_project_url_matches_the_push_whatever_its_case_trailing_slash_or_git_suffix() {
        api.post("/api/projects", "{\"id\":\"spelled\",\"repoUrl\":\"https://Git.Example.test/Acme/Spelled.git/\"}");

        Sent sent = github.send("push", GitHubWebhookSender.push(cloneUrl("spelled"), "refs/heads/main", COMMIT));

        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        assertThat(api.job(json(sent).get("jobId").asText()).get("projectId").asText())
                .isEqualTo("spelled");
    }

    @Test
    void a_wrong_or_missing_signature_is_a_401_and_deploys_nothing() {
        project("guarded", "main");
        byte[] body = Json.writeBytes(GitHubWebhookSender.push(cloneUrl("guarded"), "refs/heads/main", COMMIT));

        Sent wrongSecret = github.send(
                "push", UUID.randomUUID().toString(), body, GitHubWebhookSender.sign("not-the-secret", body));
        Sent missing = github.send("push", UUID.randomUUID().toString(), body, null);
        byte[] tampered = Arrays.copyOf(body, body.length);
        tampered[body.length - 2] = ' ';
        Sent otherBody = github.send(
                "push", UUID.randomUUID().toString(), tampered, GitHubWebhookSender.sign(HOOK_SECRET, body));

        for (Sent refused : new Sent[] {wrongSecret, missing, otherBody}) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(401);
            assertThat(json(refused).get("error").get("field").asText()).isEqualTo("X-Hub-Signature-256");
        }
        assertThat(json(missing).get("error").get("message").asText()).contains("missing");
        assertThat(api.get("/api/cloudrun/jobs?projectId=guarded-site").json().get("jobs"))
                .isEmpty();
    }

    @Test
    void a_redelivery_is_answered_as_a_duplicate_and_makes_no_second_job() {
        project("redelivered", "main");
        ObjectNode push = GitHubWebhookSender.push(cloneUrl("redelivered"), "refs/heads/main", COMMIT);
        String delivery = UUID.randomUUID().toString();

        Sent first = github.send("push", delivery, push);
        Sent again = github.send("push", delivery, push);

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(json(again).get("duplicate").asBoolean()).isTrue();
        assertThat(json(again).get("outcome").asText()).isEqualTo("deployed");
        assertThat(json(again).get("jobIds").get(0).asText())
                .isEqualTo(json(first).get("jobId").asText());
        assertThat(api.get("/api/cloudrun/jobs?projectId=redelivered-site")
                        .json()
                        .get("jobs"))
                .hasSize(1);
    }

    @Test
    void a_ping_is_answered() {
        Sent sent = github.send("ping", GitHubWebhookSender.fixture("ping"));

        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        assertThat(json(sent).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void pushes_to_other_branches_tags_and_branch_deletions_are_ignored_with_the_reason() {
        project("ignoring", "main");

        Sent otherBranch =
                github.send("push", GitHubWebhookSender.push(cloneUrl("ignoring"), "refs/heads/feature", COMMIT));
        Sent tag = github.send("push", GitHubWebhookSender.push(cloneUrl("ignoring"), "refs/tags/v1.0", COMMIT));
        Sent deletion = github.send("push", GitHubWebhookSender.deletion(cloneUrl("ignoring"), "refs/heads/main"));

        for (Sent ignored : new Sent[] {otherBranch, tag, deletion}) {
            assertThat(ignored.status()).as(ignored.body()).isEqualTo(200);
            assertThat(json(ignored).get("ignored").asBoolean()).isTrue();
        }
        assertThat(json(otherBranch).get("reason").asText())
                .contains("branch feature")
                .contains("main");
        assertThat(json(tag).get("reason").asText()).contains("tag");
        assertThat(json(deletion).get("reason").asText()).contains("deleted");
        assertThat(api.get("/api/cloudrun/jobs?projectId=ignoring-site").json().get("jobs"))
                .isEmpty();
    }

    @Test
    void a_push_of_a_repository_no_project_deploys_is_a_404_and_is_recorded() {
        ObjectNode push = GitHubWebhookSender.push(cloneUrl("nobodys"), "refs/heads/main", COMMIT);
        String delivery = UUID.randomUUID().toString();

        Sent sent = github.send("push", delivery, push);

        assertThat(sent.status()).as(sent.body()).isEqualTo(404);
        assertThat(json(sent).get("error").get("message").asText()).contains("acme/notes");
        Sent again = github.send("push", delivery, push);
        assertThat(json(again).get("duplicate").asBoolean()).isTrue();
        assertThat(json(again).get("outcome").asText()).isEqualTo("unknown_repository");
    }

    @Test
    void a_body_over_5_mb_is_a_413() {
        byte[] body = jsonOfSize(GitHubWebhookRoutes.MAX_BODY_BYTES + 1024);

        Sent sent =
                github.send("push", UUID.randomUUID().toString(), body, GitHubWebhookSender.sign(HOOK_SECRET, body));

        assertThat(sent.status()).isEqualTo(413);
        assertThat(json(sent).get("error").get("code").asText()).isEqualTo("payload_too_large");
    }

    @Test
    void a_body_over_5_mb_sent_whole_without_waiting_for_a_go_ahead_gets_the_413_answer_not_a_reset() {
        byte[] body = jsonOfSize(GitHubWebhookRoutes.MAX_BODY_BYTES + 3 * 1024 * 1024);

        Sent sent = github.withoutExpectContinue()
                .send("push", UUID.randomUUID().toString(), body, GitHubWebhookSender.sign(HOOK_SECRET, body));

        assertThat(sent.status()).isEqualTo(413);
        assertThat(json(sent).get("error").get("code").asText()).isEqualTo("payload_too_large");
        assertThat(json(sent).get("error").get("field").asText()).isEqualTo("body");
    }

    /** A JSON object of {@code size} bytes: braces around spaces. */
    static byte[] jsonOfSize(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        return body;
    }

    @Test
    void a_push_that_is_not_a_push_payload_is_a_400_naming_the_field() {
        ObjectNode push = GitHubWebhookSender.push(cloneUrl("broken"), "refs/heads/main", COMMIT);
        ((ObjectNode) push.get("head_commit")).put("id", "abc");

        Sent sent = github.send("push", push);

        assertThat(sent.status()).as(sent.body()).isEqualTo(400);
        assertThat(json(sent).get("error").get("field").asText()).isEqualTo("head_commit.id");
    }

    @Test
    void without_a_secret_webhooks_are_refused_in_production_and_taken_unverified_in_development() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger routes = (Logger) LoggerFactory.getLogger(GitHubWebhookRoutes.class);
        routes.addAppender(logs);
        try (TestApi production = TestApi.start(dir.resolve("production"), Map.of());
                TestApi development = TestApi.start(dir.resolve("development"), Map.of("NODE_ENV", "development"))) {
            ObjectNode ping = GitHubWebhookSender.fixture("ping");

            Sent refused = new GitHubWebhookSender(production.url(GitHubWebhookRoutes.PATH), null).send("ping", ping);
            Sent taken = new GitHubWebhookSender(development.url(GitHubWebhookRoutes.PATH), null).send("ping", ping);

            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(json(refused).get("error").get("message").asText()).contains("GITHUB_WEBHOOK_SECRET");
            assertThat(taken.status()).as(taken.body()).isEqualTo(200);
            assertThat(logs.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("GitHub delivery " + taken.deliveryId()
                            + " taken UNVERIFIED: no GITHUB_WEBHOOK_SECRET (development)");
        } finally {
            routes.detachAppender(logs);
        }
    }
}
