package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutesTest {

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
                        "GIT_HOST_URL",
                        "https://git.example.test",
                        "MAX_BODY_BYTES",
                        "4096",
                        "MAX_CALLBACK_BYTES",
                        "4096"));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    @Test
    void health_and_ready_answer() {
        TestApi.Response health = api.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("healthy");
        assertThat(health.json().has("timestamp")).isTrue();
        assertThat(api.get("/ready").status()).isEqualTo(200);
    }

    @Test
    void submit_clone_repo_maps_it_and_never_returns_or_stores_the_token() {
        TestApi.Response r = api.post(
                "/api/cloudrun/jobs",
                "{\"task\":\"clone-repo\",\"data\":{\"owner\":\"octo\",\"repoName\":\"notes\",\"branch\":\"main\",\"gitToken\":\"s3cr3t-token\"},\"projectId\":\"p1\"}");

        assertThat(r.status()).isEqualTo(202);
        JsonNode job = r.json();
        assertThat(job.get("type").asText()).isEqualTo("clone-repo");
        assertThat(job.get("task").asText()).isEqualTo("acquire-user-repo");
        assertThat(job.get("input").get("repoUrl").asText()).isEqualTo("https://git.example.test/octo/notes");
        assertThat(job.get("input").get("depth").asInt()).isEqualTo(1);
        assertThat(job.get("projectId").asText()).isEqualTo("p1");
        assertThat(r.body()).doesNotContain("s3cr3t-token");
        String id = job.get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        TestApi.Response detail = api.get("/api/cloudrun/jobs/" + id);
        assertThat(detail.body()).doesNotContain("s3cr3t-token");
        assertThat(detail.json().get("events").findValuesAsText("type")).contains("created", "dispatched");
        assertThat(api.get("/api/cloudrun/jobs?limit=100").body()).doesNotContain("s3cr3t-token");
        assertThat(api.app.store().jobs().find(id).orElseThrow().input()).doesNotContainKey("gitToken");
        assertThat(worker.processRequests()).anySatisfy(p -> {
            assertThat(p.body().get("jobId").asText()).isEqualTo(id);
            assertThat(p.body().get("data").get("gitToken").asText()).isEqualTo("s3cr3t-token");
        });
    }

    @Test
    void convenience_routes_take_the_data_as_body() {
        TestApi.Response imported = api.post(
                "/api/cloudrun/import-repo", "{\"sourceUrl\":\"https://git.example.test/a/b\",\"branch\":\"dev\"}");
        TestApi.Response deployed = api.post(
                "/api/cloudrun/deploy-repo",
                "{\"owner\":\"a\",\"repoName\":\"b\",\"projectId\":\"p9\",\"commit\":\"" + "abcdef1".repeat(5)
                        + "abcde\",\"ignoreFiles\":[\"drafts/\"]}");
        TestApi.Response cloned = api.post("/api/cloudrun/clone-repo", "{\"owner\":\"a\",\"repoName\":\"b\"}");

        assertThat(imported.status()).isEqualTo(202);
        assertThat(imported.json().get("task").asText()).isEqualTo("process-with-repo");
        assertThat(imported.json().get("input").get("repoUrl").asText()).isEqualTo("https://git.example.test/a/b");
        assertThat(deployed.status()).isEqualTo(202);
        assertThat(deployed.json().get("projectId").asText()).isEqualTo("p9");
        assertThat(deployed.json().get("input").get("mediaPrefix").asText()).isEqualTo("/_repo/medias");
        assertThat(deployed.json().get("task").asText()).isEqualTo("deploy-repo");
        assertThat(deployed.json().get("input").get("commit").asText()).isEqualTo("abcdef1".repeat(5) + "abcde");
        assertThat(cloned.json().get("task").asText()).isEqualTo("acquire-user-repo");
    }

    @Test
    void a_deploy_as_the_original_api_sends_it_with_commit_latest_is_the_branch_head() {
        TestApi.Response r = api.post(
                "/api/cloudrun/jobs",
                "{\"task\":\"deploy-repo\",\"data\":{\"userId\":\"u1\","
                        + "\"projectId\":\"p1\",\"commit\":\"latest\",\"branch\":\"main\",\"notePrefix\":\"\",\"mediaPrefix\":\"/_repo/medias\","
                        + "\"domain\":\"\",\"repoUrl\":\"https://git.example.test/a/b\"}}");

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("task").asText()).isEqualTo("deploy-repo");
        assertThat(r.json().get("input").has("commit")).isFalse();
        assertThat(r.json().get("input").get("depth").asInt()).isEqualTo(1);
        assertThat(r.json().get("input").get("branch").asText()).isEqualTo("main");
    }

    @Test
    void a_worker_task_name_passes_through() {
        TestApi.Response r = api.post("/api/cloudrun/jobs", "{\"task\":\"build-assets\",\"data\":{\"anything\":1}}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("task").asText()).isEqualTo("build-assets");
    }

    @Test
    void a_repeated_idempotency_key_returns_the_existing_job() {
        String key = UUID.randomUUID().toString();
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", key);
        String body = "{\"task\":\"clone-repo\",\"data\":{\"owner\":\"o\",\"repoName\":\"r\"}}";

        TestApi.Response first = api.post("/api/cloudrun/jobs", body, headers);
        TestApi.Response second = api.post("/api/cloudrun/jobs", body, headers);

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("id").asText())
                .isEqualTo(first.json().get("id").asText());
    }

    @ParameterizedTest(name = "{0} {1} -> {3} field {4}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/cloudrun/jobs|{\"data\":{}}|application/json|400|task",
                "/api/cloudrun/jobs|{\"task\":\"nope\",\"data\":{}}|application/json|400|task",
                "/api/cloudrun/jobs|{\"task\":7}|application/json|400|task",
                "/api/cloudrun/jobs|{\"task\":\"clone-repo\",\"data\":[]}|application/json|400|data",
                "/api/cloudrun/jobs|{\"task\":\"clone-repo\",\"data\":{\"repoName\":\"r\"}}|application/json|400|data.owner",
                "/api/cloudrun/jobs|{\"task\":\"clone-repo\",\"data\":{\"owner\":\"o\"}}|application/json|400|data.repoName",
                "/api/cloudrun/jobs|{\"task\":\"clone-repo\",\"data\":{\"owner\":\"../x\",\"repoName\":\"r\"}}|application/json|400|data.owner",
                "/api/cloudrun/jobs|{\"task\":\"clone-repo\",\"data\":{\"owner\":\"o\",\"repoName\":\"r\",\"branch\":\"--upload-pack=x\"}}|application/json|400|data.branch",
                "/api/cloudrun/jobs|{\"task\":\"clone-repo\",\"projectId\":5,\"data\":{\"owner\":\"o\",\"repoName\":\"r\"}}|application/json|400|projectId",
                "/api/cloudrun/clone-repo|{\"owner\":\"o\"}|application/json|400|data.repoName",
                "/api/cloudrun/import-repo|{\"branch\":\"main\"}|application/json|400|data.sourceUrl",
                "/api/cloudrun/import-repo|{\"sourceUrl\":\"not a url\"}|application/json|400|data.sourceUrl",
                "/api/cloudrun/deploy-repo|{\"owner\":\"o\",\"repoName\":\"r\"}|application/json|400|data.projectId",
                "/api/cloudrun/deploy-repo|{\"projectId\":\"p\"}|application/json|400|data.repoUrl",
                "/api/cloudrun/deploy-repo|{\"projectId\":\"p\",\"owner\":\"o\",\"repoName\":\"r\",\"commit\":\"zz\"}|application/json|400|data.commit",
                "/api/cloudrun/deploy-repo|{\"projectId\":\"p\",\"owner\":\"o\",\"repoName\":\"r\",\"commit\":\"abcdef1\"}|application/json|400|data.commit",
                "/api/cloudrun/jobs|{\"task\":\"deploy-repo\",\"data\":{\"projectId\":\"p\",\"repoUrl\":\"https://git.example.test/o/r\",\"commit\":\"0123abc\"}}|application/json|400|data.commit",
                "/api/cloudrun/deploy-repo|{\"projectId\":\"p\",\"owner\":\"o\",\"repoName\":\"r\",\"ignoreFiles\":\"x\"}|application/json|400|data.ignoreFiles",
                "/api/cloudrun/callback|{\"status\":\"completed\"}|application/json|400|jobId",
            })
    void bad_input_is_a_4xx_naming_the_field(String path, String body, String type, int status, String field) {
        TestApi.Response r = path.endsWith("callback")
                ? api.signedCallback(body)
                : api.post(path, body, Map.of("Content-Type", type));

        assertThat(r.status()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().get("error").get("field").asText()).isEqualTo(field);
        assertThat(r.json().get("error").get("message").asText()).isNotBlank();
        assertThat(r.json().get("error").get("code").asText()).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource({
        "/api/cloudrun/jobs",
        "/api/cloudrun/clone-repo",
        "/api/cloudrun/import-repo",
        "/api/cloudrun/deploy-repo",
        "/api/cloudrun/callback"
    })
    void every_post_route_refuses_malformed_json_wrong_type_and_oversized_bodies(String path) {
        TestApi.Response malformed = api.post(path, "{\"task\":", Map.of("Content-Type", "application/json"));
        TestApi.Response wrongType =
                api.post(path, "task=clone-repo", Map.of("Content-Type", "application/x-www-form-urlencoded"));
        String hugeBody = "{\"task\":\"" + "x".repeat(10_000) + "\"}";
        // a callback is authenticated before its body is read: only a signed one gets as far as its size
        TestApi.Response huge = path.endsWith("callback")
                ? api.signedCallback(hugeBody)
                : api.post(path, hugeBody, Map.of("Content-Type", "application/json"));

        assertThat(malformed.status()).isEqualTo(path.endsWith("callback") ? 401 : 400);
        assertThat(malformed.json().get("error").get("code").asText()).isNotBlank();
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.json().get("error").get("code").asText()).isEqualTo("unsupported_media_type");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().get("error").get("code").asText()).isEqualTo("payload_too_large");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "limit=0|limit",
                "limit=101|limit",
                "limit=abc|limit",
                "status=sleeping|status",
                "cursor=!!!|cursor"
            })
    void list_validates_its_parameters(String query, String field) {
        TestApi.Response r = api.get("/api/cloudrun/jobs?" + query);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("field").asText()).isEqualTo(field);
    }

    @Test
    void list_pages_newest_first_through_the_cursor() {
        String project = "proj-" + UUID.randomUUID();
        Set<String> submitted = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(api.post(
                            "/api/cloudrun/jobs",
                            "{\"task\":\"clone-repo\",\"projectId\":\"" + project
                                    + "\",\"data\":{\"owner\":\"o\",\"repoName\":\"r" + i + "\"}}")
                    .json()
                    .get("id")
                    .asText());
        }
        Set<String> seen = new HashSet<>();
        String cursor = "";
        int pages = 0;
        String previousCreatedAt = null;
        do {
            JsonNode page = api.get("/api/cloudrun/jobs?limit=2&type=clone-repo&projectId=" + project + cursor)
                    .json();
            for (JsonNode job : page.get("jobs")) {
                assertThat(seen.add(job.get("id").asText())).isTrue();
                if (previousCreatedAt != null) {
                    assertThat(job.get("createdAt").asText()).isLessThanOrEqualTo(previousCreatedAt);
                }
                previousCreatedAt = job.get("createdAt").asText();
            }
            pages++;
            cursor = page.hasNonNull("nextCursor")
                    ? "&cursor=" + page.get("nextCursor").asText()
                    : null;
        } while (cursor != null);

        assertThat(seen).isEqualTo(submitted);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void unknown_jobs_and_routes_are_404_json() {
        assertThat(api.get("/api/cloudrun/jobs/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(api.post("/api/cloudrun/jobs/" + UUID.randomUUID() + "/cancel", "")
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/api/cloudrun/jobs/" + UUID.randomUUID() + "/retry", "")
                        .status())
                .isEqualTo(404);
        TestApi.Response noRoute = api.get("/api/cloudrun/nothing-here");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.json().get("error").get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void cancel_forwards_to_the_worker_and_retry_runs_a_new_attempt() {
        String id = api.submit(
                "clone-repo", "{\"owner\":\"o\",\"repoName\":\"cancel-me\",\"gitToken\":\"tok-cancel-1234\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));

        assertThat(api.post("/api/cloudrun/jobs/" + id + "/retry", "").status()).isEqualTo(409);
        TestApi.Response cancelled = api.post("/api/cloudrun/jobs/" + id + "/cancel", "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
        assertThat(worker.received).anyMatch(r -> r.path().equals("/jobs/" + id + "/cancel"));
        assertThat(api.post("/api/cloudrun/jobs/" + id + "/cancel", "").status())
                .isEqualTo(409);

        TestApi.Response retried =
                api.post("/api/cloudrun/jobs/" + id + "/retry", "{\"data\":{\"gitToken\":\"tok-retry-5678\"}}");
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.json().get("attempt").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
        assertThat(worker.processRequests())
                .filteredOn(r -> r.body().get("jobId").asText().equals(id))
                .extracting(r -> r.body().get("attempt").asInt() + ":"
                        + r.body().get("data").get("gitToken").asText())
                .containsExactly("1:tok-cancel-1234", "2:tok-retry-5678");
    }
}
