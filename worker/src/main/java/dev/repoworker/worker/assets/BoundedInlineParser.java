package dev.repoworker.worker.assets;

import org.commonmark.internal.InlineParserImpl;
import org.commonmark.node.Node;
import org.commonmark.parser.InlineParser;
import org.commonmark.parser.InlineParserContext;
import org.commonmark.parser.SourceLine;
import org.commonmark.parser.SourceLines;

/**
 * commonmark-java's inline parser behind a bound on its one superlinear path (0.30.0): every link that closes walks
 * all the emphasis delimiters still open before it in its block ({@code InlineParserImpl.processDelimiters}), so a
 * block of d delimiter runs and l closing brackets costs up to d × l steps, and a few megabytes of
 * {@code *a* [l](b) } on one line would take hours. A block whose count passes {@link #MAX_DELIMITER_STEPS} is
 * refused before it is parsed (the note is then shown as plain text); any other block is parsed as it is.
 */
final class BoundedInlineParser implements InlineParser {

    /** About a second of parsing; a 100 kB paragraph with a thousand links and emphases needs a few million. */
    static final long MAX_DELIMITER_STEPS = 50_000_000L;

    private final InlineParser parser;

    BoundedInlineParser(InlineParserContext context) {
        this.parser = new InlineParserImpl(context);
    }

    @Override
    public void parse(SourceLines lines, Node block) {
        long steps = delimiterSteps(lines);
        if (steps > MAX_DELIMITER_STEPS) {
            throw new RenderBudget.Exceeded("a block needs " + steps
                    + " steps to match its emphasis around its links, over " + MAX_DELIMITER_STEPS);
        }
        parser.parse(lines, block);
    }

    /** For each closing bracket, the delimiter runs ({@code *}, {@code _}, {@code ~}) before it in the block. */
    static long delimiterSteps(SourceLines lines) {
        long runs = 0;
        long steps = 0;
        char previous = 0;
        for (SourceLine line : lines.getLines()) {
            CharSequence text = line.getContent();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ((c == '*' || c == '_' || c == '~') && c != previous) {
                    runs++;
                } else if (c == ']') {
                    steps += runs;
                }
                previous = c;
            }
            previous = '\n';
        }
        return steps;
    }
}
