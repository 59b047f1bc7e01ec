package dev.repoworker.worker.assets;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text pass for the Obsidian syntax no Markdown library knows, run before commonmark-java on the note body,
 * line by line and code-aware (fenced and indented code and inline code spans are left alone):
 * {@code %%comments%%} are removed; {@code [[links]]}, {@code ![[embeds]]}, inline {@code #tags},
 * {@code ^block} ids and {@code $math$}/{@code $$math$$} become placeholders that {@link HtmlPasses} swaps
 * for HTML after rendering; {@code ==highlight==} becomes {@code <mark>}. Line count never changes, so
 * the parser's and our line numbers stay those of the file.
 */
final class ObsidianSyntax {

    static final char OPEN = '\uE000';
    static final char CLOSE = '\uE001';
    static final Pattern PLACEHOLDER = Pattern.compile(OPEN + "(\\d+)" + CLOSE);

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern WIKI = Pattern.compile("(!?)\\[\\[([^\\[\\]\\n]+?)]]");
    private static final Pattern TAG = Pattern.compile("(?<=^|\\s)#([\\p{L}\\p{N}_/-]*[\\p{L}_/-][\\p{L}\\p{N}_/-]*)");
    private static final Pattern BLOCK_ID = Pattern.compile("(?:^|\\s)\\^([A-Za-z0-9-]{1,64})\\s*$");
    private static final Pattern HIGHLIGHT = Pattern.compile("==(?=[^\\s=])([^=]+?)(?<=[^\\s=])==");
    private static final Pattern INLINE_MATH =
            Pattern.compile("(?<![\\\\$])\\$(?=[^\\s$])([^$\\n]+?)(?<=[^\\s\\\\])\\$(?![$\\d])");
    private static final Pattern DISPLAY_MATH_LINE = Pattern.compile("\\$\\$(.+?)\\$\\$");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*([-*+]|\\d+[.)])\\s");
    private static final Pattern SETEXT = Pattern.compile("^\\s*=+\\s*$");

    /** Quotes and list items one line may open (or sit in); the parser's time and stack grow with the depth. */
    static final int MAX_NESTING = 100;

    /** A line nested deeper than {@link #MAX_NESTING}: the note is not given to the parser. */
    static final class TooDeep extends RuntimeException {
        final int line;

        TooDeep(int line) {
            super("nested deeper than " + MAX_NESTING + " levels at line " + line, null, false, false);
            this.line = line;
        }
    }

    /** Produces the HTML that replaces links and embeds; issues use the 1-based line number of the file. */
    interface Links {
        /** {@code [[inner]]} or, with {@code embed}, {@code ![[inner]]}; {@code alone} when it is the whole line. */
        Fragment wiki(String inner, boolean embed, boolean alone, int line);

        void tag(String tag);
    }

    /** HTML to put in place of a placeholder; a {@code block} fragment alone in a paragraph replaces the paragraph. */
    record Fragment(String html, boolean block) {}

    /** The Markdown to give the parser and the fragments its placeholders stand for. */
    record Prepared(String markdown, List<Fragment> fragments) {}

    private final Links links;
    private final List<Fragment> fragments = new ArrayList<>();

    // Where the line scan is: the open code fence, comment and $$ block, and what decides indented code.
    private String fence;
    private boolean inComment;
    private StringBuilder math;
    private boolean previousBlank = true;
    private boolean inIndentedCode;
    private boolean listContext;

    private ObsidianSyntax(Links links) {
        this.links = links;
    }

    /**
     * The placeholder characters (private use) in a note's own text become U+FFFD, so only this pass can make
     * placeholders.
     */
    static String neutralizePlaceholders(String source) {
        if (source.indexOf(OPEN) < 0 && source.indexOf(CLOSE) < 0) {
            return source;
        }
        return source.replace(OPEN, '\uFFFD').replace(CLOSE, '\uFFFD');
    }

    /** {@code firstLine} is the file line number of the body's first line (after the frontmatter). */
    static Prepared prepare(String body, int firstLine, Links links) {
        return new ObsidianSyntax(links).run(body, firstLine);
    }

    private Prepared run(String body, int firstLine) {
        String[] lines = body.split("\n", -1);
        StringBuilder out = new StringBuilder(body.length() + 64);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            line(lines[i], firstLine + i, out);
        }
        if (math != null) {
            out.append(placeholder(mathHtml(math.toString().strip(), true), true));
        }
        return new Prepared(out.toString(), List.copyOf(fragments));
    }

    /** One line of the body: kept as it is inside code, gathered inside display math, else transformed. */
    private void line(String line, int lineNo, StringBuilder out) {
        if (fence != null) {
            out.append(line);
            if (closesFence(line)) {
                fence = null;
            }
            return;
        }
        if (math != null) {
            continueMath(line, out);
            return;
        }
        if (!inComment && startsBlock(line, lineNo, out)) {
            return;
        }
        StringBuilder transformed = new StringBuilder();
        inComment = transformLine(line, lineNo, inComment, transformed);
        out.append(transformed);
    }

    private boolean closesFence(String line) {
        return line.strip().startsWith(fence)
                && line.strip().replace(fence.substring(0, 1), "").isEmpty();
    }

    /** A line inside a {@code $$} block: the block ends at the next {@code $$}. */
    private void continueMath(String line, StringBuilder out) {
        int end = line.indexOf("$$");
        if (end >= 0) {
            math.append(line, 0, end);
            out.append(placeholder(mathHtml(math.toString().strip(), true), true))
                    .append(line.substring(end + 2));
            math = null;
        } else {
            math.append(line).append('\n');
        }
    }

    /**
     * Whether the line opens a code fence, is indented code or opens a {@code $$} block (and so is consumed);
     * throws {@link TooDeep} for a line nested too deeply.
     */
    private boolean startsBlock(String line, int lineNo, StringBuilder out) {
        Matcher f = FENCE.matcher(line);
        if (f.find()) {
            fence = f.group(1);
            out.append(line);
            return true;
        }
        if (isIndentedCode(line)) {
            out.append(line);
            return true;
        }
        if (LineScan.nesting(line) > MAX_NESTING) {
            throw new TooDeep(lineNo);
        }
        String stripped = line.strip();
        if (stripped.startsWith("$$") && stripped.length() > 1 && stripped.indexOf("$$", 2) < 0) {
            String rest = stripped.substring(2);
            math = new StringBuilder(rest.isBlank() ? "" : rest + "\n");
            return true;
        }
        return false;
    }

    /** Whether the line is indented code, tracking the blank lines and list items that decide it. */
    private boolean isIndentedCode(String line) {
        boolean indented = line.startsWith("    ") || line.startsWith("\t");
        boolean blank = line.isBlank();
        if (indented && !blank && (inIndentedCode || (previousBlank && !listContext))) {
            inIndentedCode = true;
            return true;
        }
        if (!blank) {
            inIndentedCode = false;
            if (!indented) {
                listContext = LIST_ITEM.matcher(line).find();
            }
        }
        previousBlank = blank;
        return false;
    }

    /** Strips comments and transforms the parts of one line outside inline code; returns the comment state. */
    private boolean transformLine(String line, int lineNo, boolean inComment, StringBuilder out) {
        StringBuilder kept = new StringBuilder();
        int i = 0;
        boolean comment = inComment;
        List<int[]> codeSpans = new ArrayList<>();
        while (i < line.length()) {
            if (comment) {
                int end = line.indexOf("%%", i);
                if (end < 0) {
                    return finish(kept, codeSpans, lineNo, out, true);
                }
                i = end + 2;
                comment = false;
                continue;
            }
            char c = line.charAt(i);
            int wikiEnd = c == '[' ? LineScan.wikiEnd(line, i) : -1;
            if (wikiEnd > 0) {
                // A link is one unit: backticks in its display text ([[Note|`code`]]) open no code span.
                kept.append(line, i, wikiEnd);
                i = wikiEnd;
                continue;
            }
            if (c == '`') {
                i = LineScan.keepBackticks(line, i, kept, codeSpans);
                continue;
            }
            if (c == '%' && line.startsWith("%%", i)) {
                comment = true;
                i += 2;
                continue;
            }
            kept.append(c);
            i++;
        }
        return finish(kept, codeSpans, lineNo, out, comment);
    }

    private boolean finish(StringBuilder kept, List<int[]> codeSpans, int lineNo, StringBuilder out, boolean comment) {
        String text = kept.toString();
        if (text.indexOf('=') >= 0 && SETEXT.matcher(text).matches()) {
            out.append(text);
            return comment;
        }
        boolean alone = text.strip().startsWith("![[")
                && text.strip().endsWith("]]")
                && text.strip().indexOf("]]") == text.strip().length() - 2;
        int from = 0;
        for (int[] span : codeSpans) {
            out.append(transformText(text.substring(from, span[0]), lineNo, alone));
            out.append(text, span[0], span[1]);
            from = span[1];
        }
        String tail = text.substring(from);
        Matcher block = BLOCK_ID.matcher(tail);
        String blockAnchor = "";
        if (tail.indexOf('^') >= 0 && block.find()) {
            blockAnchor =
                    " " + placeholder("<span class=\"block-anchor\" id=\"^" + block.group(1) + "\"></span>", false);
            tail = tail.substring(0, block.start());
        }
        out.append(transformText(tail, lineNo, alone)).append(blockAnchor);
        return comment;
    }

    private String transformText(String text, int lineNo, boolean alone) {
        if (text.isEmpty()) {
            return text;
        }
        String s = replace(WIKI, "[[", text, m -> {
            Fragment f = links.wiki(m.group(2), !m.group(1).isEmpty(), alone, lineNo);
            return placeholder(f.html(), f.block());
        });
        s = replace(
                DISPLAY_MATH_LINE, "$$", s, m -> placeholder(mathHtml(m.group(1).strip(), true), false));
        s = replace(INLINE_MATH, "$", s, m -> placeholder(mathHtml(m.group(1), false), false));
        s = replace(TAG, "#", s, m -> {
            links.tag(m.group(1));
            return placeholder(
                    "<span class=\"tag\" data-tag=\"" + Html.attr(m.group(1)) + "\">#" + Html.text(m.group(1))
                            + "</span>",
                    false);
        });
        return replace(HIGHLIGHT, "==", s, m -> "<mark>" + m.group(1) + "</mark>");
    }

    /** {@code trigger} is text every match contains: most lines have none, and searching for it is far cheaper. */
    private static String replace(
            Pattern pattern, String trigger, String text, java.util.function.Function<Matcher, String> with) {
        if (!text.contains(trigger)) {
            return text;
        }
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        do {
            m.appendReplacement(sb, Matcher.quoteReplacement(with.apply(m)));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }

    private static String mathHtml(String tex, boolean display) {
        return display
                ? "<div class=\"math math-display\">\\[" + Html.text(tex) + "\\]</div>"
                : "<span class=\"math math-inline\">\\(" + Html.text(tex) + "\\)</span>";
    }

    private String placeholder(String html, boolean block) {
        fragments.add(new Fragment(html, block));
        return OPEN + Integer.toString(fragments.size() - 1) + CLOSE;
    }
}
