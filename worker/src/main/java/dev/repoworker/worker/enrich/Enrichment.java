package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What enrich-data adds to one post of {@code posts.json}: merged over the post as read (a field of the same name is
 * replaced where it stands, a new one goes last, an absent one — no related posts, no history — is left as it was),
 * so everything else the file holds stays as it is.
 *
 * @param related the first {@link EnrichData#RELATED_LIMIT} entries of {@code related.json}, passed through
 */
@JsonPropertyOrder({"related", "backlinkContexts", "wordCount", "readingTimeMinutes", "history"})
record Enrichment(
        JsonNode related,
        List<Backlink> backlinkContexts,
        int wordCount,
        int readingTimeMinutes,
        GitHistory.FileHistory history) {

    /** A post that links here, with the sentence the link stands in. */
    @JsonPropertyOrder({"slug", "title", "url", "context"})
    record Backlink(String slug, String title, String url, String context) {}

    /** The post's entry of {@code enriched.json}. */
    @JsonPropertyOrder({"related", "backlinks", "wordCount", "readingTimeMinutes", "history"})
    record Entry(
            JsonNode related,
            List<Backlink> backlinks,
            int wordCount,
            int readingTimeMinutes,
            GitHistory.FileHistory history) {}

    Entry entry() {
        return new Entry(related, backlinkContexts, wordCount, readingTimeMinutes, history);
    }
}
