package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every link from a post to another post, with the sentence it stands in, and the same links as backlinks by target
 * slug, in post order.
 */
record PostLinks(Map<String, List<Enrichment.Backlink>> backlinks, List<ContentDatabase.Link> all) {

    static PostLinks of(List<ObjectNode> posts) throws InterruptedException {
        Set<String> slugs = new LinkedHashSet<>();
        posts.forEach(p -> slugs.add(p.path("slug").asText()));
        Map<String, List<Enrichment.Backlink>> backlinks = new LinkedHashMap<>();
        List<ContentDatabase.Link> links = new ArrayList<>();
        for (ObjectNode post : posts) {
            EnrichData.checkInterrupted();
            String slug = post.path("slug").asText();
            Map<String, String> contexts = LinkContexts.of(post.path("html").asText(""));
            Set<String> targets = new LinkedHashSet<>();
            post.path("links").forEach(l -> targets.add(l.asText()));
            targets.addAll(contexts.keySet());
            for (String target : targets) {
                if (target.equals(slug) || !slugs.contains(target)) {
                    continue;
                }
                String context = contexts.get(target);
                links.add(new ContentDatabase.Link(slug, target, context));
                backlinks
                        .computeIfAbsent(target, t -> new ArrayList<>())
                        .add(new Enrichment.Backlink(
                                slug,
                                post.path("title").asText(),
                                post.path("url").asText(null),
                                context));
            }
        }
        return new PostLinks(backlinks, links);
    }
}
