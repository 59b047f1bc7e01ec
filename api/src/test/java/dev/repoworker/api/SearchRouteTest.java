package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.embeddings.EmbeddingCache;
import dev.repoworker.embeddings.LocalMiniLmEmbedder;
import dev.repoworker.embeddings.ProgressListener;
import dev.repoworker.testkit.TestVault;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/cloudrun/jobs/{id}/search} on a real API, over embeddings made by the real model. */
class SearchRouteTest {

    @TempDir
    static Path dir;

    static FakeWorker worker;
    static TestApi api;
    static String embedded;
    static String bare;

    @BeforeAll
    static void start() throws Exception {
        worker = new FakeWorker();
        Path artifacts = dir.resolve("artifacts");
        api = TestApi.start(dir, Map.of("REPO_WORKER_API_URL", worker.url(), "ARTIFACTS_DIR", artifacts.toString()));
        embedded = api.submit("compute-embeddings", "{\"artifactsOf\":\"build-1\"}");
        bare = api.submit("compute-embeddings", "{\"artifactsOf\":\"build-2\"}");
        Path build = artifacts.resolve("build-1");
        TestVault.write(build, TestVault.notes());
        new ComputeEmbeddings(LocalMiniLmEmbedder.shared(), new EmbeddingCache(dir.resolve("cache")))
                .computeEmbeddings(build, artifacts.resolve(embedded), ProgressListener.NONE);
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
    }

    private static TestApi.Response search(String id, String query) {
        return api.get("/api/cloudrun/jobs/" + id + "/search?" + query);
    }

    private static String q(String text) {
        return "q=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void a_query_returns_posts_ranked_by_their_best_chunk() {
        TestApi.Response response = search(embedded, q("my container keeps restarting") + "&k=3");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode hits = response.json();
        assertThat(hits.isArray()).isTrue();
        assertThat(hits).hasSize(3);
        JsonNode best = hits.get(0);
        assertThat(best.get("slug").asText()).isEqualTo("kubernetes-crashloop");
        assertThat(best.get("title").asText()).isEqualTo("Debugging a CrashLoopBackOff");
        assertThat(best.get("url").asText()).isEqualTo("/kubernetes-crashloop/");
        assertThat(best.get("score").asDouble())
                .isGreaterThan(hits.get(2).get("score").asDouble());
        assertThat(best.get("snippet").asText()).isNotBlank();
        assertThat(best.has("heading")).isTrue();
    }

    @Test
    void k_defaults_to_ten() {
        assertThat(search(embedded, q("gardening")).json()).hasSize(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "q=", "q=%20%20", "k=3"})
    void an_empty_query_is_a_400_naming_q(String query) {
        TestApi.Response response = search(embedded, query);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").get("field").asText()).isEqualTo("q");
        assertThat(response.json().get("error").get("message").asText()).contains("q");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "ten"})
    void k_out_of_range_is_a_400_naming_k(String k) {
        TestApi.Response response = search(embedded, q("bread") + "&k=" + k);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").get("field").asText()).isEqualTo("k");
    }

    @Test
    void an_unknown_job_is_a_404() {
        TestApi.Response response = search("0b7a3c52-0000-4000-8000-000000000000", q("bread"));
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void a_job_without_embeddings_is_a_409_that_says_so() {
        TestApi.Response response = search(bare, q("bread"));
        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("error").get("message").asText()).contains("has no embeddings");
    }
}
