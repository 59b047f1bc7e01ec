package dev.repoworker.worker.assets;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.Extension;
import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.ext.footnotes.FootnotesExtension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.task.list.items.TaskListItemsExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Markdown → sanitised HTML for one note: {@link ObsidianSyntax} (text pass) → commonmark-java (CommonMark + GFM
 * tables, strikethrough, task lists, footnotes, autolinks) → {@link HtmlPasses} (DOM pass: placeholders, callouts, heading
 * ids, mermaid, Markdown links and images) → {@link HtmlSanitizer}. Stateless apart from the shared index: safe
 * to use from several threads.
 */
final class MarkdownRenderer {

    private static final List<Extension> EXTENSIONS = List.of(
            TablesExtension.create(),
            StrikethroughExtension.create(),
            TaskListItemsExtension.create(),
            FootnotesExtension.create(),
            AutolinkExtension.create());
    private static final Parser PARSER = Parser.builder()
            .extensions(EXTENSIONS)
            .inlineParserFactory(BoundedInlineParser::new)
            .build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
            .extensions(EXTENSIONS)
            .percentEncodeUrls(true)
            .build();

    private final LinkIndex index;
    private final BuildOptions options;
    private final Issues issues;
    private final HtmlSanitizer.Trust trust;
    private final Pattern deferredMark;

    MarkdownRenderer(LinkIndex index, BuildOptions options, Issues issues) {
        this.index = index;
        this.options = options;
        this.issues = issues;
        this.trust = HtmlSanitizer.Trust.fresh(options.mediaBase());
        this.deferredMark = Pattern.compile(" " + DEFERRED + "=\"" + trust.token() + ":(\\d+)\"");
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
        State state = new State(
                note,
                0,
                false,
                false,
                new ArrayDeque<>(List.of(embedKey(note, Optional.empty()))),
                budget,
                new ArrayList<>());
        Document dirty;
        try {
            dirty = renderDom(note, state);
        } catch (ObsidianSyntax.TooDeep e) {
            dirty = plainText(
                    state,
                    Issue.TOO_DEEP,
                    e.line,
                    "note is nested too deeply to render (over " + ObsidianSyntax.MAX_NESTING
                            + " levels); shown as plain text");
        } catch (StackOverflowError e) {
            dirty = plainText(state, Issue.TOO_DEEP, 0, "note is nested too deeply to render; shown as plain text");
        } catch (RenderBudget.Exceeded e) {
            dirty = plainText(
                    state,
                    Issue.TOO_COMPLEX,
                    0,
                    "note is too complex to render (" + e.getMessage() + "); shown as plain text");
        } catch (RuntimeException e) {
            dirty = plainText(
                    state,
                    Issue.RENDER_FAILED,
                    0,
                    "could not be rendered (" + e.getClass().getSimpleName() + "); shown as plain text");
        }
        Rendered rendered = summarize(dirty, state);
        int maxHtml = options.limits().maxHtmlChars();
        if (rendered.html().length() > maxHtml) {
            rendered = summarize(
                    plainText(
                            state,
                            Issue.HTML_TOO_LARGE,
                            0,
                            "renders to " + rendered.html().length() + " characters of HTML, over the limit of "
                                    + maxHtml + "; shown as plain text"),
                    state);
        }
        return rendered;
    }

    private Rendered summarize(Document dirty, State state) {
        return HtmlSummary.summarize(
                HtmlSanitizer.clean(dirty, trust), state.links, state.embeds, state.tags, state.media);
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
        return Jsoup.parseBodyFragment(
                "<pre class=\"render-failed\">" + Html.text(shown) + "</pre>", HtmlSanitizer.BASE);
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
        String html = Placeholders.substitute(RENDERER.render(PARSER.parse(prepared.markdown())), prepared.fragments());
        state.budget.check();
        Document dom = Jsoup.parseBodyFragment(html, HtmlSanitizer.BASE);
        new HtmlPasses(this, state).apply(dom);
        return dom;
    }

    /**
     * Markdown text → the HTML of its inline content without the wrapping {@code <p>} (for a link's display text);
     * what it holds is not sanitised yet.
     */
    String inlineHtml(String markdown, State state) {
        String html = RENDERER.render(PARSER.parse(markdown)).strip();
        return html.startsWith("<p>") && html.endsWith("</p>") ? html.substring(3, html.length() - 4) : html;
    }

