package dev.repoworker.embeddings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run did.
 *
 * @param chunks   chunks of all posts
 * @param embedded chunks the model had to embed (cache misses)
 * @param reused   chunks whose vector came from an earlier index, the cache, or an identical chunk of this run
 * @param index    {@code built} (from scratch) or {@code updated} (an earlier run's index, only changed posts rewritten)
 */
public record EmbeddingReport(int posts, int chunks, int embedded, int reused, String model, int dimension, String index,
                              long durationMs) {

    public static final String BUILT = "built";
    public static final String UPDATED = "updated";

    /** The callback {@code result} fields. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("posts", posts);
        summary.put("chunks", chunks);
        summary.put("embedded", embedded);
        summary.put("reused", reused);
        summary.put("model", model);
        summary.put("dimension", dimension);
        summary.put("index", index);
        summary.put("durationMs", durationMs);
        return summary;
    }
}
