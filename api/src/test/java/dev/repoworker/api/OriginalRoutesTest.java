package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The routes clients of the original API call: {@code GET /api/cloudrun/job/{jobId}} and the page-based listing. */
class OriginalRoutesTest {

    private static final String TOKEN = "original-routes-token-0123";
    private static final Map<String, String> AUTHORIZED = Map.of("Authorization", "Bearer " + TOKEN);

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
                        "DASHBOARD_TOKEN",
                        TOKEN));
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    static TestApi.Response get(String path) {
        return api.get(path, AUTHORIZED);
    }

    static String submit(String task, String project, String data) {
        TestApi.Response r = api.post(
                "/api/cloudrun/jobs",
                "{\"task\":\"" + task + "\",\"projectId\":\"" + project + "\",\"data\":" + data + "}",
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TOKEN));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("id").asText();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/api/cloudrun/jobs/" + id)
                        .json()
                        .get("status")
                        .asText()
                        .equals("dispatched"));
        return id;
    }

    @Test
    void the_original_single_job_route_answers_as_the_jobs_route_with_the_same_guard_and_redaction() {
        String id = submit(
                "clone-repo",
                "p-" + UUID.randomUUID(),
                "{\"owner\":\"o\",\"repoName\":\"r\",\"gitToken\":\"s3cr3t-token\"}");

        TestApi.Response original = get("/api/cloudrun/job/" + id);
        TestApi.Response ours = get("/api/cloudrun/jobs/" + id);

        assertThat(original.status()).isEqualTo(200);
        assertThat(original.json()).isEqualTo(ours.json());
        assertThat(original.json().get("runner").asText()).isEqualTo("worker");
        assertThat(original.body()).doesNotContain("s3cr3t-token");
        for (String path : List.of("/api/cloudrun/job/", "/api/cloudrun/jobs/")) {
            TestApi.Response anonymous = api.get(path + id);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.json().get("error").get("field").asText()).isEqualTo("Authorization");
            TestApi.Response unknown = get(path + UUID.randomUUID());
            assertThat(unknown.status()).as(path).isEqualTo(404);
            assertThat(unknown.json().get("error").get("code").asText()).isEqualTo("not_found");
            assertThat(get(path + "not%20an%20id")
                            .json()
                            .get("error")
                            .get("field")
                            .asText())
                    .isEqualTo("id");
        }
    }

    @Test
    void pages_count_the_filtered_jobs_with_the_original_type_names() {
        String project = "p-" + UUID.randomUUID();
        List<String> clones = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clones.add(submit("clone-repo", project, "{\"owner\":\"o\",\"repoName\":\"r" + i + "\"}"));
        }
        submit("import-repo", project, "{\"sourceUrl\":\"https://git.example.test/a/b\"}");
        submit("import-repo", project, "{\"sourceUrl\":\"https://git.example.test/a/c\"}");
        submit(
                "deploy-repo",
                project,
                "{\"sourceUrl\":\"https://git.example.test/a/b\",\"projectId\":\"" + project + "\"}");
        submit("clone-repo", "another-" + project, "{\"owner\":\"o\",\"repoName\":\"elsewhere\"}");
        assertThat(api.post(
                                "/api/cloudrun/jobs/" + clones.get(0) + "/cancel",
                                "{}",
                                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TOKEN))
                        .status())
                .isEqualTo(200);

        JsonNode first =
                get("/api/cloudrun/jobs?page=1&limit=4&projectId=" + project).json();
        JsonNode second =
                get("/api/cloudrun/jobs?page=2&limit=4&projectId=" + project).json();
        JsonNode clonePage2 = get("/api/cloudrun/jobs?page=2&limit=2&type=repo_clone&projectId=" + project)
                .json();

        assertThat(first.get("success").asBoolean()).isTrue();
        assertThat(first.get("pagination")).isEqualTo(pagination(6, 1, 4, 2));
        assertThat(first.get("jobs").findValuesAsText("type"))
                .containsExactly("deploy-repo", "import-repo", "import-repo", "clone-repo");
        assertThat(second.get("pagination")).isEqualTo(pagination(6, 2, 4, 2));
        assertThat(second.get("jobs").findValuesAsText("id")).containsExactly(clones.get(1), clones.get(0));
        assertThat(first.has("nextCursor")).isFalse();
        assertThat(clonePage2.get("pagination")).isEqualTo(pagination(3, 2, 2, 2));
        assertThat(clonePage2.get("jobs").findValuesAsText("id")).containsExactly(clones.get(0));
        assertThat(total("type=repo_import&projectId=" + project)).isEqualTo(2);
        assertThat(total("type=repo_deploy&projectId=" + project)).isEqualTo(1);
        assertThat(total("type=clone-repo&projectId=" + project)).isEqualTo(3);
        assertThat(total("type=repo_clone&status=cancelled&projectId=" + project))
                .isEqualTo(1);
        assertThat(total("type=repo_clone&status=dispatched&projectId=" + project))
                .isEqualTo(2);
        JsonNode pastTheEnd =
                get("/api/cloudrun/jobs?page=9&projectId=" + project).json();
        assertThat(pastTheEnd.get("jobs")).isEmpty();
        assertThat(pastTheEnd.get("pagination")).isEqualTo(pagination(6, 9, 50, 1));
        JsonNode none = get("/api/cloudrun/jobs?page=1&status=failed&projectId=" + project)
                .json();
        assertThat(none.get("pagination")).isEqualTo(pagination(0, 1, 50, 0));
    }

    @Test
    void without_page_the_listing_stays_by_cursor_and_knows_the_original_type_names_too() {
        String project = "p-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            submit("clone-repo", project, "{\"owner\":\"o\",\"repoName\":\"r" + i + "\"}");
        }

        JsonNode first = get("/api/cloudrun/jobs?limit=2&type=repo_clone&projectId=" + project)
                .json();
        JsonNode rest = get("/api/cloudrun/jobs?limit=2&type=repo_clone&projectId=" + project + "&cursor="
                        + first.get("nextCursor").asText())
                .json();

        assertThat(first.has("success")).isFalse();
        assertThat(first.has("pagination")).isFalse();
        assertThat(first.get("jobs")).hasSize(2);
        assertThat(rest.get("jobs")).hasSize(1);
        assertThat(rest.hasNonNull("nextCursor")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "page=0|page",
                "page=-1|page",
                "page=abc|page",
                "page=1.5|page",
                "page=1000001|page",
                "page=1&limit=0|limit",
                "page=1&limit=101|limit",
                "page=1&limit=x|limit",
                "page=1&status=sleeping|status",
                "page=1&cursor=abc|cursor"
            })
    void bad_page_parameters_are_400_naming_the_field(String query, String field) {
        TestApi.Response r = get("/api/cloudrun/jobs?" + query);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("field").asText()).isEqualTo(field);
    }

    private static long total(String query) {
        return get("/api/cloudrun/jobs?page=1&" + query)
                .json()
                .get("pagination")
                .get("total")
                .asLong();
    }

    private static JsonNode pagination(long total, int page, int limit, long pages) {
        return TestApi.Response.parse(
                "{\"total\":" + total + ",\"page\":" + page + ",\"limit\":" + limit + ",\"pages\":" + pages + "}");
    }
}
