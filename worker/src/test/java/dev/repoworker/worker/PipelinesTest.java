package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestRepos;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipelines and enrich-data through a real Worker: signed /process in, signed callbacks out, files on disk. */
class PipelinesTest {

    private static final String SECRET = Signatures.newSecret();

    static final String ALPHA = """
            ---
            title: Alpha
            description: All about compost
            tags: [garden, compost]
            date: 2024-01-05
            rating: 5
            ---
            # Alpha

            Compost turns kitchen scraps into dark soil for the garden. See [[beta]] for the rose pruning details. \
            Turning the heap every few weeks adds air, and brown leaves balance the green scraps. \
            A good heap smells of earth and is warm in the middle after a few days of work.
            """;
    static final String BETA = """
            ---
            title: Beta
            tags: [garden]
            date: soon
            rating: high
            ---
            # Beta

            Roses need pruning in late winter, just as the buds swell. Cut dead canes above an outward facing bud. \
            Go back to [[alpha]] for what to do with the clippings once the shrub is open and tidy again.
            """;
    static final String GAMMA = """
            Gamma is tiny and links to [[missing-note]].
            """;

    @TempDir
    Path temp;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private record Running(WorkerApp app, SignedHttp http, CallbackReceiver receiver) {
        HttpResponse<String> process(String task, String jobId, Map<String, Object> data) throws Exception {
            return http.post(
                    "/process", Map.of("jobId", jobId, "task", task, "callbackUrl", receiver.url(), "data", data));
        }

        CallbackReceiver.Received finalCallback(String jobId) {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> receiver.receivedFor(jobId).stream()
                            .anyMatch(r -> !r.status().equals("running")));
            return receiver.receivedFor(jobId).stream()
                    .filter(r -> !r.status().equals("running"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private Running start(Map<String, String> extra) {
        Map<String, String> env = TestWorkers.env(SECRET, temp.resolve("tmp"));
        env.put("ARTIFACTS_DIR", temp.resolve("artifacts").toString());
        env.put("EMBEDDINGS_CACHE_DIR", temp.resolve("cache").toString());
        // these jobs finish within moments on a small vault; the tests read the progress of every step
        env.put("FIRST_PROGRESS_DELAY", "0s");
        env.putAll(extra);
        WorkerApp app = TestWorkers.start(env);
        CallbackReceiver receiver = CallbackReceiver.verifying(SECRET);
        toClose.add(0, app::stop);
        toClose.add(receiver);
        return new Running(app, new SignedHttp(app.port(), SECRET), receiver);
    }

    private TestRepos.Repo vault() {
        TestRepos.Repo repo = TestRepos.init(temp.resolve("vault"));
        repo.write("alpha.md", ALPHA.replace("Turning the heap", "Turn it"));
        repo.write("beta.md", BETA);
        repo.commit("first notes");
        repo.write("alpha.md", ALPHA);
        repo.write("notes/gamma.md", GAMMA);
        repo.commit("more notes");
        return repo;
    }

    private static JsonNode read(Path file) throws Exception {
        return Json.mapper().readTree(file.toFile());
    }

    @Test
    void a_deploy_publishes_its_artifacts_and_a_late_older_deploy_never_takes_the_active_pointer() throws Exception {
        Running worker = start(Map.of());
        TestRepos.Repo repo = vault();
        Map<String, Object> newer = Map.of(
                "repoUrl",
                repo.fileUrl(),
                "publish",
                true,
                "projectId",
                "site-1",
                "deployRequestedAt",
                "2026-06-01T10:00:00Z");
        Map<String, Object> older = Map.of(
                "repoUrl",
                repo.fileUrl(),
                "publish",
                true,
                "projectId",
                "site-1",
                "deployRequestedAt",
                "2026-06-01T09:00:00Z");

        worker.process("process-with-repo", "deploy-new", newer);
        JsonNode first = worker.finalCallback("deploy-new").body();
        worker.process("process-with-repo", "deploy-old", older);
        JsonNode late = worker.finalCallback("deploy-old").body();

        assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("completed");
        assertThat(first.path("result").path("pipeline").toString()).contains("publish");
        assertThat(first.path("result")
                        .path("steps")
                        .path("publish")
                        .path("active")
                        .asBoolean())
                .isTrue();
        assertThat(late.path("result")
                        .path("steps")
                        .path("publish")
                        .path("active")
                        .asBoolean())
                .isFalse();
        assertThat(late.path("result")
                        .path("steps")
                        .path("publish")
                        .path("activeJobId")
                        .asText())
                .isEqualTo("deploy-new");
        Path project = temp.resolve("artifacts").resolve("projects").resolve("site-1");
        assertThat(read(project.resolve("active.json")).path("jobId").asText()).isEqualTo("deploy-new");
        assertThat(project.resolve("deploy-old").resolve("posts.json")).isRegularFile();
        assertThat(project.resolve("deploy-new").resolve("manifest.json")).isRegularFile();
        assertThat(Files.readString(project.resolve("deploy-new").resolve("manifest.json")))
                .contains("content.sqlite");

        HttpResponse<String> badProject = worker.process(
                "process-with-repo",
                "deploy-bad",
                Map.of("repoUrl", repo.fileUrl(), "publish", true, "projectId", "../escape"));
        assertThat(badProject.statusCode()).isEqualTo(400);
        assertThat(badProject.body()).contains("data.projectId");
        HttpResponse<String> plain =
                worker.process("process-with-repo", "no-deploy", Map.of("repoUrl", repo.fileUrl()));
        assertThat(plain.statusCode()).isEqualTo(202);
        assertThat(worker.finalCallback("no-deploy")
                        .body()
                        .path("result")
                        .path("pipeline")
                        .toString())
                .doesNotContain("publish");
    }

    @Test
    void deploy_repo_publishes_the_commit_it_is_pinned_to_or_with_commit_latest_the_branch_head() throws Exception {
        Running worker = start(Map.of());
        TestRepos.Repo repo = vault();
        String first = repo.git("rev-parse", "HEAD~1").trim();

        Map<String, Object> pinned = Map.of(
                "repoUrl",
                repo.fileUrl(),
                "projectId",
                "site-2",
                "commit",
                first,
                "deployRequestedAt",
                "2026-06-01T09:00:00Z");
        Map<String, Object> latest = Map.of(
                "repoUrl",
                repo.fileUrl(),
                "projectId",
                "site-2",
                "commit",
                "latest",
                "deployRequestedAt",
                "2026-06-01T10:00:00Z");
        assertThat(worker.process("deploy-repo", "pinned", pinned).statusCode()).isEqualTo(202);
        JsonNode old = worker.finalCallback("pinned").body();
        assertThat(worker.process("deploy-repo", "head", latest).statusCode()).isEqualTo(202);
        JsonNode head = worker.finalCallback("head").body();

        assertThat(old.path("status").asText()).as(old.toString()).isEqualTo("completed");
        assertThat(old.path("result").path("pipeline").toString())
                .isEqualTo("[\"acquire\",\"build-assets\",\"compute-embeddings\",\"enrich-data\",\"publish\"]");
        assertThat(old.path("result")
                        .path("steps")
                        .path("acquire")
                        .path("commit")
                        .asText())
                .isEqualTo(first);
        assertThat(head.path("result")
                        .path("steps")
                        .path("acquire")
                        .path("commit")
                        .asText())
                .isEqualTo(repo.head());
        assertThat(head.path("result")
                        .path("steps")
                        .path("publish")
                        .path("active")
                        .asBoolean())
                .isTrue();
        Path project = temp.resolve("artifacts").resolve("projects").resolve("site-2");
        assertThat(read(project.resolve("active.json")).path("jobId").asText()).isEqualTo("head");
        assertThat(Files.readString(project.resolve("pinned").resolve("posts.json")))
                .doesNotContain("Gamma");
        assertThat(Files.readString(project.resolve("head").resolve("posts.json")))
                .contains("Gamma");
    }

    @Test
    void deploy_repo_refuses_a_short_sha_and_a_missing_project_before_admission() throws Exception {
        Running worker = start(Map.of());
        String repoUrl = "http://127.0.0.1/o/r.git";
        assertField(
                worker.process("deploy-repo", "d-1", Map.of("repoUrl", repoUrl, "projectId", "p", "commit", "abcdef1")),
                "data.commit");
        assertField(worker.process("deploy-repo", "d-2", Map.of("repoUrl", repoUrl)), "data.projectId");
        assertField(worker.process("deploy-repo", "d-3", Map.of("projectId", "p")), "data.repoUrl");
    }

    @Test
    void process_with_repo_runs_every_step_and_enriches_the_posts_with_history_related_and_sql() throws Exception {
        Running worker = start(Map.of());
        TestRepos.Repo repo = vault();

        HttpResponse<String> accepted =
                worker.process("process-with-repo", "pwr-1", Map.of("repoUrl", repo.fileUrl(), "depth", 0));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        CallbackReceiver.Received callback = worker.finalCallback("pwr-1");
        assertThat(callback.signatureValid()).contains(true);
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("completed");
        JsonNode result = callback.body().path("result");
        assertThat(result.path("pipeline").toString())
                .isEqualTo("[\"acquire\",\"build-assets\",\"compute-embeddings\",\"enrich-data\"]");
        for (String step : List.of("acquire", "build-assets", "compute-embeddings", "enrich-data")) {
            assertThat(result.path("steps").path(step).path("durationMs").isNumber())
                    .as(step)
                    .isTrue();
            assertThat(worker.receiver().receivedFor("pwr-1"))
                    .as(step)
                    .anyMatch(r -> r.status().equals("running")
                            && r.body().path("progress").path("step").asText().equals(step)
                            && r.body().path("progress").path("total").asInt() == 4);
        }
        assertThat(result.path("steps").path("acquire").path("commit").asText()).isEqualTo(repo.head());
        assertThat(result.path("steps").path("build-assets").path("posts").asInt())
                .isEqualTo(3);
        assertThat(result.path("steps").path("enrich-data").path("history").asBoolean())
                .isTrue();
        assertThat(result.path("manifest").path("location").asText()).isEqualTo("artifacts/pwr-1/manifest.json");
        assertThat(callback.rawBody())
                .doesNotContain(temp.resolve("tmp").toString())
                .doesNotContain(temp.resolve("artifacts").toString());

        Path dir = temp.resolve("artifacts/pwr-1");
        assertThat(Files.readString(dir.resolve("manifest.json")))
                .contains("content.sqlite")
                .contains("related.json")
                .contains("enriched.json")
                .contains("health.json")
                .contains("schema.json")
                .contains("tags.json");
        JsonNode alpha = read(dir.resolve("posts/alpha.json"));
        assertThat(alpha.path("related").get(0).path("slug").asText()).isIn("beta", "gamma");
        assertThat(alpha.path("related").get(0).path("score").isNumber()).isTrue();
        assertThat(alpha.path("history").path("created").asText()).isEqualTo("2024-01-01T00:00:01Z");
        assertThat(alpha.path("history").path("updated").asText()).isEqualTo("2024-01-01T00:00:02Z");
        assertThat(alpha.path("backlinkContexts").get(0).path("slug").asText()).isEqualTo("beta");
        assertThat(alpha.path("backlinkContexts").get(0).path("context").asText())
                .contains("Go back to")
                .contains("alpha");
        JsonNode posts = read(dir.resolve("posts.json"));
        assertThat(posts.toString()).contains("\"backlinkContexts\"").contains("\"history\"");
        JsonNode enriched = read(dir.resolve("enriched.json"));
        assertThat(enriched.path("repository").path("commits").asInt()).isEqualTo(2);
        assertThat(enriched.path("repository").path("contributors").size()).isPositive();
        assertThat(enriched.path("posts")
                        .path("beta")
                        .path("backlinks")
                        .get(0)
                        .path("context")
                        .asText())
                .contains("rose pruning details");

        JsonNode tags = read(dir.resolve("tags.json")).path("tags");
        assertThat(tags.get(0).path("tag").asText()).isEqualTo("garden");
        assertThat(tags.get(0).path("count").asInt()).isEqualTo(2);

        JsonNode health = read(dir.resolve("health.json"));
        String problems = health.path("problems").toString();
        assertThat(health.path("counts").path("orphan").asInt()).isEqualTo(1);
        assertThat(problems)
                .contains("\"kind\":\"orphan\",\"file\":\"notes/gamma.md\"")
                .contains("\"kind\":\"missing-title\",\"file\":\"notes/gamma.md\"")
                .contains("\"kind\":\"missing-description\",\"file\":\"beta.md\"")
                .contains("\"kind\":\"broken-link\",\"file\":\"notes/gamma.md\"")
                .doesNotContain("\"kind\":\"missing-description\",\"file\":\"alpha.md\"");
        assertThat(health.path("counts").path("short-post").asInt()).isGreaterThanOrEqualTo(1);

        JsonNode schema = read(dir.resolve("schema.json")).path("keys");
        assertThat(schema.path("title").path("count").asInt()).isEqualTo(2);
        assertThat(schema.path("title").path("conflict").asBoolean()).isFalse();
        assertThat(schema.path("date").path("conflict").asBoolean()).isTrue();
        assertThat(schema.path("date").path("types").toString())
                .contains("date")
                .contains("string");
        assertThat(schema.path("rating").path("types").toString())
                .contains("integer")
                .contains("string");

        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("content.sqlite"));
                Statement sql = db.createStatement()) {
            assertThat(column(sql, "SELECT slug FROM posts_fts WHERE posts_fts MATCH 'winter' ORDER BY rank"))
                    .containsExactly("beta");
            assertThat(column(sql, "SELECT slug FROM posts_fts WHERE posts_fts MATCH 'title:alpha'"))
                    .containsExactly("alpha");
            assertThat(
                            column(
                                    sql,
                                    "SELECT p.slug FROM posts p JOIN tags t ON t.post_slug = p.slug WHERE t.tag = 'garden' ORDER BY p.slug"))
                    .containsExactly("alpha", "beta");
            assertThat(column(
                            sql,
                            "SELECT s.title || ': ' || l.context FROM links l JOIN posts s ON s.slug = l.source_slug "
                                    + "WHERE l.target_slug = 'alpha'"))
                    .singleElement()
                    .asString()
                    .startsWith("Beta: ")
                    .contains("Go back to");
            assertThat(column(sql, "SELECT fm_title FROM posts ORDER BY slug")).containsExactly("Alpha", "Beta", null);
            assertThat(column(sql, "SELECT json_extract(json, '$.history.created') FROM posts WHERE slug = 'beta'"))
                    .containsExactly("2024-01-01T00:00:01Z");
            assertThat(
                            column(
                                    sql,
                                    "SELECT count(*) FROM links l LEFT JOIN posts p ON p.slug = l.target_slug WHERE p.slug IS NULL"))
                    .containsExactly("0");
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !Files.exists(temp.resolve("tmp/jobs"))
                        || Files.list(temp.resolve("tmp/jobs")).findAny().isEmpty());
    }

    private static List<String> column(Statement sql, String query) throws Exception {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    @Test
    void process_all_on_a_local_folder_notes_the_missing_history_and_enrich_data_alone_notes_missing_related()
            throws Exception {
        Running worker = start(Map.of());
        Path folder = Files.createDirectories(temp.resolve("folder/notes"));
        Files.writeString(folder.getParent().resolve("alpha.md"), ALPHA);
        Files.writeString(folder.getParent().resolve("beta.md"), BETA);
        Files.writeString(folder.resolve("gamma.md"), GAMMA);

        assertThat(worker.process(
                                "process-all",
                                "all-1",
                                Map.of("repoPath", folder.getParent().toString()))
                        .statusCode())
                .isEqualTo(202);
        CallbackReceiver.Received callback = worker.finalCallback("all-1");
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("completed");
        JsonNode steps = callback.body().path("result").path("steps");
        assertThat(steps.fieldNames())
                .toIterable()
                .containsExactly("build-assets", "compute-embeddings", "enrich-data");
        assertThat(steps.path("enrich-data").path("history").asBoolean()).isFalse();
        assertThat(steps.path("enrich-data").path("related").asBoolean()).isTrue();
        assertThat(steps.path("enrich-data").path("notes").toString()).contains("git history is absent");
        assertThat(temp.resolve("artifacts/all-1/content.sqlite")).isRegularFile();

        // enrich-data on its own, over a build without embeddings: written to its own folder, with a note
        assertThat(worker.process(
                                "build-assets",
                                "b-1",
                                Map.of("repoPath", folder.getParent().toString()))
                        .statusCode())
                .isEqualTo(202);
        assertThat(worker.finalCallback("b-1").status()).isEqualTo("completed");
        assertThat(worker.process("enrich-data", "e-1", Map.of("artifactsOf", "b-1", "shortPostWords", 10))
                        .statusCode())
                .isEqualTo(202);
        CallbackReceiver.Received enriched = worker.finalCallback("e-1");
        assertThat(enriched.status()).as(enriched.rawBody()).isEqualTo("completed");
        assertThat(enriched.body().path("result").path("notes").toString()).contains("related posts are absent");
        assertThat(enriched.body()
                        .path("result")
                        .path("manifest")
                        .path("location")
                        .asText())
                .isEqualTo("artifacts/e-1/manifest.json");
        assertThat(temp.resolve("artifacts/e-1/content.sqlite")).isRegularFile();
        assertThat(temp.resolve("artifacts/b-1/enriched.json")).doesNotExist();
        assertThat(read(temp.resolve("artifacts/e-1/posts/alpha.json")).has("related"))
                .isFalse();
    }

    @Test
    void process_from_template_creates_the_repository_on_the_local_host_and_processes_it() throws Exception {
        TestRepos.Repo template = vault();
        Running worker = start(Map.of(
                "REPO_HOST", "local", "LOCAL_REPO_ROOT", temp.resolve("hosted").toString()));

        assertThat(worker.process(
                                "process-from-template",
                                "tpl-1",
                                Map.of("templateRepoUrl", template.fileUrl(), "newRepoName", "my-site"))
                        .statusCode())
                .isEqualTo(202);
        CallbackReceiver.Received callback = worker.finalCallback("tpl-1");
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("completed");
        JsonNode steps = callback.body().path("result").path("steps");
        assertThat(steps.fieldNames())
                .toIterable()
                .containsExactly("template", "build-assets", "compute-embeddings", "enrich-data");
        assertThat(steps.path("template").path("newRepo").path("name").asText()).isEqualTo("my-site");
        assertThat(steps.path("build-assets").path("posts").asInt()).isEqualTo(3);
        assertThat(steps.path("build-assets").path("repository").path("source").asText())
                .isEqualTo("template");
        assertThat(temp.resolve("hosted/my-site.git")).isDirectory();
        assertThat(temp.resolve("artifacts/tpl-1/enriched.json")).isRegularFile();
    }

    @Test
    void a_failing_middle_step_fails_the_job_with_its_name_and_leaves_no_artifacts_or_workspace() throws Exception {
        Map<String, String> extra = new HashMap<>();
        extra.put("EMBEDDINGS_URL", "http://127.0.0.1:1/v1/embeddings");
        extra.put("EMBEDDINGS_TIMEOUT", "2s");
        Running worker = start(extra);
        TestRepos.Repo repo = vault();

        assertThat(worker.process("process-with-repo", "fail-1", Map.of("repoUrl", repo.fileUrl()))
                        .statusCode())
                .isEqualTo(202);
        CallbackReceiver.Received callback = worker.finalCallback("fail-1");
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("failed");
        assertThat(callback.body().path("error").asText()).startsWith("compute-embeddings failed: ");
        assertThat(worker.receiver().receivedFor("fail-1"))
                .anyMatch(r -> r.status().equals("running")
                        && r.body().path("progress").path("step").asText().equals("build-assets"));
        assertThat(worker.receiver().receivedFor("fail-1"))
                .noneMatch(r -> r.status().equals("running")
                        && r.body().path("progress").path("step").asText().equals("enrich-data"));
        assertThat(temp.resolve("artifacts/fail-1")).doesNotExist();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !Files.exists(temp.resolve("tmp/jobs"))
                        || Files.list(temp.resolve("tmp/jobs")).findAny().isEmpty());
    }

    @Test
    void every_steps_data_is_checked_before_admission() throws Exception {
        Running worker = start(Map.of(
                "REPO_HOST", "local", "LOCAL_REPO_ROOT", temp.resolve("hosted").toString()));
        assertField(worker.process("process-with-repo", "v-1", Map.of()), "data.repoUrl");
        assertField(worker.process("process-all", "v-2", Map.of()), "data.repoUrl");
        assertField(
                worker.process(
                        "process-all", "v-3", Map.of("repoUrl", "http://127.0.0.1/o/r.git", "shortPostWords", "many")),
                "data.shortPostWords");
        assertField(
                worker.process(
                        "process-with-repo",
                        "v-4",
                        Map.of("repoUrl", "http://127.0.0.1/o/r.git", "repositoryFolder", "../x")),
                "data.repositoryFolder");
        assertField(
                worker.process("process-from-template", "v-5", Map.of("templateRepoUrl", "http://127.0.0.1/o/r.git")),
                "data.newRepoName");
        assertField(worker.process("enrich-data", "v-6", Map.of("artifactsOf", "../etc")), "data.artifactsOf");
    }

    private static void assertField(HttpResponse<String> response, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(SignedHttp.json(response)).containsEntry("field", field);
    }
}
