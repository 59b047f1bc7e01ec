package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.testkit.CallbackReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project's deploys as records, its active revision, and the deployment webhooks its subscribers get: signed with
 * their own secret, retried, never carrying the Git token. The Worker's side is a {@link FakeWorker} and signed
 * callbacks as the Worker sends them; receivers are real loopback servers (allowed by ALLOW_PRIVATE_NETWORKS).
 */
class DeployWebhooksTest {

    static final String TOKEN = "ghp_deploy-token-never-sent";
    static final String HOOK_SECRET = "whsec_c3Vic2NyaWJlci1zZWNyZXQtb2YtdGhlLXByb2plY3Q=";

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(
                dir,
                Map.of(
                        "REPO_WORKER_API_URL",
                        worker.url(),
                        "ALLOW_PRIVATE_NETWORKS",
                        "true",
                        "ARTIFACTS_DIR",
                        dir.resolve("store").toString()));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    static String project(String id, String... hookUrls) {
        StringBuilder hooks = new StringBuilder();
        for (String url : hookUrls) {
            hooks.append(hooks.isEmpty() ? "" : ",")
                    .append("{\"url\":\"")
                    .append(url)
                    .append("\",\"secret\":\"")
                    .append(HOOK_SECRET)
                    .append("\"}");
        }
        return "{\"id\":\"" + id + "\",\"repoUrl\":\"https://git.example.test/acme/notes\",\"gitToken\":\"" + TOKEN
                + "\",\"webhooks\":[" + hooks + "]}";
    }

