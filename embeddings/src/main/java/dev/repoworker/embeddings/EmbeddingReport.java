package dev.repoworker.embeddings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run did.
 *
 * @param chunks   chunks of all posts
 * @param embedded chunks the model had to embed (cache misses)
 * @param reused   chunks whose vector came from the cache (or from an identical chunk of this run)
 */
public record EmbeddingReport(int posts, int chunks, int embedded, int reused, String model, int dimension, long durationMs) {

    /** The callback {@code result} fields. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("posts", posts);
        summary.put("chunks", chunks);
        summary.put("embedded", embedded);
        summary.put("reused", reused);
        summary.put("model", model);
        summary.put("dimension", dimension);
        summary.put("durationMs", durationMs);
        return summary;
    }
}
