package dev.repoworker.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Post} read leniently from one {@code posts.json} entry, as far as the embeddings need it (slug, title,
 * url, html, plain, toc): strings where strings are expected, otherwise empty; the rest of the record stays empty.
 */
final class LenientPost {

    private LenientPost() {}

    /** The slug falls back to url, then title, then {@code post-<index>}; the title to the slug. */
    static Post fromJson(JsonNode node, int index) {
        String title = text(node, "title");
        String url = text(node, "url");
        String slug = text(node, "slug");
        if (slug.isBlank()) {
            slug = !url.isBlank() ? url : !title.isBlank() ? title : "post-" + index;
        }
        String html = node.path("html").isTextual() ? node.get("html").asText() : null;
        String plain = node.path("plain").isTextual()
                ? node.get("plain").asText()
                : node.path("text").isTextual() ? node.get("text").asText() : null;
        List<Post.TocEntry> toc = new ArrayList<>();
        collectToc(node.path("toc"), 1, toc);
        return new Post(
                slug,
                title.isBlank() ? slug : title,
                null,
                url,
                null,
                null,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                0,
                0,
                null,
                null,
                List.copyOf(toc),
                null,
                plain,
                html,
                null);
    }

    private static void collectToc(JsonNode entries, int defaultLevel, List<Post.TocEntry> out) {
        if (!entries.isArray()) {
            return;
        }
        for (JsonNode entry : entries) {
            String text = firstText(entry, "text", "title", "heading", "value");
            int level = entry.has("level")
                    ? entry.get("level").asInt(defaultLevel)
                    : entry.has("depth") ? entry.get("depth").asInt(defaultLevel) : defaultLevel;
            if (!text.isBlank()) {
                out.add(new Post.TocEntry(
                        Math.max(1, Math.min(6, level)), text, firstText(entry, "anchor", "id", "slug")));
            }
            collectToc(entry.path("children"), level + 1, out);
        }
    }

    private static String firstText(JsonNode node, String... names) {
        for (String name : names) {
            String value = text(node, name);
            if (!value.isBlank()) {
                return value;
            }
        }
        return "";
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.path(name);
        return value.isTextual() || value.isNumber() ? value.asText().trim() : "";
    }
}
