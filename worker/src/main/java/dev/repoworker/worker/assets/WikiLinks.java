package dev.repoworker.worker.assets;

import dev.repoworker.worker.assets.ObsidianSyntax.Fragment;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;

/**
 * {@code [[Note]]}, {@code [[Note|Alias]]} (the alias's inline Markdown rendered), {@code [[Note#Heading]]},
 * {@code [[#Heading]]}, {@code [[Note#^block]]}, {@code ![[image.png|300]]}, {@code ![[talk.mp3]]},
 * {@code ![[paper.pdf#page=3]]}, {@code ![[Other note]]} and {@code ![[#Own heading]]} (an embedded canvas is a link)
 * to HTML; unresolved ones become marked plain text and issues.
 */
final class WikiLinks implements ObsidianSyntax.Links {

    /** What a link's display text may keep of its Markdown: code, emphasis, strong, strikethrough. */
    private static final Safelist DISPLAY = Safelist.none().addTags("code", "em", "strong", "del", "s");

    private static final Pattern INLINE_MARKDOWN = Pattern.compile("[`*_~]");
    private static final Document.OutputSettings COMPACT = new Document.OutputSettings().prettyPrint(false);

    private final MarkdownRenderer renderer;
    private final MarkdownRenderer.State state;

    WikiLinks(MarkdownRenderer renderer, MarkdownRenderer.State state) {
        this.renderer = renderer;
        this.state = state;
    }

    @Override
    public void tag(String tag) {
        state.tags.add(tag);
    }

    @Override
    public Fragment wiki(String inner, boolean embed, boolean alone, int line) {
        String target = inner;
        String display = null;
        int bar = inner.indexOf('|');
        if (bar >= 0) {
            target = inner.substring(0, bar);
            display = inner.substring(bar + 1).strip();
            if (target.endsWith("\\")) {
                target = target.substring(0, target.length() - 1);
            }
        }
        String page = target;
        String anchor = null;
        int hash = target.indexOf('#');
        if (hash >= 0) {
            page = target.substring(0, hash);
            anchor = target.substring(hash + 1).strip();
        }
        page = page.strip();
        Optional<Vault.Kind> kind = Vault.kindOf(page);
        if (kind.isPresent() && kind.get().isMedia()) {
            return media(page, anchor == null ? "" : anchor, display, embed, line);
        }
        if (embed && (!page.isEmpty() || anchor != null && !anchor.isEmpty())) {
            return noteEmbed(page, anchor, display, alone, line);
        }
        return link(page, anchor, display, line);
    }

    private Fragment link(String page, String anchor, String display, int line) {
        String text = display != null && !display.isEmpty()
                ? display
                : page.isEmpty()
                        ? (anchor == null ? "" : anchor.replaceFirst("^\\^", ""))
                        : anchor == null ? page : page + " > " + anchor.replaceFirst("^\\^", "");
        String fragment = anchor == null || anchor.isEmpty() ? "" : "#" + anchorId(anchor);
        String label = display != null && !display.isEmpty() ? displayHtml(display) : Html.text(text);
        if (page.isEmpty()) {
            return new Fragment(
                    "<a class=\"internal-link\" href=\"" + Html.attr(fragment) + "\">" + label + "</a>", false);
        }
        Resolved resolved = resolve(page, "link [[" + page + "]]", "not followed", text, line);
        if (resolved.failure() != null) {
            return resolved.failure();
        }
        Note target = resolved.note();
        if (!target.path().equals(state.note.path())) {
            state.links.add(target.slug());
        }
        return new Fragment(
                "<a class=\"internal-link\" data-slug=\"" + Html.attr(target.slug()) + "\" href=\""
                        + Html.attr(renderer.noteUrl(target) + fragment) + "\">" + label + "</a>",
                false);
    }

    /** A link's display text as HTML: its code, emphasis, strong and strikethrough rendered, other markup as text. */
    private String displayHtml(String display) {
        if (!INLINE_MARKDOWN.matcher(display).find()) {
            return Html.text(display);
        }
        return Jsoup.clean(renderer.inlineHtml(display, state), "", DISPLAY, COMPACT);
    }

