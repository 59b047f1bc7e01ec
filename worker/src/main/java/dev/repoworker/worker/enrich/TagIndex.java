package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Posts by tag (both sorted) and the {@code tags.json} entries, most used first. */
record TagIndex(Map<String, TreeSet<String>> postsByTag, List<Map<String, Object>> entries) {

    static TagIndex of(List<ObjectNode> posts) {
        Map<String, TreeSet<String>> tagPosts = new TreeMap<>();
        for (ObjectNode post : posts) {
            post.path("tags")
                    .forEach(t -> tagPosts.computeIfAbsent(t.asText(), k -> new TreeSet<>())
                            .add(post.path("slug").asText()));
        }
        List<Map<String, Object>> tags = new ArrayList<>();
        tagPosts.forEach((tag, slugs) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("tag", tag);
            t.put("count", slugs.size());
            t.put("posts", List.copyOf(slugs));
            tags.add(t);
        });
        tags.sort((a, b) -> (int) b.get("count") - (int) a.get("count"));
        return new TagIndex(tagPosts, tags);
    }
}
