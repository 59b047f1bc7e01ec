package dev.repoworker.embeddings;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What one run did.
 *
 * @param chunks   chunks of all posts
 * @param embedded chunks the model had to embed (cache misses)
 * @param reused   chunks whose vector came from an earlier index, the cache, or an identical chunk of this run
 * @param index    {@code built} (from scratch) or {@code updated} (an earlier run's index, only changed posts rewritten)
 * @param durationMs the run's time; results carry it as the task's or the pipeline step's own {@code durationMs}, not here
 */
public record EmbeddingReport(
        int posts,
        int chunks,
        int embedded,
        int reused,
        String model,
        int dimension,
        String index,
        @JsonIgnore long durationMs) {

    public static final String BUILT = "built";
    public static final String UPDATED = "updated";
}
