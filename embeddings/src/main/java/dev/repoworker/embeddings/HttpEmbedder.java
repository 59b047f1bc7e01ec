package dev.repoworker.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Backoff;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.RetryAfter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OpenAI-compatible embeddings endpoint: {@code POST {baseUrl}/v1/embeddings} with
 * {@code {"model", "input": [texts]}}, answering {@code {"data":[{"index","embedding"}]}}. The
 * bearer key, when given, goes in the {@code Authorization} header only. Requests carry at most
 * {@link #batchSize()} texts; 429 and 5xx are retried with backoff.
 */
public final class HttpEmbedder implements Embedder {

    private static final int MAX_TRIES = 4;
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(4));
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofSeconds(30);

    private final URI endpoint;
    private final String model;
    private final Optional<String> apiKey;
    private final int batchSize;
    private final Duration timeout;
    private final HttpClient http;
    private volatile int dimension;

    /**
     * @param baseUrl   e.g. {@code https://api.openai.com} ({@code /v1/embeddings} is appended unless
     *                  the URL already ends with {@code /v1} or {@code /embeddings})
     * @param dimension the known dimension, or 0 to learn it from the first answer
     */
    public HttpEmbedder(
            String baseUrl, String model, Optional<String> apiKey, int dimension, int batchSize, Duration timeout) {
        this.endpoint = endpoint(baseUrl);
        this.model = model;
        this.apiKey = apiKey;
        this.dimension = dimension;
        this.batchSize = batchSize;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    static URI endpoint(String baseUrl) {
        String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (url.endsWith("/embeddings")) {
            return URI.create(url);
        }
        return URI.create(url.endsWith("/v1") ? url + "/embeddings" : url + "/v1/embeddings");
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int dimension() throws IOException, InterruptedException {
        if (dimension == 0) {
            embed(List.of("dimension probe"));
        }
        return dimension;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public float[][] embed(List<String> texts) throws IOException, InterruptedException {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
            float[][] vectors = request(batch);
            System.arraycopy(vectors, 0, out, from, vectors.length);
        }
        return out;
    }

    private float[][] request(List<String> batch) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("input", batch);
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body)));
        apiKey.ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        HttpRequest request = builder.build();
        IOException last = null;
        Duration retryAfter = null;
        for (int attempt = 1; attempt <= MAX_TRIES; attempt++) {
            if (attempt > 1) {
                Thread.sleep(BACKOFF.delay(attempt - 2, retryAfter, LONGEST_RETRY_AFTER)
                        .toMillis());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = new IOException("embeddings endpoint " + endpoint + " unreachable: " + e.getMessage(), e);
                continue;
            }
            int status = response.statusCode();
            if (status == 200) {
                return parse(response.body(), batch.size());
            }
            last = new IOException(
                    "embeddings endpoint " + endpoint + " answered " + status + ": " + excerpt(response.body()));
            retryAfter = RetryAfter.parse(
                            response.headers().firstValue("Retry-After").orElse(null), Instant.now())
                    .orElse(null);
            if (status != 429 && status < 500) {
                break;
            }
        }
        throw last;
    }

    private float[][] parse(String text, int expected) throws IOException {
        JsonNode data = Json.mapper().readTree(text).path("data");
        if (!data.isArray() || data.size() != expected) {
            throw new IOException("embeddings endpoint " + endpoint + " returned " + (data.isArray() ? data.size() : 0)
                    + " vectors for " + expected + " inputs");
        }
        float[][] vectors = new float[expected][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            int index = item.has("index") ? item.get("index").asInt() : i;
            JsonNode embedding = item.path("embedding");
            if (index < 0 || index >= expected || !embedding.isArray() || embedding.isEmpty()) {
                throw new IOException("embeddings endpoint " + endpoint + " returned a malformed item at " + i);
            }
            float[] vector = new float[embedding.size()];
            for (int j = 0; j < vector.length; j++) {
                vector[j] = (float) embedding.get(j).asDouble();
            }
            checkDimension(vector.length);
            vectors[index] = vector;
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            if (vectors[i] == null) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException("embeddings endpoint " + endpoint + " returned no vector for inputs " + missing);
        }
        return vectors;
    }

    private synchronized void checkDimension(int length) throws IOException {
        if (dimension == 0) {
            dimension = length;
        } else if (dimension != length) {
            throw new IOException(
                    "embeddings endpoint " + endpoint + " returned " + length + " dimensions, expected " + dimension);
        }
    }

    private static String excerpt(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }
}
