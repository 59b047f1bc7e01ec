package dev.repoworker.embeddings;

import java.util.List;

/** One line of {@code chunks.jsonl} (without its id, the row number): where a chunk lies in its post. */
record ChunkRow(String slug, List<String> headingPath, String anchor, int start, int end) {

    ChunkRow {
        headingPath = List.copyOf(headingPath);
    }

    static ChunkRow of(Chunk chunk) {
        return new ChunkRow(chunk.slug(), chunk.headingPath(), chunk.anchor(), chunk.start(), chunk.end());
    }
}
