package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.TaskDataRules;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Projects over HTTP: create, read, change, deploy; secrets sealed and never shown. */
class ProjectRoutesTest {

    static final String TOKEN = "ghp_project-token-never-shown";
    static final String HOOK_SECRET = "whsec_hook-secret-never-shown";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;

    @RegisterExtension
    static final CapturedLogs logs = new CapturedLogs();

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url()));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    static String fullProject(String id) {
        return "{\"id\":\"" + id + "\",\"repoUrl\":\"https://git.example.test/acme/notes\",\"branch\":\"release\","
                + "\"notePrefix\":\"/notes\",\"domain\":\"https://notes.example.test\",\"repositoryFolder\":\"docs\","
                + "\"ignoreFiles\":[\"drafts/**\"],\"gitToken\":\"" + TOKEN + "\","
                + "\"webhooks\":[{\"url\":\"https://hooks.example.test/deploys\",\"secret\":\"" + HOOK_SECRET + "\"}]}";
    }

    static TestApi.Response patch(String path, String body) {
        return patch(api, path, body);
    }

    static TestApi.Response patch(TestApi api, String path, String body) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(api.url(path)))
                                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                                    .header("Content-Type", "application/json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return new TestApi.Response(
                    r.statusCode(),
                    r.body(),
                    r.headers().firstValue("Content-Type").orElse(""),
                    r.headers());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(TOKEN).doesNotContain(HOOK_SECRET);
    }

    @Test
    void a_created_project_answers_with_its_settings_and_shows_secrets_only_as_set() {
        TestApi.Response created = api.post("/api/projects", fullProject("notes-site"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/projects/notes-site");
        JsonNode got = api.get("/api/projects/notes-site").json();
        assertThat(got.get("repoUrl").asText()).isEqualTo("https://git.example.test/acme/notes");
        assertThat(got.get("branch").asText()).isEqualTo("release");
        assertThat(got.get("mediaPrefix").asText()).isEqualTo("/_repo/medias");
        assertThat(got.get("ignoreFiles").get(0).asText()).isEqualTo("drafts/**");
        assertThat(got.get("gitToken").asText()).isEqualTo("[set]");
        assertThat(got.get("webhooks").get(0).get("url").asText()).isEqualTo("https://hooks.example.test/deploys");
        assertThat(got.get("webhooks").get(0).get("secret").asText()).isEqualTo("[set]");
        assertNoSecret(created.body());
        assertNoSecret(got.toString());
        assertNoSecret(api.get("/api/projects").body());
    }

    @Test
    void a_project_without_an_id_gets_one_and_the_defaults() {
        TestApi.Response created = api.post("/api/projects", "{\"repoUrl\":\"https://git.example.test/acme/other\"}");

        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.get("id").asText()).isNotBlank();
        assertThat(body.get("branch").asText()).isEqualTo("main");
        assertThat(body.get("mediaPrefix").asText()).isEqualTo("/_repo/medias");
        assertThat(body.path("gitToken").isNull() || body.path("gitToken").isMissingNode())
                .isTrue();
        assertThat(api.get("/api/projects").json().get("projects").findValuesAsText("id"))
                .contains(body.get("id").asText());
    }

    @Test
    void a_patch_changes_only_the_fields_it_names_and_keeps_the_secrets() {
        api.post("/api/projects", fullProject("patched"));

        TestApi.Response patched = patch(
                "/api/projects/patched",
                "{\"branch\":\"main\",\"webhooks\":[{\"url\":\"https://hooks.example.test/deploys\"}]}");

        assertThat(patched.status()).isEqualTo(200);
        JsonNode got = api.get("/api/projects/patched").json();
        assertThat(got.get("branch").asText()).isEqualTo("main");
        assertThat(got.get("repositoryFolder").asText()).isEqualTo("docs");
        assertThat(got.get("gitToken").asText()).isEqualTo("[set]");
        assertThat(got.get("webhooks").get(0).get("secret").asText()).isEqualTo("[set]");
        assertNoSecret(patched.body());
    }

    @Test
    void bad_input_is_refused_naming_the_field() {
        assertThat(error(api.post(
                        "/api/projects", "{\"id\":\"Not A Slug\",\"repoUrl\":\"https://git.example.test/a/b\"}")))
                .isEqualTo("id");
        assertThat(error(api.post("/api/projects", "{\"branch\":\"main\"}"))).isEqualTo("repoUrl");
        assertThat(error(api.post("/api/projects", "{\"repoUrl\":\"https://user:pw@git.example.test/a/b\"}")))
                .isEqualTo("repoUrl");
        assertThat(error(api.post(
                        "/api/projects", "{\"repoUrl\":\"https://git.example.test/a/b\",\"branch\":\"../x\"}")))
                .isEqualTo("branch");
        assertThat(error(api.post(
                        "/api/projects", "{\"repoUrl\":\"https://git.example.test/a/b\",\"ignoreFiles\":\"*\"}")))
                .isEqualTo("ignoreFiles");
        assertThat(
                        error(
                                api.post(
                                        "/api/projects",
                                        "{\"repoUrl\":\"https://git.example.test/a/b\",\"webhooks\":[{\"url\":\"https://h.example.test\"}]}")))
                .isEqualTo("webhooks[0].secret");
        assertThat(
                        error(
                                api.post(
                                        "/api/projects",
                                        "{\"repoUrl\":\"https://git.example.test/a/b\",\"webhooks\":[{\"url\":\"ftp://h\",\"secret\":\"s\"}]}")))
                .isEqualTo("webhooks[0].url");
        assertThat(error(
                        api.post("/api/projects", "{\"repoUrl\":\"https://git.example.test/a/b\",\"colour\":\"red\"}")))
                .isEqualTo("colour");
        api.post("/api/projects", fullProject("fixed-id"));
        assertThat(error(patch("/api/projects/fixed-id", "{\"id\":\"other-id\"}")))
                .isEqualTo("id");
        assertThat(api.post("/api/projects", fullProject("fixed-id")).status()).isEqualTo(409);
    }

    static String error(TestApi.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        return response.json().get("error").get("field").asText();
    }

    @Test
    void an_unknown_project_is_a_404_for_reading_changing_and_deploying() {
        assertThat(api.get("/api/projects/missing").status()).isEqualTo(404);
        assertThat(patch("/api/projects/missing", "{\"branch\":\"main\"}").status())
                .isEqualTo(404);
        TestApi.Response deploy = api.post("/api/projects/missing/deploy", "{}");
        assertThat(deploy.status()).isEqualTo(404);
        assertThat(deploy.json().get("error").get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void a_deploy_makes_a_deploy_repo_job_of_the_projects_settings_and_the_worker_gets_the_token() {
        api.post("/api/projects", fullProject("deployed"));

        TestApi.Response answer = api.post("/api/projects/deployed/deploy", "{\"commit\":\"" + COMMIT + "\"}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        String id = answer.json().get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        JsonNode job = api.job(id);
        assertThat(job.get("task").asText()).isEqualTo("deploy-repo");
        assertThat(job.get("projectId").asText()).isEqualTo("deployed");
        JsonNode data = worker.processRequests().stream()
                .filter(r -> r.body().get("jobId").asText().equals(id))
                .findFirst()
                .orElseThrow()
                .body()
                .get("data");
        assertThat(data.get("repoUrl").asText()).isEqualTo("https://git.example.test/acme/notes");
        assertThat(data.get("branch").asText()).isEqualTo("release");
        assertThat(data.get("commit").asText()).isEqualTo(COMMIT);
        assertThat(data.get("notePrefix").asText()).isEqualTo("/notes");
        assertThat(data.get("mediaPrefix").asText()).isEqualTo("/_repo/medias");
        assertThat(data.get("domain").asText()).isEqualTo("https://notes.example.test");
        assertThat(data.get("repositoryFolder").asText()).isEqualTo("docs");
        assertThat(data.get("ignoreFiles").get(0).asText()).isEqualTo("drafts/**");
        assertThat(data.get("projectId").asText()).isEqualTo("deployed");
        assertThat(data.get("triggeredBy").asText()).isEqualTo("api");
        assertThat(data.get("gitToken").asText()).isEqualTo(TOKEN);
        assertThat(data.has("webhookSecrets")).isFalse();
        assertNoSecret(answer.body());
        assertNoSecret(job.toString());
        assertThat(api.get("/api/cloudrun/jobs?projectId=deployed").json().findValuesAsText("id"))
                .contains(id);
        assertThat(logs.lines()).allSatisfy(line -> assertNoSecret(line.getFormattedMessage()));
    }

    @Test
    void a_deploy_takes_the_requests_branch_and_defaults_to_the_branch_head() {
        api.post("/api/projects", fullProject("branchy"));

        TestApi.Response answer = api.post("/api/projects/branchy/deploy", "{\"branch\":\"feature/x\"}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        String id = answer.json().get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        JsonNode data = worker.processRequests().stream()
                .filter(r -> r.body().get("jobId").asText().equals(id))
                .findFirst()
                .orElseThrow()
                .body()
                .get("data");
        assertThat(data.get("branch").asText()).isEqualTo("feature/x");
        assertThat(data.has("commit")).isFalse();
        assertThat(error(api.post("/api/projects/branchy/deploy", "{\"commit\":\"abc\"}")))
                .isEqualTo("commit");
    }

    @Test
    void the_project_routes_need_the_dashboard_token_like_the_job_api(@TempDir Path guarded) {
        try (TestApi withToken = TestApi.start(guarded, Map.of("DASHBOARD_TOKEN", "dashboard-token-for-projects"))) {
            assertThat(withToken.get("/api/projects").status()).isEqualTo(401);
            assertThat(withToken.post("/api/projects", fullProject("guarded")).status())
                    .isEqualTo(401);
            assertThat(withToken.post("/api/projects/guarded/deploy", "{}").status())
                    .isEqualTo(401);
            assertThat(withToken
                            .get("/api/projects", Map.of("Authorization", "Bearer dashboard-token-for-projects"))
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void the_workers_task_data_rules_apply_to_a_projects_settings_and_name_the_project_field(@TempDir Path withRules) {
        TaskDataRules atMostTwoPatterns = (task, data) -> {
            if (data.get("ignoreFiles") instanceof List<?> patterns && patterns.size() > 2) {
                throw new TaskDataRules.Violation("data.ignoreFiles", "data.ignoreFiles takes at most 2 patterns");
            }
        };
        try (TestApi checked = TestApi.start(ApiConfig.fromEnv(TestApi.env(withRules, Map.of())), atMostTwoPatterns)) {
            TestApi.Response refused = checked.post(
                    "/api/projects",
                    "{\"repoUrl\":\"https://git.example.test/a/b\",\"ignoreFiles\":[\"a\",\"b\",\"c\"]}");

            assertThat(error(refused)).isEqualTo("ignoreFiles");
            assertThat(refused.json().get("error").get("message").asText())
                    .isEqualTo("ignoreFiles takes at most 2 patterns");
            assertThat(checked.post(
                                    "/api/projects",
                                    "{\"id\":\"ok\",\"repoUrl\":\"https://git.example.test/a/b\",\"ignoreFiles\":[\"a\"]}")
                            .status())
                    .isEqualTo(201);
            assertThat(error(patch(checked, "/api/projects/ok", "{\"ignoreFiles\":[\"a\",\"b\",\"c\"]}")))
                    .isEqualTo("ignoreFiles");
        }
    }
}
