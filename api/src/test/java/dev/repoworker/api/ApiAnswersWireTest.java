package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.GitHubWebhookSender;
import dev.repoworker.testkit.GitHubWebhookSender.Sent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the exact JSON of the API's answers (jobs, job lists, errors, callbacks, projects and their deploys, GitHub
 * deliveries, artifact listings) and of the deployment webhooks it sends: each comes from a real API over HTTP and,
 * with its volatile values replaced ({@link #normalise}), must equal the fixture under {@code
 * src/test/resources/wire-golden/}, key order included. The fixtures were recorded from the code that built the
 * answers as maps ({@code -Dwire.record=true} writes them again). A null value is absent from every fixture: the
 * shared mapper ({@code Json}) leaves null fields out of maps and records alike.
 *
 * <p>A few answers were {@code Map.of}, whose key order changes from one JVM run to the next: those are compared
 * with their keys sorted ({@link Keys#SORTED}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the project list holds what the earlier tests created
class ApiAnswersWireTest {

    private static final String HOOK_SECRET = "github-webhook-secret";
    private static final String COMMIT = "5d2f6b0c9e8a7d6c5b4a39281706f5e4d3c2b1a0";
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    private static final Pattern LOCAL_PORT = Pattern.compile("127\\.0\\.0\\.1:\\d+");

    /** Whether an answer's key order is pinned, or was never stable to pin. */
    enum Keys {
        KEPT,
        SORTED
    }

    @TempDir
    static Path dir;

    static Path artifacts;
    static FakeWorker worker;
    static TestApi api;
    static GitHubWebhookSender github;

    @BeforeAll
    static void start() throws Exception {
        artifacts = dir.resolve("artifacts");
        worker = new FakeWorker();
        api = TestApi.start(
                dir.resolve("data"),
                Map.of(
                        "REPO_WORKER_API_URL",
                        worker.url(),
                        "GITHUB_WEBHOOK_SECRET",
                        HOOK_SECRET,
                        "ARTIFACTS_DIR",
                        artifacts.toString(),
                        "ALLOW_PRIVATE_NETWORKS",
                        "true"));
        github = new GitHubWebhookSender(api.url(GitHubWebhookRoutes.PATH), HOOK_SECRET);
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    @Test
    @Order(1)
    void health_and_readiness() throws Exception {
        assertWire("health", api.get("/health"), Keys.SORTED);
        assertWire("ready", api.get("/ready"), Keys.SORTED);
    }

    @Test
    @Order(2)
    void a_job_from_its_submission_to_its_completion() throws Exception {
        TestApi.Response submitted = api.post(
                "/api/cloudrun/jobs",
                "{\"task\":\"acquire-user-repo\",\"data\":{\"repoUrl\":\"https://github.com/o/r\",\"gitToken\":\"ghp_x\"},"
                        + "\"projectId\":\"wire-job\",\"userId\":\"user-1\"}");
        assertWire("job-submitted", submitted, Keys.KEPT);
        String id = submitted.json().get("id").asText();
        awaitDispatched(id);

        assertWire(
                "callback-progress",
                api.signedCallback("{\"jobId\":\"" + id + "\",\"status\":\"running\","
                        + "\"progress\":{\"step\":\"clone\",\"done\":1,\"total\":3,\"message\":\"cloning\"}}"),
                Keys.SORTED);
        assertWire(
                "callback-completed",
                api.signedCallback("{\"jobId\":\"" + id + "\",\"status\":\"completed\",\"duration\":1500,"
                        + "\"processedAt\":\"2026-12-05T10:00:00Z\",\"result\":{\"files\":3,\"commit\":\"" + COMMIT
                        + "\"}}"),
                Keys.SORTED);
        assertWire("job-detail", api.get("/api/cloudrun/jobs/" + id), Keys.KEPT);
        assertWire("job-detail-original-path", api.get("/api/cloudrun/job/" + id), Keys.KEPT);
    }

    @Test
    @Order(3)
    void a_cancelled_job() throws Exception {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/cancelled\"}");
        awaitDispatched(id);

        assertWire("job-cancelled", api.post("/api/cloudrun/jobs/" + id + "/cancel", ""), Keys.KEPT);
    }

    @Test
    @Order(4)
    void job_lists_by_cursor_and_by_page_number() throws Exception {
        // the same input twice: jobs made in the same millisecond list in the order of their random ids
        String first = submitFor("wire-list", "https://github.com/o/listed");
        String second = submitFor("wire-list", "https://github.com/o/listed");
        awaitDispatched(first);
        awaitDispatched(second);

        TestApi.Response firstPage = api.get("/api/cloudrun/jobs?projectId=wire-list&limit=1");
        assertWire("jobs-cursor-page", firstPage, Keys.KEPT);
        String cursor = firstPage.json().get("nextCursor").asText();
        assertWire(
                "jobs-cursor-last-page",
                api.get("/api/cloudrun/jobs?projectId=wire-list&limit=1&cursor=" + cursor),
                Keys.KEPT);
        assertWire("jobs-numbered-page", api.get("/api/cloudrun/jobs?projectId=wire-list&page=2&limit=1"), Keys.KEPT);
        assertWire("jobs-empty-page", api.get("/api/cloudrun/jobs?projectId=nobody"), Keys.KEPT);
    }

    @Test
    @Order(5)
    void errors() throws Exception {
        assertWire("error-400-parameter", api.get("/api/cloudrun/jobs?status=bogus"), Keys.KEPT);
        assertWire("error-400-invalid-json", api.post("/api/cloudrun/jobs", "{\"task\":"), Keys.KEPT);
        assertWire("error-404-job", api.get("/api/cloudrun/jobs/00000000-0000-0000-0000-000000000000"), Keys.KEPT);
        assertWire("error-404-route", api.get("/api/cloudrun/no-such-route"), Keys.KEPT);
        assertWire("error-404-project", api.get("/api/projects/no-such-project"), Keys.KEPT);
    }

    @Test
    @Order(6)
    void a_batch_of_callbacks_answers_each_item() throws Exception {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/batched\"}");
        awaitDispatched(id);

        assertWire(
                "callback-batch",
                api.signedCallback("[{\"jobId\":\"" + id + "\",\"status\":\"running\"},"
                        + "{\"jobId\":\"" + id + "\",\"status\":\"sideways\"},"
                        + "{\"jobId\":\"00000000-0000-0000-0000-000000000000\",\"status\":\"running\"}]"),
                Keys.KEPT);
    }

    @Test
    @Order(7)
    void a_project_is_created_read_changed_and_listed() throws Exception {
        assertWire(
                "project-created",
                api.post(
                        "/api/projects",
                        "{\"id\":\"wire-site\",\"repoUrl\":\"https://git.example.test/acme/notes\",\"branch\":\"release\","
                                + "\"notePrefix\":\"/notes\",\"domain\":\"https://notes.example.test\","
                                + "\"repositoryFolder\":\"docs\",\"ignoreFiles\":[\"drafts/**\"],\"gitToken\":\"ghp_t\","
                                + "\"webhooks\":[{\"url\":\"https://hooks.example.test/deploys\",\"secret\":\"s\"}]}"),
                Keys.KEPT);
        assertWire("project", api.get("/api/projects/wire-site"), Keys.KEPT);
        assertWire("project-no-active-deploy", api.get("/api/projects/wire-site/deploys/active"), Keys.KEPT);
        assertWire("project-no-deploys", api.get("/api/projects/wire-site/deploys"), Keys.KEPT);
        assertWire(
                "project-patched",
                ProjectRoutesTest.patch(api, "/api/projects/wire-site", "{\"branch\":null,\"domain\":null}"),
                Keys.KEPT);
        assertWire(
                "project-minimal",
                api.post(
                        "/api/projects", "{\"id\":\"wire-minimal\",\"repoUrl\":\"https://git.example.test/acme/min\"}"),
                Keys.KEPT);
        assertWire("projects", api.get("/api/projects"), Keys.KEPT);
    }

    @Test
    @Order(8)
    void a_project_deploys() throws Exception {
        api.post("/api/projects", "{\"id\":\"wire-deployed\",\"repoUrl\":\"https://git.example.test/acme/deployed\"}");

        TestApi.Response deploy = api.post("/api/projects/wire-deployed/deploy", "{\"branch\":\"main\"}");
        assertWire("project-deploy", deploy, Keys.KEPT);
        String id = deploy.json().get("id").asText();
        awaitAccepted(id);
        api.signedCallback("{\"jobId\":\"" + id
                + "\",\"status\":\"completed\",\"duration\":1500,\"processedAt\":\"2026-12-05T10:00:00Z\","
                + "\"result\":{\"steps\":{\"publish\":{\"projectId\":\"wire-deployed\",\"jobId\":\"" + id + "\","
                + "\"location\":\"projects/wire-deployed/" + id + "\",\"active\":true,\"activeJobId\":\"" + id + "\","
                + "\"requestedAt\":\"2026-12-05T09:59:00Z\",\"store\":\"local\","
                + "\"stats\":{\"pages\":3,\"files\":5,\"bytes\":1234}}}}}");

        assertWire("project-deploys", api.get("/api/projects/wire-deployed/deploys?page=1&limit=10"), Keys.KEPT);
        assertWire("project-active-deploy", api.get("/api/projects/wire-deployed/deploys/active"), Keys.KEPT);
        assertWire("project-with-active-deploy", api.get("/api/projects/wire-deployed"), Keys.KEPT);
        assertWire(
                "project-deploy-refused",
                api.post("/api/projects/wire-deployed/deploy", "{\"tag\":\"v1\"}"),
                Keys.KEPT);
    }

    @Test
    @Order(9)
    void github_deliveries() throws Exception {
        api.post("/api/projects", "{\"id\":\"wire-gh\",\"repoUrl\":\"https://git.example.test/acme/wire-gh\"}");
        String cloneUrl = "https://git.example.test/acme/wire-gh.git";

        assertWire("github-ping", github.send("ping", "delivery-ping", GitHubWebhookSender.fixture("ping")));
        assertWire(
                "github-push-accepted",
                github.send("push", "delivery-push", GitHubWebhookSender.push(cloneUrl, "refs/heads/main", COMMIT)));
        assertWire(
                "github-duplicate",
                github.send("push", "delivery-push", GitHubWebhookSender.push(cloneUrl, "refs/heads/main", COMMIT)));
        assertWire(
                "github-ignored-tag",
                github.send("push", "delivery-tag", GitHubWebhookSender.push(cloneUrl, "refs/tags/v1.0", COMMIT)));
        assertWire(
                "github-ignored-event", github.send("issues", "delivery-issues", GitHubWebhookSender.fixture("ping")));
        assertWire(
                "github-unknown-repository",
                github.send(
                        "push",
                        "delivery-unknown",
                        GitHubWebhookSender.push(
                                "https://git.example.test/acme/nobody.git", "refs/heads/main", COMMIT)));
    }

    @Test
    @Order(10)
    void artifact_listings_and_posts() throws Exception {
        String id = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/listed\"}");
        Path files = Files.createDirectories(artifacts.resolve(id).resolve("media"));
        Files.writeString(files.resolveSibling("manifest.json"), "{\"files\":[]}");
        Files.writeString(
                files.resolveSibling("posts.json"),
                "[{\"slug\":\"garden\",\"title\":\"Garden\",\"path\":\"notes/Garden.md\",\"url\":\"/garden\","
                        + "\"tags\":[\"plants\"],\"links\":[\"sky\"],\"backlinks\":[],\"wordCount\":120,\"html\":\"<p/>\"},"
                        + "{\"slug\":\"sky\",\"title\":\"Sky\"}]");
        Files.writeString(files.resolve("odd name.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");

        assertWire("artifacts", api.get("/api/cloudrun/jobs/" + id + "/artifacts"), Keys.KEPT);
        assertWire("posts", api.get("/api/cloudrun/jobs/" + id + "/posts"), Keys.SORTED);

        String elsewhere = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/elsewhere\"}");
        awaitDispatched(elsewhere);
        api.signedCallback("{\"jobId\":\"" + elsewhere + "\",\"status\":\"completed\",\"duration\":10,"
                + "\"result\":{\"manifest\":{\"location\":\"s3://bucket/jobs/x\",\"store\":\"s3\"}}}");
        assertWire(
                "artifacts-published-elsewhere", api.get("/api/cloudrun/jobs/" + elsewhere + "/artifacts"), Keys.KEPT);
    }

    @Test
    @Order(11)
    void deployment_webhooks_started_completed_and_failed() throws Exception {
        try (CallbackReceiver hook = CallbackReceiver.verifying("hook-secret")) {
            api.post(
                    "/api/projects",
                    "{\"id\":\"wire-announced\",\"repoUrl\":\"https://git.example.test/acme/announced\","
                            + "\"webhooks\":[{\"url\":\"" + hook.url() + "\",\"secret\":\"hook-secret\"}]}");

            String completed = deployAndFinish(id -> "{\"status\":\"completed\",\"duration\":1500,"
                    + "\"processedAt\":\"2026-12-05T10:00:00Z\",\"result\":{\"steps\":{\"publish\":{"
                    + "\"projectId\":\"wire-announced\",\"jobId\":\"" + id
                    + "\",\"location\":\"projects/wire-announced/"
                    + id + "\",\"active\":true,\"activeJobId\":\"" + id + "\",\"requestedAt\":\"2026-12-05T09:59:00Z\","
                    + "\"store\":\"local\",\"stats\":{\"pages\":3,\"files\":5,\"bytes\":1234}}}}}");
            String failed = deployAndFinish(id -> "{\"status\":\"failed\",\"error\":\"the build broke\"}");
            assertWebhook("deployment-started", hook, completed, "deployment.started");
            assertWebhook("deployment-completed", hook, completed, "deployment.completed");
            assertWebhook("deployment-failed", hook, failed, "deployment.failed");
        }
    }

    /** Deploys wire-announced and finishes the deploy with {@code finish} (the job's callback body without its jobId). */
    private static String deployAndFinish(java.util.function.UnaryOperator<String> finish) {
        TestApi.Response deploy = api.post("/api/projects/wire-announced/deploy", "{\"commit\":\"" + COMMIT + "\"}");
        assertThat(deploy.status()).as(deploy.body()).isEqualTo(202);
        String id = deploy.json().get("id").asText();
        awaitAccepted(id);
        TestApi.Response answer = api.signedCallback(
                "{\"jobId\":\"" + id + "\"," + finish.apply(id).substring(1));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return id;
    }

    private static void assertWebhook(String name, CallbackReceiver hook, String jobId, String type) throws Exception {
        CallbackReceiver.Received sent = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> hook.received().stream()
                                .filter(r -> r.body().path("type").asText().equals(type)
                                        && r.body()
                                                .path("data")
                                                .path("jobId")
                                                .asText()
                                                .equals(jobId))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
        assertWire(name, null, null, sent.rawBody(), Keys.KEPT);
    }

    private static String submitFor(String projectId, String repoUrl) {
        TestApi.Response r = api.post(
                "/api/cloudrun/jobs",
                "{\"task\":\"acquire-user-repo\",\"data\":{\"repoUrl\":\"" + repoUrl + "\"},\"projectId\":\""
                        + projectId + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("id").asText();
    }

    private static void awaitDispatched(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> api.status(id).equals("dispatched"));
    }

    /** A deploy job the Worker took: its {@code accepted} event (the deploy's start) is stored after the hand-over. */
    private static void awaitAccepted(String id) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.job(id).path("events").findValuesAsText("type").contains("accepted"));
    }

    private static void assertWire(String name, Sent sent) throws Exception {
        assertWire(name, sent.status(), "application/json", sent.body(), Keys.KEPT);
    }

    private static void assertWire(String name, TestApi.Response response, Keys keys) throws Exception {
        assertWire(name, response.status(), response.contentType(), response.body(), keys);
    }

    /** @param status the HTTP status and content type of an answer; null for a body the API sends */
    private static void assertWire(String name, Integer status, String contentType, String body, Keys keys)
            throws Exception {
        JsonNode parsed = TestApi.Response.parse(body);
        if (keys == Keys.SORTED) {
            parsed = sorted(parsed);
        }
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        if (status != null) {
            answer.put("status", status);
            answer.put("contentType", contentType);
        }
        answer.put("keys", keys.name().toLowerCase(java.util.Locale.ROOT));
        answer.set("body", normalise(parsed, new LinkedHashMap<>()));
        String actual =
                Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(answer) + "\n";
        Path fixture = Path.of("src/test/resources/wire-golden", name + ".json");
        if (Boolean.getBoolean("wire.record")) {
            Files.createDirectories(fixture.getParent());
            Files.writeString(fixture, actual);
        }
        assertThat(fixture)
                .as("fixture for %s (record with -Dwire.record=true)", name)
                .isRegularFile();
        assertThat(actual).as(name).isEqualTo(Files.readString(fixture));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Map<String, JsonNode> fields = new TreeMap<>();
            object.properties().forEach(field -> fields.put(field.getKey(), sorted(field.getValue())));
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            fields.forEach(copy::set);
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            array.forEach(item -> copy.add(sorted(item)));
            return copy;
        }
        return node;
    }

    /**
     * Replaces what changes from run to run: each UUID by {@code <uuid-N>} (numbered in order of appearance, so
     * the same id reads the same within an answer), times by {@code <time>}, the cursor, the temporary folder and
     * the fake Worker's port.
     */
    private static JsonNode normalise(JsonNode node, Map<String, String> uuids) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (name.equals("nextCursor") && value.isTextual()) {
                    object.put(name, "<cursor>");
                } else {
                    object.set(name, normalise(value, uuids));
                }
            }
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, normalise(array.get(i), uuids));
            }
            return array;
        }
        if (!node.isTextual()) {
            return node;
        }
        String text = node.asText().replace(dir.toString(), "<dir>");
        text = LOCAL_PORT.matcher(text).replaceAll("127.0.0.1:<port>");
        text = INSTANT.matcher(text).replaceAll("<time>");
        Matcher ids = UUID.matcher(text);
        StringBuilder out = new StringBuilder();
        while (ids.find()) {
            String label = ids.group().equals("00000000-0000-0000-0000-000000000000")
                    ? ids.group()
                    : uuids.computeIfAbsent(ids.group(), id -> "<uuid-" + (uuids.size() + 1) + ">");
            ids.appendReplacement(out, Matcher.quoteReplacement(label));
        }
        ids.appendTail(out);
        return TextNode.valueOf(out.toString());
    }
}
