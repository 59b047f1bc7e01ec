package dev.repoworker.worker.assets;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Set;

/** What rendering one note gives: sanitised HTML and what was learnt on the way; {@code canvas} only for a canvas. */
record Rendered(String html, String plain, String excerpt, List<TocEntry> toc, String firstHeading,
                Set<String> links, Set<String> embeds, Set<String> tags, Set<String> media, String firstImage,
                Canvas canvas) {

    /** A heading of the table of contents; {@code id} is the anchor in the post's HTML. */
    @JsonPropertyOrder({"level", "text", "id"})
    record TocEntry(int level, String text, String id) {
    }
}
