package dev.repoworker.embeddings;

import java.util.List;

/**
 * One piece of a post to embed.
 *
 * @param start,end the body's span in the post's extracted text (see {@code chunks.jsonl} in the README)
 * @param body      the post's text in {@code [start, end)}
 * @param text      what is embedded: title and heading path, a newline, then the body
 */
public record Chunk(
        String slug, List<String> headingPath, String anchor, int start, int end, String body, String text) {

    public Chunk {
        headingPath = List.copyOf(headingPath);
    }

    /** The heading path as one line, e.g. {@code Setup › Install}. */
    public String heading() {
        return String.join(" › ", headingPath);
    }
}