    static String deploy(TestApi api, String projectId) {
        TestApi.Response answer = api.post("/api/projects/" + projectId + "/deploy", "{\"branch\":\"main\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        // the next deploy is requested in a later millisecond, so "newest first" has one answer
        long at = System.currentTimeMillis();
        await().pollInterval(Duration.ofMillis(1)).until(() -> System.currentTimeMillis() > at);
        return answer.json().get("id").asText();
    }

    static String completed(String jobId, String projectId, boolean active) {
        return "{\"jobId\":\"" + jobId
                + "\",\"status\":\"completed\",\"duration\":1500,\"processedAt\":\"2026-12-05T10:00:00Z\","
                + "\"result\":{\"steps\":{\"publish\":{\"projectId\":\"" + projectId + "\",\"jobId\":\"" + jobId + "\","
                + "\"location\":\"projects/" + projectId + "/" + jobId + "\",\"active\":" + active
                + ",\"activeJobId\":\"" + jobId + "\","
                + "\"requestedAt\":\"2026-12-05T09:59:00Z\",\"store\":\"local\",\"stats\":{\"pages\":3,\"files\":5,\"bytes\":1234}}}}}";
    }

    static List<CallbackReceiver.Received> ofType(CallbackReceiver receiver, String jobId, String type) {
        return receiver.received().stream()
                .filter(r -> r.body().path("type").asText().equals(type)
                        && r.body().path("data").path("jobId").asText().equals(jobId))
                .toList();
    }

    static JsonNode onlyDeploy(TestApi api, String projectId) {
        JsonNode deploys =
                api.get("/api/projects/" + projectId + "/deploys").json().get("deploys");
        assertThat(deploys).hasSize(1);
        return deploys.get(0);
    }

    @Test
    void a_deploy_is_announced_started_then_completed_signed_with_the_subscribers_secret_and_without_the_token() {
        try (CallbackReceiver hook = CallbackReceiver.verifying(HOOK_SECRET)) {
            assertThat(api.post("/api/projects", project("announced", hook.url()))
                            .status())
                    .isEqualTo(201);

            String id = deploy(api, "announced");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ofType(hook, id, "deployment.started").size() == 1);
            assertThat(api.signedCallback(completed(id, "announced", true)).status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ofType(hook, id, "deployment.completed").size() == 1);

            assertThat(hook.received()).allSatisfy(r -> {
                assertThat(r.signatureValid()).contains(true);
                assertThat(r.rawBody())
                        .doesNotContain(TOKEN)
                        .doesNotContain("gitToken")
                        .doesNotContain(HOOK_SECRET);
            });
            JsonNode started = ofType(hook, id, "deployment.started").get(0).body();
            assertThat(started.path("data").path("projectId").asText()).isEqualTo("announced");
            assertThat(started.path("data").path("branch").asText()).isEqualTo("main");
            assertThat(started.path("data").path("triggeredBy").asText()).isEqualTo("api");
            assertThat(started.path("timestamp").asText()).isNotEmpty();
            JsonNode done =
                    ofType(hook, id, "deployment.completed").get(0).body().path("data");
            assertThat(done.path("status").asText()).isEqualTo("success");
            assertThat(done.path("duration").asLong()).isEqualTo(1500);
            assertThat(done.path("stats").path("pages").asLong()).isEqualTo(3);
            assertThat(done.path("stats").path("bytes").asLong()).isEqualTo(1234);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> onlyDeploy(api, "announced")
                            .path("webhooks")
                            .findValuesAsText("state")
                            .equals(List.of("delivered", "delivered")));
            JsonNode record = onlyDeploy(api, "announced");
            assertThat(record.path("jobId").asText()).isEqualTo(id);
            assertThat(record.path("status").asText()).isEqualTo("completed");
            assertThat(record.path("triggeredBy").asText()).isEqualTo("api");
            assertThat(record.path("startedAt").asText()).isNotEmpty();
            assertThat(record.path("duration").asLong()).isEqualTo(1500);
            assertThat(record.path("stats").path("files").asLong()).isEqualTo(5);
            assertThat(record.path("stats").path("buildTimeMs").asLong()).isEqualTo(1500);
            assertThat(record.path("active").asBoolean()).isTrue();
            assertThat(record.path("webhooks").findValuesAsText("event"))
                    .containsExactlyInAnyOrder("deployment.started", "deployment.completed");
            assertThat(record.path("webhooks").findValuesAsText("url")).containsOnly(hook.url());
            assertThat(api.get("/api/projects/announced")
                            .json()
                            .path("activeDeploy")
                            .path("jobId")
                            .asText())
                    .isEqualTo(id);
            assertThat(api.get("/api/projects/announced/deploys/active")
                            .json()
                            .path("location")
                            .asText())
                    .isEqualTo("projects/announced/" + id);
        }
    }

    @Test
    void a_failed_deploy_is_announced_with_its_error() {
        try (CallbackReceiver hook = CallbackReceiver.verifying(HOOK_SECRET)) {
            api.post("/api/projects", project("failing", hook.url()));
            String id = deploy(api, "failing");
            await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));

            api.signedCallback(
                    "{\"jobId\":\"" + id + "\",\"status\":\"failed\",\"error\":\"the branch main has no notes\"}");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ofType(hook, id, "deployment.failed").size() == 1);
            JsonNode data = ofType(hook, id, "deployment.failed").get(0).body().path("data");
            assertThat(data.path("error").asText()).isEqualTo("the branch main has no notes");
            assertThat(data.path("failedAt").asText()).isNotEmpty();
            JsonNode record = onlyDeploy(api, "failing");
            assertThat(record.path("status").asText()).isEqualTo("failed");
            assertThat(record.path("error").asText()).isEqualTo("the branch main has no notes");
            assertThat(record.path("active").asBoolean()).isFalse();
            assertThat(api.get("/api/projects/failing/deploys/active").status()).isEqualTo(404);
            assertThat(api.get("/api/projects/failing").json().has("activeDeploy"))
                    .as("null fields are left out")
                    .isFalse();
        }
    }

    @Test
    void a_subscriber_that_fails_twice_gets_the_webhook_on_the_third_attempt_and_the_record_counts_them() {
        try (CallbackReceiver hook = CallbackReceiver.verifying(HOOK_SECRET).failFirst(2, 503)) {
            api.post("/api/projects", project("flaky", hook.url()));

            String id = deploy(api, "flaky");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> onlyDeploy(api, "flaky")
                            .path("webhooks")
                            .findValuesAsText("state")
                            .equals(List.of("delivered")));
            JsonNode webhook = onlyDeploy(api, "flaky").path("webhooks").get(0);
            assertThat(webhook.path("event").asText()).isEqualTo("deployment.started");
            assertThat(webhook.path("attempts").asInt()).isEqualTo(3);
            assertThat(webhook.path("deliveredAt").asText()).isNotEmpty();
            assertThat(hook.received())
                    .extracting(CallbackReceiver.Received::answeredWith)
                    .containsExactly(503, 503, 200);
            assertThat(hook.received())
                    .extracting(CallbackReceiver.Received::webhookId)
                    .containsOnly(hook.received().get(0).webhookId());
            assertThat(ofType(hook, id, "deployment.started")).hasSize(3);
        }
    }

    @Test
    void a_subscriber_that_refuses_with_a_4xx_is_not_asked_again() {
        try (CallbackReceiver hook = CallbackReceiver.verifying(HOOK_SECRET).alwaysAnswer(410)) {
            api.post("/api/projects", project("gone", hook.url()));

            deploy(api, "gone");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> onlyDeploy(api, "gone")
                            .path("webhooks")
                            .findValuesAsText("state")
                            .equals(List.of("failed")));
            JsonNode webhook = onlyDeploy(api, "gone").path("webhooks").get(0);
            assertThat(webhook.path("attempts").asInt()).isEqualTo(1);
            assertThat(webhook.path("lastError").asText()).contains("410");
            assertThat(hook.received()).hasSize(1);
        }
    }

    @Test
    void the_stores_active_pointer_names_the_active_deploy_over_the_job_results() throws Exception {
        api.post("/api/projects", project("pointed"));
        String older = deploy(api, "pointed");
        String newer = deploy(api, "pointed");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.status(older).equals("dispatched")
                        && api.status(newer).equals("dispatched"));
        api.signedCallback(completed(older, "pointed", true));
        api.signedCallback(completed(newer, "pointed", true));
        assertThat(api.get("/api/projects/pointed/deploys/active")
                        .json()
                        .path("jobId")
                        .asText())
                .isEqualTo(newer);

        Path pointer = dir.resolve("store/projects/pointed/active.json");
        Files.createDirectories(pointer.getParent());
        Files.writeString(
                pointer,
                "{\"jobId\":\"" + older + "\",\"requestedAt\":\"2026-12-05T09:00:00Z\",\"location\":\"projects/pointed/"
                        + older + "\"}");

        JsonNode active = api.get("/api/projects/pointed/deploys/active").json();
        assertThat(active.path("jobId").asText()).isEqualTo(older);
        assertThat(active.path("requestedAt").asText()).isEqualTo("2026-12-05T09:00:00Z");
        assertThat(active.path("deploy").path("jobId").asText()).isEqualTo(older);
        JsonNode deploys = api.get("/api/projects/pointed/deploys").json().get("deploys");
        assertThat(deploys.findValuesAsText("jobId")).containsExactly(newer, older);
        assertThat(deploys.get(0).path("active").asBoolean()).isFalse();
        assertThat(deploys.get(1).path("active").asBoolean()).isTrue();
    }

    @Test
    void deploys_are_paged_newest_first_and_bad_paging_names_the_field() {
        api.post("/api/projects", project("paged"));
        String first = deploy(api, "paged");
        String second = deploy(api, "paged");
        String third = deploy(api, "paged");

        JsonNode page1 = api.get("/api/projects/paged/deploys?limit=2").json();
        JsonNode page2 = api.get("/api/projects/paged/deploys?limit=2&page=2").json();

        assertThat(page1.get("deploys").findValuesAsText("jobId")).containsExactly(third, second);
        assertThat(page2.get("deploys").findValuesAsText("jobId")).containsExactly(first);
        assertThat(page1.path("pagination").path("total").asLong()).isEqualTo(3);
        assertThat(page1.path("pagination").path("pages").asLong()).isEqualTo(2);
        TestApi.Response tooMany = api.get("/api/projects/paged/deploys?limit=101");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("error").path("field").asText()).isEqualTo("limit");
        assertThat(api.get("/api/projects/paged/deploys?page=zero")
                        .json()
                        .path("error")
                        .path("field")
                        .asText())
                .isEqualTo("page");
        assertThat(api.get("/api/projects/nobody/deploys").status()).isEqualTo(404);
        assertThat(api.get("/api/projects/nobody/deploys/active").status()).isEqualTo(404);
    }

    @Test
    void a_private_subscriber_url_is_refused_on_create_and_patch_naming_the_field(@TempDir Path strictDir) {
        try (TestApi strict = TestApi.start(strictDir, Map.of())) {
            for (String url : List.of(
                    "http://127.0.0.1:9/hook",
                    "http://10.0.0.7/hook",
                    "http://169.254.169.254/latest/meta-data",
                    "http://localhost:9/hook",
                    "http://[::1]/hook")) {
                TestApi.Response refused =
                        strict.post("/api/projects", project("private-hook", "https://hooks.example.test/ok", url));
                assertThat(refused.status()).as(url).isEqualTo(400);
                assertThat(refused.json().path("error").path("field").asText())
                        .as(url)
                        .isEqualTo("webhooks[1].url");
            }
            assertThat(strict.post("/api/projects", project("public-hook", "https://hooks.example.test/ok"))
                            .status())
                    .isEqualTo(201);

            TestApi.Response patched = ProjectRoutesTest.patch(
                    strict,
                    "/api/projects/public-hook",
                    "{\"webhooks\":[{\"url\":\"http://192.168.1.1/hook\",\"secret\":\"s3cret\"}]}");

            assertThat(patched.status()).isEqualTo(400);
            assertThat(patched.json().path("error").path("field").asText()).isEqualTo("webhooks[0].url");
            assertThat(strict.get("/api/projects/public-hook")
                            .json()
                            .path("webhooks")
                            .findValuesAsText("url"))
                    .containsExactly("https://hooks.example.test/ok");
        }
    }

    @Test
    void a_webhook_leased_by_a_replica_that_died_is_sent_once_its_lease_ran_out(@TempDir Path crashDir)
            throws Exception {
        Map<String, String> env = Map.of("REPO_WORKER_API_URL", worker.url(), "ALLOW_PRIVATE_NETWORKS", "true");
        try (CallbackReceiver hook = CallbackReceiver.verifying(HOOK_SECRET).alwaysAnswer(503)) {
            String id;
            try (TestApi before = TestApi.start(crashDir, env)) {
                before.post("/api/projects", project("resumed", hook.url()));
                id = deploy(before, "resumed");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !hook.received().isEmpty());
            }
            int attemptsBefore;
            try (java.sql.Connection db = java.sql.DriverManager.getConnection(TestDatabases.sqliteUrl(crashDir));
                    java.sql.PreparedStatement lease =
                            db.prepareStatement("UPDATE deploy_webhooks SET lease_owner = 'dead-replica', "
                                    + "lease_until = ?, due_at = ? WHERE job_id = ?")) {
                long now = System.currentTimeMillis();
                lease.setLong(1, now - 1);
                lease.setLong(2, now);
                lease.setString(3, id);
                assertThat(lease.executeUpdate()).isEqualTo(1);
                try (java.sql.ResultSet rs =
                        db.createStatement().executeQuery("SELECT attempts FROM deploy_webhooks")) {
                    attemptsBefore = rs.getInt(1);
                }
            }
            hook.alwaysAnswer(200);

            try (TestApi after = TestApi.start(crashDir, env)) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> onlyDeploy(after, "resumed")
                                .path("webhooks")
                                .findValuesAsText("state")
                                .equals(List.of("delivered")));
                assertThat(onlyDeploy(after, "resumed")
                                .path("webhooks")
                                .get(0)
                                .path("attempts")
                                .asInt())
                        .isEqualTo(attemptsBefore + 1);
            }
            assertThat(hook.received())
                    .extracting(CallbackReceiver.Received::answeredWith)
                    .endsWith(200)
                    .containsOnlyOnce(200);
        }
    }
}
