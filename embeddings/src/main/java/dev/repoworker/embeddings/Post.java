package dev.repoworker.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one {@code posts.json} entry this module uses (written by {@code build-assets});
 * anything else in the file is ignored, anything missing falls back.
 *
 * @param toc headings of {@code plain}, used only when there is no {@code html}
 */
public record Post(String slug, String title, String url, String html, String plain, List<TocEntry> toc) {

    /** One heading of the table of contents. */
    public record TocEntry(int level, String text, String anchor) {
    }

    public Post {
        slug = slug == null ? "" : slug;
        title = title == null ? "" : title;
        url = url == null ? "" : url;
        toc = toc == null ? List.of() : List.copyOf(toc);
    }

    /** Lenient reading: strings where strings are expected, otherwise empty; the slug falls back to url, then title. */
    static Post fromJson(JsonNode node, int index) {
        String title = text(node, "title");
        String url = text(node, "url");
        String slug = text(node, "slug");
        if (slug.isBlank()) {
            slug = !url.isBlank() ? url : !title.isBlank() ? title : "post-" + index;
        }
        String html = node.path("html").isTextual() ? node.get("html").asText() : null;
        String plain = node.path("plain").isTextual() ? node.get("plain").asText()
                : node.path("text").isTextual() ? node.get("text").asText() : null;
        List<TocEntry> toc = new ArrayList<>();
        collectToc(node.path("toc"), 1, toc);
        return new Post(slug, title.isBlank() ? slug : title, url, html, plain, toc);
    }

    private static void collectToc(JsonNode entries, int defaultLevel, List<TocEntry> out) {
        if (!entries.isArray()) {
            return;
        }
        for (JsonNode entry : entries) {
            String text = firstText(entry, "text", "title", "heading", "value");
            int level = entry.has("level") ? entry.get("level").asInt(defaultLevel)
                    : entry.has("depth") ? entry.get("depth").asInt(defaultLevel) : defaultLevel;
            if (!text.isBlank()) {
                out.add(new TocEntry(Math.max(1, Math.min(6, level)), text, firstText(entry, "anchor", "id", "slug")));
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
