package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the {@code result} JSON of every task and pipeline: each runs through a real Worker on fixed local
 * inputs, and its final callback's result, with only the volatile values blanked ({@link #VOLATILE}), must equal
 * the fixture under {@code src/test/resources/wire/}. The fixtures were recorded from the code before the
 * typed-task refactoring ({@code -Dwire.record=true} writes them again).
 *
 * <p>Keys are compared in sorted order: before the refactoring several result maps were {@code Map.of}/{@code
 * Map.copyOf}, whose iteration order changes from one JVM run to the next, so no key order was stable to pin.
 */
@TestMethodOrder(
        MethodOrderer.OrderAnnotation.class) // the embeddings cache is shared: reuse counts depend on the order
class TaskResultWireTest {

    /** Fields whose values change from run to run: timings (the commit of a repository made at test time is blanked by {@link #normalise}). */
    private static final Set<String> VOLATILE = Set.of("durationMs", "durationsMs");

    /**
     * Sections that count a whole artifact set: their {@code bytes} are blanked, and when the set holds an embeddings index
     * their {@code files} too, since the index is written by parallel threads whose number of Lucene segments varies by run.
     */
    private static final Set<String> ARTIFACT_SET_SIZES = Set.of("manifest", "stats");

    private static final String SECRET = Signatures.newSecret();

    @TempDir
    static Path temp;

    static WorkerApp app;
    static CallbackReceiver receiver;
    static SignedHttp http;
    static TestRepos.Repo vault;
    static TestRepos.Repo template;

    @BeforeAll
    static void start() {
        vault = TestRepos.init(temp.resolve("vault"));
        vault.write("alpha.md", PipelinesTest.ALPHA.replace("Turning the heap", "Turn it"));
        vault.write("beta.md", PipelinesTest.BETA);
        vault.commit("first notes");
        vault.write("alpha.md", PipelinesTest.ALPHA);
        vault.write("notes/gamma.md", PipelinesTest.GAMMA);
        vault.commit("more notes");
        template = TestRepos.withFiles(
                temp.resolve("template"), Map.of("README.md", "# Starter\n", "notes/welcome.md", "Welcome\n"));

        Map<String, String> env = TestWorkers.env(SECRET, temp.resolve("tmp"));
        env.put("ARTIFACTS_DIR", temp.resolve("artifacts").toString());
        env.put("EMBEDDINGS_CACHE_DIR", temp.resolve("cache").toString());
        env.put("REPO_HOST", "local");
        env.put("LOCAL_REPO_ROOT", temp.resolve("hosted").toString());
        app = TestWorkers.start(env);
        receiver = CallbackReceiver.verifying(SECRET);
        http = new SignedHttp(app.port(), SECRET);
    }

    @AfterAll
    static void stop() {
        app.stop();
        receiver.close();
    }

    @Test
    @Order(1)
    void acquire_user_repo() throws Exception {
        assertWire("acquire-user-repo", "acquire-1", Map.of("repoUrl", vault.fileUrl()));
    }

    @Test
    @Order(2)
    void build_assets_then_compute_embeddings_then_enrich_data() throws Exception {
        assertWire("build-assets", "build-1", Map.of("repoUrl", vault.fileUrl()));
        assertWire("compute-embeddings", "embed-1", Map.of("artifactsOf", "build-1"));
        assertWire("enrich-data", "enrich-1", Map.of("artifactsOf", "build-1", "shortPostWords", 10));
    }

    @Test
    @Order(3)
    void process_all() throws Exception {
        assertWire("process-all", "all-1", Map.of("repoUrl", vault.fileUrl()));
    }

    @Test
    @Order(4)
    void process_with_repo_and_publish() throws Exception {
        assertWire(
                "process-with-repo",
                "pwr-1",
                Map.of(
                        "repoUrl",
                        vault.fileUrl(),
                        "publish",
                        true,
                        "projectId",
                        "site-1",
                        "deployRequestedAt",
                        "2026-06-01T10:00:00Z"));
    }

