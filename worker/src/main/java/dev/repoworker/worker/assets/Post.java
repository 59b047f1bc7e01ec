package dev.repoworker.worker.assets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * One post of {@code posts.json} and {@code posts/{slug}.json}. {@code canvas} is there only for a post made from a
 * {@code .canvas} file (left out otherwise, so a note's post reads as it always has).
 */
@JsonPropertyOrder({"slug", "title", "path", "url", "hash", "updated", "tags", "aliases", "links", "backlinks",
        "wordCount", "readingTimeMinutes", "excerpt", "firstImage", "toc", "frontmatter", "plain", "html", "canvas"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Post(String slug, String title, String path, String url, String hash, String updated, List<String> tags,
                   List<String> aliases, List<String> links, List<String> backlinks, int wordCount,
                   int readingTimeMinutes, String excerpt, String firstImage, List<Rendered.TocEntry> toc,
                   Map<String, Object> frontmatter, String plain, String html,
                   @JsonInclude(JsonInclude.Include.NON_NULL) Canvas canvas) {

    /** The entry of {@code posts-index.json}. */
    @JsonPropertyOrder({"slug", "title", "url", "hash", "tags", "excerpt"})
    public record IndexEntry(String slug, String title, String url, String hash, List<String> tags, String excerpt) {
    }

    IndexEntry indexEntry() {
        return new IndexEntry(slug, title, url, hash, tags, excerpt);
    }
}
