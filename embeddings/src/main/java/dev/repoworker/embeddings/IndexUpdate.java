package dev.repoworker.embeddings;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What an update keeps (unchanged posts, by slug) and rewrites (changed, added and removed posts). */
record IndexUpdate(Map<String, PreviousIndex.Kept> unchanged, Set<String> replaced) {

    static IndexUpdate plan(PreviousIndex previous, List<Post> posts) {
        Map<String, PreviousIndex.Kept> unchanged = new HashMap<>();
        Set<String> replaced = new HashSet<>(previous.slugs());
        for (Post post : posts) {
            Optional<PreviousIndex.Kept> kept = previous.unchanged(post.slug(), PostHash.of(post));
            if (kept.isPresent()) {
                unchanged.put(post.slug(), kept.get());
                replaced.remove(post.slug());
            } else {
                replaced.add(post.slug());
            }
        }
        return new IndexUpdate(unchanged, replaced);
    }
}
