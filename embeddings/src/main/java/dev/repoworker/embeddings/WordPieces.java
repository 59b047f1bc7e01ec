package dev.repoworker.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits text into word-pieces with their character spans, for the chunker's token budget.
 * {@link #standard()} is the all-MiniLM-L6-v2 WordPiece tokenizer itself (the {@code tokenizer.json}
 * inside the model jar, through DJL's Hugging Face tokenizers); when its native library cannot load,
 * {@link #approximate()} stands in: words, numbers and punctuation marks, a word counting one piece
 * per started 6 characters, which over-counts English WordPiece a little (so budgets stay safe).
 */
abstract class WordPieces {

    private static final Logger LOG = LoggerFactory.getLogger(WordPieces.class);

    /** Token spans: {@code starts[i]..ends[i]} in UTF-16 indices of the text. */
    record Spans(int[] starts, int[] ends) {
        int size() {
            return starts.length;
        }
    }

    abstract String name();

    abstract Spans split(String text);

    private static final class Holder {
        static final WordPieces STANDARD = load();
    }

    static WordPieces standard() {
        return Holder.STANDARD;
    }

    static WordPieces approximate() {
        return new Approximate();
    }

    private static WordPieces load() {
        try (InputStream in =
                WordPieces.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-q-tokenizer.json")) {
            if (in == null) {
                throw new IOException("all-minilm-l6-v2-q-tokenizer.json is not on the class path");
            }
            return new HuggingFace(HuggingFaceTokenizer.newInstance(
                    in, Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false")));
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.warn("the WordPiece tokenizer could not load ({}); chunk budgets use an approximation", e.toString());
            return new Approximate();
        }
    }

    private static final class HuggingFace extends WordPieces {
        private final HuggingFaceTokenizer tokenizer;

        HuggingFace(HuggingFaceTokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        @Override
        String name() {
            return "wordpiece:all-minilm-l6-v2";
        }

        @Override
        Spans split(String text) {
            Encoding encoding = tokenizer.encode(text, false, false);
            CharSpan[] spans = encoding.getCharTokenSpans();
            boolean surrogates = text.length() != text.codePointCount(0, text.length());
            int[] starts = new int[spans.length];
            int[] ends = new int[spans.length];
            int n = 0;
            for (CharSpan span : spans) {
                if (span == null || span.getEnd() <= span.getStart()) {
                    continue;
                }
                starts[n] = surrogates ? text.offsetByCodePoints(0, span.getStart()) : span.getStart();
                ends[n] = surrogates ? text.offsetByCodePoints(0, span.getEnd()) : span.getEnd();
                n++;
            }
            return new Spans(java.util.Arrays.copyOf(starts, n), java.util.Arrays.copyOf(ends, n));
        }
    }

    private static final class Approximate extends WordPieces {
        private static final Pattern PIECE = Pattern.compile("[\\p{L}\\p{M}]+|\\p{N}+|[^\\s\\p{L}\\p{M}\\p{N}]");
        private static final int CHARS_PER_PIECE = 6;

        @Override
        String name() {
            return "approximate";
        }

        @Override
        Spans split(String text) {
            java.util.List<int[]> pieces = new java.util.ArrayList<>();
            Matcher m = PIECE.matcher(text);
            while (m.find()) {
                for (int s = m.start(); s < m.end(); s += CHARS_PER_PIECE) {
                    pieces.add(new int[] {s, Math.min(m.end(), s + CHARS_PER_PIECE)});
                }
            }
            int[] starts = new int[pieces.size()];
            int[] ends = new int[pieces.size()];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = pieces.get(i)[0];
                ends[i] = pieces.get(i)[1];
            }
            return new Spans(starts, ends);
        }
    }
}
