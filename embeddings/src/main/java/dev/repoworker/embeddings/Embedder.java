package dev.repoworker.embeddings;

import java.io.IOException;
import java.util.List;

/**
 * Turns texts into vectors. The {@link #model()} name and {@link #dimension()} are recorded with
 * every vector (cache keys, {@code meta.json}), so a query is always embedded by the model that
 * built the index it searches.
 */
public interface Embedder {

    /** A stable model name, e.g. {@code all-minilm-l6-v2-q} or the hosted model's name. */
    String model();

    /** Length of every vector {@link #embed} returns. */
    int dimension() throws IOException, InterruptedException;

    /** One vector per text, in order. Implementations batch and parallelise as they see fit. */
    float[][] embed(List<String> texts) throws IOException, InterruptedException;

    /** How many texts a caller should hand over at once (progress and cancellation granularity). */
    default int batchSize() {
        return 64;
    }
}
