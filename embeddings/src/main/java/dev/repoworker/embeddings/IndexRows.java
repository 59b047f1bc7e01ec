package dev.repoworker.embeddings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every chunk's row and vector, in posts order: kept ones from the earlier index, the rest from this run. */
record IndexRows(List<ChunkRow> rows, float[][] vectors) {

    static IndexRows inPostsOrder(
            List<Post> posts, Map<String, PreviousIndex.Kept> unchanged, List<Chunk> chunks, float[][] vectors) {
        Map<String, List<Integer>> fresh = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            fresh.computeIfAbsent(chunks.get(i).slug(), s -> new ArrayList<>()).add(i);
        }
        List<ChunkRow> rows = new ArrayList<>();
        List<float[]> all = new ArrayList<>();
        for (Post post : posts) {
            PreviousIndex.Kept kept = unchanged.get(post.slug());
            if (kept != null) {
                rows.addAll(kept.rows());
                all.addAll(kept.vectors());
                continue;
            }
            for (int i : fresh.getOrDefault(post.slug(), List.of())) {
                rows.add(ChunkRow.of(chunks.get(i)));
                all.add(vectors[i]);
            }
        }
        return new IndexRows(rows, all.toArray(float[][]::new));
    }
}