    /** {@code ![[Note]]}, {@code ![[Note#Heading]]}, {@code ![[Note#^block]]}; an empty page is the note itself. */
    private Fragment noteEmbed(String page, String anchor, String display, boolean alone, int line) {
        String named = page + (anchor == null ? "" : "#" + anchor);
        Note target = state.note;
        if (!page.isEmpty()) {
            Resolved resolved = resolve(page, "embed ![[" + page + "]]", "not read", page, line);
            if (resolved.failure() != null) {
                return resolved.failure();
            }
            target = resolved.note();
        }
        if (target.isCanvas()) {
            // A canvas page is positioned markup that a note's sanitiser would flatten: shown as a link to it.
            return link(page, anchor, display, line);
        }
        if (!state.quiet && !target.path().equals(state.note.path())) {
            state.embeds.add(target.slug());
        }
        Optional<String> section =
                Optional.ofNullable(anchor).filter(a -> !a.isEmpty()).map(WikiLinks::anchorId);
        if (state.stack.contains(MarkdownRenderer.embedKey(target, section))) {
            return renderer.stopEmbed(
                    state,
                    Issue.EMBED_CYCLE,
                    line,
                    "embed ![[" + named + "]] would embed itself (cycle); shown as a link",
                    link(page, anchor, display, line));
        }
        if (state.depth >= renderer.options().limits().maxEmbedDepth()) {
            return renderer.stopEmbed(
                    state,
                    Issue.EMBED_DEPTH,
                    line,
                    "embed ![[" + named + "]] is nested deeper than "
                            + renderer.options().limits().maxEmbedDepth() + "; shown as a link",
                    link(page, anchor, display, line));
        }
        return new Fragment(renderer.embed(target, section, state), alone);
    }

    /** {@code fragment} is what followed {@code #} ({@code ""} when nothing): a PDF's {@code page=N} and {@code height=N}. */
    private Fragment media(String page, String fragment, String display, boolean embed, int line) {
        LinkIndex.Lookup<MediaFile> found = renderer.index().media(page, state.note.folder());
        String label = display != null && !display.isEmpty() && !display.matches("\\d+(x\\d+)?") ? display : page;
        if (found.unsafe()) {
            renderer.report(state, Issue.UNSAFE_PATH, line, "media " + page + " leaves the repository; not read");
            return marked("missing-media", label);
        }
        if (found.target().isEmpty()) {
            renderer.report(state, Issue.MISSING_MEDIA, line, "media " + page + " is not in the repository");
            return marked("missing-media", label);
        }
        MediaFile media = found.target().get();
        state.media.add(media.hash());
        if (!embed) {
            Optional<String> url = MediaHtml.url(media);
            return url.map(u -> new Fragment(
                            "<a class=\"media-link\" href=\"" + Html.attr(u) + "\">" + Html.text(label) + "</a>",
                            false))
                    .orElseGet(() -> marked("refused-media", label));
        }
        Integer width = null;
        Integer height = null;
        if (display != null && display.matches("\\d+(x\\d+)?")) {
            String[] parts = display.split("x");
            width = Integer.parseInt(parts[0]);
            height = parts.length > 1 ? Integer.parseInt(parts[1]) : null;
        }
        String alt = display != null && width == null ? display : media.name();
        return new Fragment(MediaHtml.element(media, alt, width, height, fragment, renderer.trust()), false);
    }

    /** A note a link or embed names, or the marked text that stands in for it (already reported). */
    private record Resolved(Note note, Fragment failure) {}

    /** Looks {@code page} up from the current note's folder; an unsafe or unknown page is reported and marked. */
    private Resolved resolve(String page, String described, String unsafeOutcome, String shown, int line) {
        LinkIndex.Lookup<Note> found = renderer.index().note(page, state.note.folder());
        if (found.unsafe()) {
            renderer.report(state, Issue.UNSAFE_PATH, line, described + " leaves the repository; " + unsafeOutcome);
            return new Resolved(null, marked("unsafe-link", shown));
        }
        if (found.target().isEmpty()) {
            renderer.report(state, Issue.BROKEN_LINK, line, described + " matches no note");
            return new Resolved(null, marked("broken-link", shown));
        }
        return new Resolved(found.target().get(), null);
    }

    private static Fragment marked(String cssClass, String text) {
        return new Fragment("<span class=\"" + cssClass + "\">" + Html.text(text) + "</span>", false);
    }

    /** Heading text → its id; {@code ^block} → the block's anchor id. */
    static String anchorId(String anchor) {
        return anchor.startsWith("^") ? anchor : Slugs.anchor(anchor);
    }
}
