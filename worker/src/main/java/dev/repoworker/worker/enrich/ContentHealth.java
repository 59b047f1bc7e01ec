package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code health.json}: posts without title or description, short posts, orphans, unused media, and the build's
 * broken links, missing media and slug conflicts.
 */
final class ContentHealth {

    private ContentHealth() {}

    static Map<String, Object> of(
            List<ObjectNode> posts,
            Map<String, List<Enrichment.Backlink>> backlinks,
            JsonNode issues,
            JsonNode medias,
            JsonNode graph,
            int shortPostWords) {
        List<Map<String, Object>> problems = new ArrayList<>();
        for (ObjectNode post : posts) {
            addPostProblems(post, backlinks, shortPostWords, problems);
        }
        addUnusedMedia(medias, graph, problems);
        addBuildIssues(issues, problems);
        Map<String, Integer> counts = new TreeMap<>();
        problems.forEach(p -> counts.merge((String) p.get("kind"), 1, Integer::sum));
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("posts", posts.size());
        health.put("counts", counts);
        health.put("problems", problems);
        return health;
    }

    private static void addPostProblems(
            ObjectNode post,
            Map<String, List<Enrichment.Backlink>> backlinks,
            int shortPostWords,
            List<Map<String, Object>> problems) {
        String slug = post.path("slug").asText();
        String file = post.path("path").asText(slug);
        JsonNode fm = post.path("frontmatter");
        if (blank(fm.path("title"))) {
            problems.add(problem(
                    "missing-title",
                    file,
                    slug,
                    "no title in the frontmatter (the title falls back to \""
                            + post.path("title").asText() + "\")"));
        }
        if (blank(fm.path("description"))) {
            problems.add(problem("missing-description", file, slug, "no description in the frontmatter"));
        }
        int words = post.path("wordCount").asInt();
        if (words < shortPostWords) {
            problems.add(
                    problem("short-post", file, slug, "only " + words + " words (fewer than " + shortPostWords + ")"));
        }
        boolean linksOut = post.path("links").size() > 0;
        boolean linksIn = !backlinks.getOrDefault(slug, List.of()).isEmpty()
                || post.path("backlinks").size() > 0;
        if (!linksOut && !linksIn) {
            problems.add(problem("orphan", file, slug, "no links to or from other posts"));
        }
    }

    /** Media files no post shows or links, by the graph's media links. */
    private static void addUnusedMedia(JsonNode medias, JsonNode graph, List<Map<String, Object>> problems) {
        Set<String> usedMedia = new TreeSet<>();
        for (JsonNode link : graph.path("links")) {
            if ("media".equals(link.path("type").asText())) {
                usedMedia.add(link.path("target").asText().replaceFirst("^media:", ""));
            }
        }
        for (JsonNode media : medias) {
            if (!usedMedia.contains(media.path("hash").asText())) {
                problems.add(
                        problem("unused-media", media.path("path").asText(), null, "no post shows or links this file"));
            }
        }
    }

    /** The build's issues that are content problems: broken links, missing media, slug conflicts. */
    private static void addBuildIssues(JsonNode issues, List<Map<String, Object>> problems) {
        for (JsonNode issue : issues) {
            String kind = issue.path("kind").asText();
            if (kind.equals("broken-link") || kind.equals("missing-media") || kind.equals("slug-conflict")) {
                Map<String, Object> p = problem(
                        kind,
                        issue.path("file").asText(),
                        null,
                        issue.path("message").asText());
                if (issue.path("line").asInt() > 0) {
                    p.put("line", issue.path("line").asInt());
                }
                problems.add(p);
            }
        }
    }

    private static Map<String, Object> problem(String kind, String file, String slug, String message) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("kind", kind);
        p.put("file", file);
        if (slug != null) {
            p.put("slug", slug);
        }
        p.put("message", message);
        return p;
    }

    private static boolean blank(JsonNode node) {
        return node.isMissingNode()
                || node.isNull()
                || (node.isTextual() && node.asText().isBlank());
    }
}
