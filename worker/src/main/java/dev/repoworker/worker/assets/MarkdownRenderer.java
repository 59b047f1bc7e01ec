package dev.repoworker.worker.assets;

import com.vladsch.flexmark.ext.autolink.AutolinkExtension;
import com.vladsch.flexmark.ext.footnotes.FootnoteExtension;
import com.vladsch.flexmark.ext.gfm.strikethrough.StrikethroughExtension;
import com.vladsch.flexmark.ext.gfm.tasklist.TaskListExtension;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.sequence.BasedSequence;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Markdown → sanitised HTML for one note: {@link ObsidianSyntax} (text pass) → flexmark (CommonMark + GFM tables,
 * strikethrough, task lists, footnotes, autolinks) → {@link HtmlPasses} (DOM pass: placeholders, callouts, heading
 * ids, mermaid, Markdown links and images) → {@link HtmlSanitizer}. Stateless apart from the shared index: safe
 * to use from several threads.
 */
final class MarkdownRenderer {

    private static final Parser PARSER;
    private static final HtmlRenderer RENDERER;

    static {
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, List.of(TablesExtension.create(), StrikethroughExtension.create(),
                TaskListExtension.create(), FootnoteExtension.create(), AutolinkExtension.create()));
        options.set(TablesExtension.APPEND_MISSING_COLUMNS, true);
        options.set(TablesExtension.DISCARD_EXTRA_COLUMNS, true);
        options.set(TablesExtension.HEADER_SEPARATOR_COLUMN_MATCH, true);
        options.set(HtmlRenderer.SOFT_BREAK, "\n");
        options.set(Parser.SPACE_IN_LINK_URLS, true);
        options.set(HtmlRenderer.GENERATE_HEADER_ID, false);
        options.set(HtmlRenderer.RENDER_HEADER_ID, false);
        PARSER = Parser.builder(options).customInlineParserFactory(LinearInlineParser.FACTORY).build();
        RENDERER = HtmlRenderer.builder(options).build();
    }

    private final LinkIndex index;
    private final BuildOptions options;
    private final Issues issues;

    MarkdownRenderer(LinkIndex index, BuildOptions options, Issues issues) {
        this.index = index;
        this.options = options;
        this.issues = issues;
    }

    String noteUrl(Note note) {
        return options.notePrefix() + "/" + note.slug();
    }

    /** Renders a note as a post; issues found on the way are reported against its file. */
    Rendered render(Note note) {
        return render(note, new RenderBudget(options.limits().maxRenderCpuMillis()));
    }

    /** Renders within {@code budget}, which the text cards of one canvas share. */
    Rendered render(Note note, RenderBudget budget) {
        State state = new State(note, 0, false, new ArrayDeque<>(List.of(note.path())), budget);
        Document dirty;
        try {
            dirty = renderDom(note, state);
        } catch (ObsidianSyntax.TooDeep e) {
            dirty = plainText(state, Issue.TOO_DEEP, e.line, "note is nested too deeply to render (over "
                    + ObsidianSyntax.MAX_NESTING + " levels); shown as plain text");
        } catch (StackOverflowError e) {
            dirty = plainText(state, Issue.TOO_DEEP, 0, "note is nested too deeply to render; shown as plain text");
        } catch (RenderBudget.Exceeded e) {
            dirty = plainText(state, Issue.TOO_COMPLEX, 0, "note is too complex to render (" + e.getMessage()
                    + "); shown as plain text");
        } catch (RuntimeException e) {
            dirty = plainText(state, Issue.RENDER_FAILED, 0, "could not be rendered (" + e.getClass().getSimpleName()
                    + "); shown as plain text");
        }
        Rendered rendered = summarize(dirty, state);
        int maxHtml = options.limits().maxHtmlChars();
        if (rendered.html().length() > maxHtml) {
            rendered = summarize(plainText(state, Issue.HTML_TOO_LARGE, 0, "renders to " + rendered.html().length()
                    + " characters of HTML, over the limit of " + maxHtml + "; shown as plain text"), state);
        }
        return rendered;
    }

    private static Rendered summarize(Document dirty, State state) {
        return HtmlPasses.summarize(HtmlSanitizer.clean(dirty), state.links, state.embeds, state.tags, state.media);
    }

    /**
     * The note's source as text, for a render that failed, cut where its escaped form would pass the HTML limit; what
     * the failed render collected is dropped.
     */
    private Document plainText(State state, String kind, int line, String message) {
        issues.add(kind, state.note.path(), line, message);
        state.links.clear();
        state.embeds.clear();
        state.tags.clear();
        state.media.clear();
        String shown = cutToEscapedLength(state.note.source(), options.limits().maxHtmlChars() - 64);
        return Jsoup.parseBodyFragment("<pre class=\"render-failed\">" + Html.text(shown) + "</pre>", HtmlSanitizer.BASE);
    }

    /** {@code text}, or its start and an ellipsis, so that it is at most {@code max} characters as HTML text. */
    private static String cutToEscapedLength(String text, long max) {
        long escaped = 0;
        for (int end = 0; end < text.length(); end++) {
            char c = text.charAt(end);
            escaped += c == '&' ? 5 : c == '<' || c == '>' ? 4 : c == '\u00a0' ? 6 : 1;
            if (escaped > max) {
                int cut = end > 0 && Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end;
                return text.substring(0, cut) + "\u2026";
            }
        }
        return text;
    }

    /** Markdown to the DOM, before sanitising; {@code state} collects links, tags and media. */
    private Document renderDom(Note note, State state) {
        state.budget.check();
        String body = blankFrontmatter(note);
        ObsidianSyntax.Prepared prepared = ObsidianSyntax.prepare(body, 1, new WikiLinks(this, state));
        Node markdown = PARSER.parse(BasedSequence.of(state.budget.chars(prepared.markdown())));
        String html = HtmlPasses.substitute(RENDERER.render(markdown), prepared.fragments());
        Document dom = Jsoup.parseBodyFragment(html, HtmlSanitizer.BASE);
        new HtmlPasses(this, state).apply(dom);
        return dom;
    }

    /** The embedded note's HTML (whole, or one heading's section, or one block), for {@code ![[Note]]}. */
    String embed(Note target, Optional<String> anchor, State outer) {
        State inner = new State(target, outer.depth + 1, true, new ArrayDeque<>(outer.stack), outer.budget);
        inner.stack.push(target.path());
        Document dom;
        try {
            dom = renderDom(target, inner);
        } catch (ObsidianSyntax.TooDeep | StackOverflowError e) {
            // The embedded note's own render reports it.
            return "<a class=\"internal-link\" href=\"" + Html.attr(noteUrl(target)) + "\">" + Html.text(title(target)) + "</a>";
        }
        outer.media.addAll(inner.media);
        String content = anchor.map(a -> HtmlPasses.section(dom, a)).orElse(dom.body().html());
        return "<div class=\"embed embed-note\" data-embed=\"" + Html.attr(target.slug()) + "\">"
                + "<div class=\"embed-title\"><a class=\"internal-link\" href=\"" + Html.attr(noteUrl(target)) + "\">"
                + Html.text(title(target)) + "</a></div><div class=\"embed-content\">" + content + "</div></div>";
    }

    static String title(Note note) {
        return note.frontmatterTitle() != null ? note.frontmatterTitle() : note.name();
    }

    LinkIndex index() {
        return index;
    }

    BuildOptions options() {
        return options;
    }

    /** Reports unless rendering an embedded note (its own render reports its problems once). */
    void report(State state, String kind, int line, String message) {
        if (!state.quiet) {
            issues.add(kind, state.note.path(), line, message);
        }
    }

    /** Reports against the note that holds the construct even while embedded (cycles show only there). */
    void reportAlways(State state, String kind, int line, String message) {
        issues.add(kind, state.note.path(), line, message);
    }

    /** The frontmatter lines become empty lines, so flexmark's line numbers stay the file's. */
    private static String blankFrontmatter(Note note) {
        String source = note.source();
        if (note.frontmatterLines() == 0) {
            return source;
        }
        int pos = 0;
        for (int i = 0; i < note.frontmatterLines() && pos >= 0; i++) {
            pos = source.indexOf('\n', pos) + 1;
            if (pos == 0) {
                return "\n".repeat(note.frontmatterLines() - 1);
            }
        }
        return "\n".repeat(note.frontmatterLines()) + source.substring(pos);
    }

    /** Per-render state: the note, embed depth and stack, and what the render found. */
    static final class State {
        final Note note;
        final int depth;
        final boolean quiet;
        final Deque<String> stack;
        final Set<String> links = new LinkedHashSet<>();
        final Set<String> embeds = new LinkedHashSet<>();
        final Set<String> tags = new LinkedHashSet<>();
        final Set<String> media = new LinkedHashSet<>();
        final SourceLines lines;
        /** Shared with the renders of embedded notes: the budget is the top-level note's. */
        final RenderBudget budget;

        State(Note note, int depth, boolean quiet, Deque<String> stack, RenderBudget budget) {
            this.note = note;
            this.depth = depth;
            this.quiet = quiet;
            this.stack = stack;
            this.lines = new SourceLines(note.source());
            this.budget = budget;
        }
    }
}
