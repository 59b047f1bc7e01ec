package dev.repoworker.embeddings;

/**
 * One post found by {@link SemanticSearch}, represented by its best chunk.
 *
 * @param score   the hybrid score (see {@link SemanticSearch}), higher is better
 * @param snippet a short excerpt of the best chunk
 * @param heading the best chunk's heading path ({@code A › B}), empty before the first heading
 */
public record SearchHit(String slug, String title, String url, double score, String snippet, String heading) {}
