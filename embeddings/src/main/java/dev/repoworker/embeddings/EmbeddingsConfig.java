package dev.repoworker.embeddings;

import dev.repoworker.protocol.Env;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code EMBEDDINGS_*} variables, shared by the Worker (computing) and the API and CLI (query
 * time): {@code EMBEDDINGS_URL} set → an OpenAI-compatible endpoint, otherwise the local model.
 *
 * @param url       OpenAI-compatible base URL, or empty for the local all-MiniLM-L6-v2 model
 * @param model     the hosted model's name ({@code EMBEDDINGS_MODEL}); ignored for the local model
 * @param dimension the hosted model's dimension, 0 = learn it from the first answer
 * @param cacheDir  the persistent vector cache ({@code EMBEDDINGS_CACHE_DIR})
 */
public record EmbeddingsConfig(
        Optional<String> url,
        String model,
        Optional<String> apiKey,
        int dimension,
        int batchSize,
        Duration timeout,
        Path cacheDir) {

    public static final String DEFAULT_HTTP_MODEL = "text-embedding-3-small";

    /** @param defaultCacheDir where the cache goes when {@code EMBEDDINGS_CACHE_DIR} is not set */
    public static EmbeddingsConfig fromEnv(Map<String, String> variables, Path defaultCacheDir) {
        Env env = new Env(variables);
        Optional<String> url = env.text("EMBEDDINGS_URL");
        url.ifPresent(EmbeddingsConfig::checkUrl);
        Duration timeout = env.duration("EMBEDDINGS_TIMEOUT", Duration.ofSeconds(60));
        if (timeout.isZero()) {
            throw new Env.InvalidConfigException("EMBEDDINGS_TIMEOUT", "must be longer than zero");
        }
        return new EmbeddingsConfig(
                url,
                env.text("EMBEDDINGS_MODEL", DEFAULT_HTTP_MODEL),
                env.text("EMBEDDINGS_API_KEY"),
                env.integer("EMBEDDINGS_DIMENSION", 0, 0, 65_536),
                env.integer("EMBEDDINGS_BATCH_SIZE", 64, 1, 2048),
                timeout,
                env.path("EMBEDDINGS_CACHE_DIR", defaultCacheDir));
    }

    private static void checkUrl(String value) {
        try {
            URI uri = URI.create(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new Env.InvalidConfigException("EMBEDDINGS_URL", "must be an http(s) URL, got '" + value + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new Env.InvalidConfigException("EMBEDDINGS_URL", "must be an http(s) URL, got '" + value + "'");
        }
    }

    /** The model name vectors will carry (without loading anything). */
    public String modelName() {
        return url.isPresent() ? model : LocalMiniLmEmbedder.MODEL;
    }

    /** The configured embedder; the local model loads lazily on first use. */
    public Embedder createEmbedder() {
        return url.<Embedder>map(u -> new HttpEmbedder(u, model, apiKey, dimension, batchSize, timeout))
                .orElseGet(LazyLocal::new);
    }

    public EmbeddingCache createCache() {
        return new EmbeddingCache(cacheDir);
    }

    /** Defers loading the ONNX model until the first call, so services that never embed start fast. */
    private static final class LazyLocal implements Embedder {
        @Override
        public String model() {
            return LocalMiniLmEmbedder.MODEL;
        }

        @Override
        public int dimension() {
            return LocalMiniLmEmbedder.DIMENSION;
        }

        @Override
        public int batchSize() {
            return LocalMiniLmEmbedder.shared().batchSize();
        }

        @Override
        public float[][] embed(java.util.List<String> texts) throws InterruptedException {
            return LocalMiniLmEmbedder.shared().embed(texts);
        }
    }
}
