package dev.repoworker.embeddings;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a post at its headings, then each section into windows of at most {@code maxTokens}
 * word-pieces (title and heading-path prefix included) that overlap by {@code overlap} pieces.
 * Windows end at a sentence end when one falls in their last quarter and always at a word
 * boundary, so re-tokenising a chunk gives the same count. Every character of a long section
 * lands in some chunk: nothing is truncated.
 */
public final class Chunker {

    public static final int MAX_TOKENS = 256;
    public static final int OVERLAP = 32;
    static final int MAX_PREFIX_TOKENS = 48;
    /** Head-room for the model's own limits on odd inputs (pieces the tokenizer merges differently in isolation). */
    private static final int MARGIN = 2;

    private final WordPieces explicitPieces;
    private final int maxTokens;
    private final int overlap;

    /** The standard chunker; the WordPiece tokenizer (a native library) loads on first use. */
    public Chunker() {
        this(null, MAX_TOKENS, OVERLAP);
    }

    /** @param pieces the tokenizer, or null for {@link WordPieces#standard()} loaded lazily */
    Chunker(WordPieces pieces, int maxTokens, int overlap) {
        if (overlap * 2 >= maxTokens - MAX_PREFIX_TOKENS) {
            throw new IllegalArgumentException("overlap too large for the token budget");
        }
        this.explicitPieces = pieces;
        this.maxTokens = maxTokens;
        this.overlap = overlap;
    }

    private WordPieces pieces() {
        return explicitPieces != null ? explicitPieces : WordPieces.standard();
    }

    /** The tokenizer that measures budgets: {@code wordpiece:all-minilm-l6-v2}, or {@code approximate}. */
    public String tokenizer() {
        return pieces().name();
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int overlap() {
        return overlap;
    }

    /** Word-pieces in a text, as this chunker counts them. */
    public int countTokens(String text) {
        return pieces().split(text).size();
    }

    public List<Chunk> chunk(Post post) {
        PostText postText = PostText.of(post);
        List<Chunk> chunks = new ArrayList<>();
        for (PostText.Section section : postText.sections()) {
            String prefix = prefix(post.title(), section.headingPath());
            int budget = maxTokens - pieces().split(prefix).size() - MARGIN;
            String body = postText.text().substring(section.start(), section.end());
            for (int[] window : windows(body, budget)) {
                String part = body.substring(window[0], window[1]);
                chunks.add(new Chunk(
                        post.slug(),
                        section.headingPath(),
                        section.anchor(),
                        section.start() + window[0],
                        section.start() + window[1],
                        part,
                        prefix + "\n" + part));
            }
        }
        if (chunks.isEmpty() && !post.title().isBlank()) {
            chunks.add(new Chunk(post.slug(), List.of(), "", 0, 0, "", post.title()));
        }
        return chunks;
    }

    private String prefix(String title, List<String> headingPath) {
        String prefix = headingPath.isEmpty() ? title : title + " › " + String.join(" › ", headingPath);
        WordPieces.Spans spans = pieces().split(prefix);
        return spans.size() <= MAX_PREFIX_TOKENS ? prefix : prefix.substring(0, spans.ends()[MAX_PREFIX_TOKENS - 1]);
    }

    /** Character windows {@code [start, end)} of {@code text} covering all of it. */
    List<int[]> windows(String text, int budget) {
        WordPieces.Spans spans = pieces().split(text);
        int n = spans.size();
        List<int[]> windows = new ArrayList<>();
        if (n <= budget) {
            windows.add(new int[] {0, text.length()});
            return windows;
        }
        int from = 0;
        while (true) {
            int to = Math.min(n, from + budget);
            if (to < n) {
                to = cutPoint(text, spans, from, to, budget);
            }
            int startChar = from == 0 ? 0 : spans.starts()[from];
            int endChar = to == n ? text.length() : spans.ends()[to - 1];
            windows.add(new int[] {startChar, endChar});
            if (to == n) {
                return windows;
            }
            int next = Math.max(from + 1, to - overlap);
            for (int k = next; k > from && k >= to - 2 * overlap; k--) {
                if (wordStart(spans, k)) {
                    next = k;
                    break;
                }
            }
            from = next;
        }
    }

    /** The best exclusive end in {@code (from, to]}: a sentence end in the last quarter, else a word boundary. */
    private static int cutPoint(String text, WordPieces.Spans spans, int from, int to, int budget) {
        int earliest = from + budget * 3 / 4;
        for (int k = to; k > earliest; k--) {
            if (wordStart(spans, k) && endsSentence(text, spans, k - 1)) {
                return k;
            }
        }
        for (int k = to; k > from + budget / 2; k--) {
            if (wordStart(spans, k)) {
                return k;
            }
        }
        return to;
    }

    private static boolean wordStart(WordPieces.Spans spans, int k) {
        return k == 0 || k >= spans.size() || spans.starts()[k] > spans.ends()[k - 1];
    }

    private static boolean endsSentence(String text, WordPieces.Spans spans, int k) {
        int end = spans.ends()[k];
        char last = text.charAt(end - 1);
        return last == '.' || last == '!' || last == '?' || (end < text.length() && text.charAt(end) == '\n');
    }
}