    @Test
    @Order(5)
    void deploy_repo() throws Exception {
        assertWire(
                "deploy-repo",
                "deploy-1",
                Map.of(
                        "repoUrl",
                        vault.fileUrl(),
                        "projectId",
                        "site-2",
                        "commit",
                        "latest",
                        "deployRequestedAt",
                        "2026-06-01T10:00:00Z"));
    }

    @Test
    @Order(6)
    void new_repo_from_template_and_process_from_template() throws Exception {
        assertWire(
                "new-repo-from-template",
                "tpl-1",
                Map.of(
                        "templateRepoUrl",
                        template.fileUrl(),
                        "newRepoName",
                        "my-site",
                        "newRepoDescription",
                        "My new site",
                        "isPrivate",
                        true));
        assertWire(
                "process-from-template",
                "tpl-2",
                Map.of("templateRepoUrl", vault.fileUrl(), "newRepoName", "my-vault"));
    }

    @Test
    @Order(7)
    void noop() throws Exception {
        assertWire("noop", "noop-1", Map.of("durationMs", 1));
    }

    private static void assertWire(String task, String jobId, Map<String, Object> data) throws Exception {
        assertThat(http.post(
                                "/process",
                                Map.of("jobId", jobId, "task", task, "callbackUrl", receiver.url(), "data", data))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(180))
                .until(() -> receiver.receivedFor(jobId).stream()
                        .anyMatch(r -> !r.status().equals("running")));
        CallbackReceiver.Received callback = receiver.receivedFor(jobId).stream()
                .filter(r -> !r.status().equals("running"))
                .findFirst()
                .orElseThrow();
        assertThat(callback.status()).as(callback.rawBody()).isEqualTo("completed");

        JsonNode result = callback.body().path("result");
        boolean holdsIndex =
                task.equals("compute-embeddings") || result.path("steps").has("compute-embeddings");
        String actual = canonical(normalise(result.deepCopy(), holdsIndex));
        Path fixture = Path.of("src/test/resources/wire", task + ".json");
        if (Boolean.getBoolean("wire.record")) {
            Files.writeString(fixture, actual);
        }
        assertThat(fixture)
                .as("fixture for %s (record with -Dwire.record=true)", task)
                .isRegularFile();
        assertThat(actual).as(task).isEqualTo(Files.readString(fixture));
    }

    /** Blanks the {@link #VOLATILE} fields, the {@link #ARTIFACT_SET_SIZES} and the commit of a repository made at test time; replaces the temp folder. */
    private static JsonNode normalise(JsonNode node, boolean holdsIndex) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (VOLATILE.contains(field.getKey())) {
                    field.setValue(TextNode.valueOf("<" + field.getKey() + ">"));
                } else if (ARTIFACT_SET_SIZES.contains(field.getKey())
                        && field.getValue().has("bytes")) {
                    ((ObjectNode) field.getValue()).put("bytes", "<bytes of the artifact set>");
                    if (holdsIndex) {
                        ((ObjectNode) field.getValue()).put("files", "<files of an artifact set with an index>");
                    }
                } else {
                    field.setValue(normalise(field.getValue(), holdsIndex));
                }
            }
            if (object.has("newRepo") && object.has("commit")) {
                object.put("commit", "<commit of the new repository>");
            }
            if ("template".equals(object.path("source").asText()) && object.has("commit")) {
                object.put("commit", "<commit of the new repository>");
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, normalise(node.get(i), holdsIndex));
            }
        } else if (node.isTextual() && node.asText().contains(temp.toString())) {
            return TextNode.valueOf(node.asText().replace(temp.toString(), "<temp>"));
        }
        return node;
    }

    private static String canonical(JsonNode node) throws Exception {
        Object sorted = Json.mapper().treeToValue(node, Object.class);
        return Json.mapper()
                        .copy()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                        .writeValueAsString(sorted)
                + "\n";
    }
}