    /**
     * The embedded note's HTML (whole, or one heading's section, or one block), for {@code ![[Note]]}. A section is
     * cut from the whole note's render, so the cycles and depth overruns that render meets are only deferred (see
     * {@link #stopEmbed}): those inside the section are reported here, the others are not cycles of this embed.
     */
    String embed(Note target, Optional<String> anchor, State outer) {
        State inner = new State(
                target,
                outer.depth + 1,
                true,
                outer.deferring || anchor.isPresent(),
                new ArrayDeque<>(outer.stack),
                outer.budget,
                outer.deferred);
        inner.stack.push(embedKey(target, anchor));
        Document dom;
        try {
            dom = renderDom(target, inner);
        } catch (ObsidianSyntax.TooDeep | StackOverflowError e) {
            // The embedded note's own render reports it.
            return "<a class=\"internal-link\" href=\"" + Html.attr(noteUrl(target)) + "\">" + Html.text(title(target))
                    + "</a>";
        }
        outer.media.addAll(inner.media);
        String content = anchor.isEmpty() ? dom.body().html() : HtmlSections.section(dom, anchor.get());
        if (anchor.isPresent() && !outer.deferring) {
            content = reportDeferred(content, outer);
        }
        return "<div class=\"embed embed-note\" data-embed=\"" + Html.attr(target.slug()) + "\">"
                + "<div class=\"embed-title\"><a class=\"internal-link\" href=\"" + Html.attr(noteUrl(target)) + "\">"
                + Html.text(title(target)) + "</a></div><div class=\"embed-content\">" + content + "</div></div>";
    }

    /** What the stack of embeds holds: a note, or one section or block of it. */
    static String embedKey(Note note, Optional<String> anchor) {
        return note.path() + "#" + anchor.orElse("");
    }

    /**
     * An embed that is not rendered (a cycle, or too deep) becomes {@code link}, and the issue is reported; while a
     * section is being cut from a whole note, the report waits for the cut (a mark on the link says which one).
     */
    ObsidianSyntax.Fragment stopEmbed(
            State state, String kind, int line, String message, ObsidianSyntax.Fragment link) {
        if (!state.deferring) {
            reportAlways(state, kind, line, message);
            return link;
        }
        state.deferred.add(new Issue(kind, state.note.path(), line, message));
        int id = state.deferred.size() - 1;
        String marked = link.html().replaceFirst("^<a ", "<a " + DEFERRED + "=\"" + trust.token() + ":" + id + "\" ");
        return new ObsidianSyntax.Fragment(marked, link.block());
    }

    /** Reports the deferred issues whose marks are in {@code html}; returns it without the marks. */
    private String reportDeferred(String html, State state) {
        Matcher m = deferredMark.matcher(html);
        if (!m.find()) {
            return html;
        }
        do {
            Issue issue = state.deferred.get(Integer.parseInt(m.group(1)));
            issues.add(issue.kind(), issue.file(), issue.line(), issue.message());
        } while (m.find());
        return m.replaceAll("");
    }

    HtmlSanitizer.Trust trust() {
        return trust;
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

    /** The frontmatter lines become empty lines, so the parser's line numbers stay the file's. */
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

    private static final String DEFERRED = "data-deferred";

    /**
     * Per-render state: the note, embed depth and stack ({@link #embedKey}s), whether cycles are deferred (inside the
     * render of a note a section is cut from) and what the render found.
     */
    static final class State {
        final Note note;
        final int depth;
        final boolean quiet;
        final boolean deferring;
        final Deque<String> stack;
        /** Shared with the renders of embedded notes, like the budget. */
        final List<Issue> deferred;

        final Set<String> links = new LinkedHashSet<>();
        final Set<String> embeds = new LinkedHashSet<>();
        final Set<String> tags = new LinkedHashSet<>();
        final Set<String> media = new LinkedHashSet<>();
        final SourceLines lines;
        /** Shared with the renders of embedded notes: the budget is the top-level note's. */
        final RenderBudget budget;

        State(
                Note note,
                int depth,
                boolean quiet,
                boolean deferring,
                Deque<String> stack,
                RenderBudget budget,
                List<Issue> deferred) {
            this.note = note;
            this.depth = depth;
            this.quiet = quiet;
            this.deferring = deferring;
            this.stack = stack;
            this.deferred = deferred;
            this.lines = new SourceLines(note.source());
            this.budget = budget;
        }
    }
}
