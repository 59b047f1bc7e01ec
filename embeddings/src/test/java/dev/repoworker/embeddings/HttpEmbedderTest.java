package dev.repoworker.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real local HTTP server that speaks the OpenAI {@code /v1/embeddings} protocol. */
class HttpEmbedderTest {

    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 503;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", this::embeddings);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A vector per input: {@code [length, first char, 1]}, answered in reverse order with indexes. */
    private void embeddings(HttpExchange exchange) throws IOException {
        JsonNode body = Json.mapper().readTree(exchange.getRequestBody());
        requests.add(body);
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        if (failuresLeft.getAndDecrement() > 0) {
            respond(exchange, failureStatus, "{\"error\":{\"message\":\"try later\"}}");
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod()) || !body.path("input").isArray()) {
            respond(exchange, 400, "{\"error\":{\"message\":\"input must be an array\"}}");
            return;
        }
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = body.get("input").size() - 1; i >= 0; i--) {
            String text = body.get("input").get(i).asText();
            data.add(Map.of(
                    "object",
                    "embedding",
                    "index",
                    i,
                    "embedding",
                    List.of((double) text.length(), (double) text.charAt(0), 1.0)));
        }
        respond(
                exchange,
                200,
                Json.write(Map.of(
                        "object",
                        "list",
                        "model",
                        body.path("model").asText(),
                        "data",
                        data,
                        "usage",
                        Map.of("prompt_tokens", 1, "total_tokens", 1))));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private HttpEmbedder embedder(int batchSize) {
        return new HttpEmbedder(url(), "test-model", Optional.of("sk-test"), 0, batchSize, Duration.ofSeconds(5));
    }

    @Test
    void embeds_in_batches_keeping_the_input_order_and_sends_model_and_bearer_key() throws Exception {
        HttpEmbedder embedder = embedder(2);

        float[][] vectors = embedder.embed(List.of("a", "bb", "ccc", "dddd", "eeeee"));

        assertThat(vectors).hasDimensions(5, 3);
        for (int i = 0; i < 5; i++) {
            assertThat(vectors[i][0]).isEqualTo(i + 1f);
            assertThat(vectors[i][1]).isEqualTo((float) ("abcde".charAt(i)));
        }
        assertThat(requests).hasSize(3);
        assertThat(requests).allSatisfy(r -> assertThat(r.get("model").asText()).isEqualTo("test-model"));
        assertThat(requests.get(0).get("input")).hasSize(2);
        assertThat(authorizations).containsOnly("Bearer sk-test");
        assertThat(embedder.model()).isEqualTo("test-model");
        assertThat(embedder.dimension()).isEqualTo(3);
    }

    @Test
    void the_dimension_is_learned_from_the_first_answer() throws Exception {
        assertThat(embedder(8).dimension()).isEqualTo(3);
        assertThat(requests).hasSize(1);
    }

    @Test
    void busy_answers_are_retried() throws Exception {
        failuresLeft.set(2);
        failureStatus = 429;
        assertThat(embedder(8).embed(List.of("x"))).hasDimensions(1, 3);
        assertThat(requests).hasSize(3);
    }

    @Test
    void a_client_error_fails_at_once_with_the_status_and_message() {
        failuresLeft.set(1);
        failureStatus = 401;
        assertThatThrownBy(() -> embedder(8).embed(List.of("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("try later");
        assertThat(requests).hasSize(1);
    }

    @Test
    void a_dimension_that_differs_from_the_configured_one_is_refused() {
        HttpEmbedder embedder = new HttpEmbedder(url(), "m", Optional.empty(), 1536, 8, Duration.ofSeconds(5));
        assertThatThrownBy(() -> embedder.embed(List.of("x"))).hasMessageContaining("3 dimensions, expected 1536");
        assertThat(authorizations).containsExactly("null");
    }

    @Test
    void base_urls_get_the_embeddings_path() {
        assertThat(HttpEmbedder.endpoint("https://api.example.com"))
                .hasToString("https://api.example.com/v1/embeddings");
        assertThat(HttpEmbedder.endpoint("https://api.example.com/v1/"))
                .hasToString("https://api.example.com/v1/embeddings");
        assertThat(HttpEmbedder.endpoint("http://h:1/openai/v1/embeddings"))
                .hasToString("http://h:1/openai/v1/embeddings");
    }

    @Test
    void the_whole_computation_runs_on_the_http_embedder_and_records_its_model(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.repoworker.testkit.TestVault.write(
                dir, dev.repoworker.testkit.TestVault.notes().subList(0, 3));
        EmbeddingReport report = new ComputeEmbeddings(embedder(16), new EmbeddingCache(dir.resolve("cache")))
                .computeEmbeddings(dir, dir, ProgressListener.NONE);
        assertThat(report.model()).isEqualTo("test-model");
        assertThat(report.dimension()).isEqualTo(3);
        assertThat(IndexMeta.read(dir.resolve("embeddings")).model()).isEqualTo("test-model");
        assertThat(dir.resolve("cache").resolve("test-model")).isDirectory();
    }

    @Test
    void configuration_picks_http_when_a_url_is_set_and_the_local_model_otherwise(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        EmbeddingsConfig http = EmbeddingsConfig.fromEnv(
                Map.of("EMBEDDINGS_URL", url(), "EMBEDDINGS_MODEL", "m-1", "EMBEDDINGS_API_KEY", "k"), dir);
        assertThat(http.createEmbedder()).isInstanceOf(HttpEmbedder.class);
        assertThat(http.modelName()).isEqualTo("m-1");
        EmbeddingsConfig local = EmbeddingsConfig.fromEnv(Map.of(), dir);
        assertThat(local.createEmbedder().model()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(local.cacheDir()).isEqualTo(dir);
        assertThatThrownBy(() -> EmbeddingsConfig.fromEnv(Map.of("EMBEDDINGS_URL", "ftp://x"), dir))
                .hasMessageContaining("EMBEDDINGS_URL");
    }
}
