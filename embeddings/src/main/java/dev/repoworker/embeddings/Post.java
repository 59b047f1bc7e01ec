package dev.repoworker.embeddings;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * One post of {@code posts.json} and {@code posts/{slug}.json}, the one record for the file: build-assets writes it,
 * compute-embeddings reads it ({@link LenientPost}: missing fields fall back, unknown ones are ignored, so files of
 * older versions and of the original system still read). {@code canvas} is there only for a post made from a
 * {@code .canvas} file (left out otherwise, so a note's post reads as it always has).
 *
 * @param toc headings of the post; the embeddings use it for {@code plain} when there is no {@code html}
 */
@JsonPropertyOrder({
    "slug",
    "title",
    "path",
    "url",
    "hash",
    "updated",
    "tags",
    "aliases",
    "links",
    "backlinks",
    "wordCount",
    "readingTimeMinutes",
    "excerpt",
    "firstImage",
    "toc",
    "frontmatter",
    "plain",
    "html",
    "canvas"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Post(
        String slug,
        String title,
        String path,
        String url,
        String hash,
        String updated,
        List<String> tags,
        List<String> aliases,
        List<String> links,
        List<String> backlinks,
        int wordCount,
        int readingTimeMinutes,
        String excerpt,
        String firstImage,
        List<TocEntry> toc,
        Map<String, Object> frontmatter,
        String plain,
        String html,
        @JsonInclude(JsonInclude.Include.NON_NULL) Canvas canvas) {

    /** A heading of the table of contents; {@code id} is the anchor in the post's HTML. */
    @JsonPropertyOrder({"level", "text", "id"})
    public record TocEntry(int level, String text, String id) {}

    /** The entry of {@code posts-index.json}. */
    @JsonPropertyOrder({"slug", "title", "url", "hash", "tags", "excerpt"})
    public record IndexEntry(String slug, String title, String url, String hash, List<String> tags, String excerpt) {}

    public IndexEntry indexEntry() {
        return new IndexEntry(slug, title, url, hash, tags, excerpt);
    }
}
