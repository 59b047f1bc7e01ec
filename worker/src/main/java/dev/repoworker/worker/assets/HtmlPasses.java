package dev.repoworker.worker.assets;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * The DOM transforms after commonmark-java, the other half of the Obsidian support: callouts ({@link Callouts}),
 * {@code ```mermaid} becomes {@code <pre class="mermaid">}, Markdown links to {@code .md} and {@code .canvas} files
 * and local images are resolved, headings get ids. Content of embedded notes was already processed when it was
 * rendered and is left alone. {@link Placeholders} runs before (on the HTML text); {@link HtmlSummary} after.
 */
final class HtmlPasses {

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    // Selectors parsed once: jsoup parses a selector string on every select() call.
    private static final Evaluator BLOCKQUOTE = QueryParser.parse("blockquote");
    private static final Evaluator MERMAID = QueryParser.parse("pre > code.language-mermaid");
    private static final Evaluator LINKS = QueryParser.parse("a[href]");
    private static final Evaluator IMAGES = QueryParser.parse("img[src]");
    private static final Evaluator HEADINGS = QueryParser.parse("h1, h2, h3, h4, h5, h6");

    private final MarkdownRenderer renderer;
    private final MarkdownRenderer.State state;

    HtmlPasses(MarkdownRenderer renderer, MarkdownRenderer.State state) {
        this.renderer = renderer;
        this.state = state;
    }

    void apply(Document dom) {
        for (Element quote : reversed(dom.select(BLOCKQUOTE))) {
            Callouts.replace(quote);
        }
        for (Element code : dom.select(MERMAID)) {
            Element pre = new Element("pre").addClass("mermaid").text(code.wholeText());
            code.parent().replaceWith(pre);
        }
        for (Element a : dom.select(LINKS)) {
            if (!HtmlSections.insideEmbed(a) && !a.hasClass("internal-link") && !a.hasClass("media-link")) {
                markdownLink(a);
            }
        }
        for (Element img : dom.select(IMAGES)) {
            if (!HtmlSections.insideEmbed(img) && !img.hasClass("media")) {
                image(img);
            }
        }
        headingIds(dom);
    }

    /** The one element {@code html} holds. */
    private static Element parseOne(String html) {
        return Jsoup.parseBodyFragment(html, HtmlSanitizer.BASE).body().child(0);
    }

    // Markdown links and images.

    private void markdownLink(Element a) {
        String raw = a.attr("href");
        if (raw.isEmpty() || SCHEME.matcher(raw).find() || raw.startsWith("#") || raw.startsWith("/")) {
            return;
        }
        String decoded = percentDecode(raw);
        int hash = decoded.indexOf('#');
        String path = hash >= 0 ? decoded.substring(0, hash) : decoded;
        String anchor = hash >= 0 ? decoded.substring(hash + 1) : "";
        Optional<Vault.Kind> kind = Vault.kindOf(path);
        if (kind.isPresent() && !kind.get().isMedia()) {
            LinkIndex.Lookup<Note> found = renderer.index().note(path, state.note.folder());
            if (found.unsafe() || found.target().isEmpty()) {
                renderer.report(
                        state,
                        found.unsafe() ? Issue.UNSAFE_PATH : Issue.BROKEN_LINK,
                        lineOf(raw),
                        "link " + raw + (found.unsafe() ? " leaves the repository; not followed" : " matches no note"));
                a.replaceWith(new Element("span")
                        .addClass(found.unsafe() ? "unsafe-link" : "broken-link")
                        .text(a.text()));
                return;
            }
            Note target = found.target().get();
            if (!target.path().equals(state.note.path())) {
                state.links.add(target.slug());
            }
            a.attr("href", renderer.noteUrl(target) + (anchor.isEmpty() ? "" : "#" + WikiLinks.anchorId(anchor)))
                    .addClass("internal-link")
                    .attr("data-slug", target.slug());
            return;
        }
        if (kind.isPresent()) {
            LinkIndex.Lookup<MediaFile> media = renderer.index().media(path, state.note.folder());
            if (media.target().isPresent()) {
                state.media.add(media.target().get().hash());
                MediaHtml.url(media.target().get())
                        .ifPresent(u -> a.attr("href", u).addClass("media-link"));
            } else if (media.unsafe()) {
                renderer.report(
                        state, Issue.UNSAFE_PATH, lineOf(raw), "link " + raw + " leaves the repository; not followed");
                a.replaceWith(new Element("span").addClass("unsafe-link").text(a.text()));
            }
        }
    }

    private void image(Element img) {
        String raw = img.attr("src");
        if (SCHEME.matcher(raw).find() || raw.startsWith("//")) {
            webImage(img, raw);
            return;
        }
        String path = percentDecode(raw.replaceAll("[?#].*$", ""));
        LinkIndex.Lookup<MediaFile> found = renderer.index().media(path, state.note.folder());
        String alt = img.attr("alt");
        if (found.unsafe() || found.target().isEmpty()) {
            String what = Vault.kindOf(path)
                            .filter(k -> k != Vault.Kind.IMAGE && k != Vault.Kind.SVG)
                            .isPresent()
                    ? "media "
                    : "image ";
            renderer.report(
                    state,
                    found.unsafe() ? Issue.UNSAFE_PATH : Issue.MISSING_MEDIA,
                    lineOf(raw),
                    what + raw + (found.unsafe() ? " leaves the repository; not read" : " is not in the repository"));
            img.replaceWith(new Element("span").addClass("missing-media").text(alt.isEmpty() ? raw : alt));
            return;
        }
        MediaFile media = found.target().get();
        state.media.add(media.hash());
        int hash = raw.indexOf('#');
        String fragment = hash < 0 ? "" : raw.substring(hash + 1);
        img.replaceWith(parseOne(MediaHtml.element(media, alt, null, null, fragment, renderer.trust())));
    }

    /**
     * {@code ![alt](https://…)}: an image stays one; a YouTube video, an X post or any other page becomes what
     * {@link WebEmbeds} makes of it (inside a link it stays an image: a link cannot hold another).
     */
    private void webImage(Element img, String raw) {
        WebEmbeds.Embed embed = WebEmbeds.of(raw);
        if (embed instanceof WebEmbeds.Image || img.closest("a") != null) {
            img.attr("loading", "lazy");
            return;
        }
        Element shown = parseOne(WebEmbeds.html(embed, img.attr("alt"), renderer.trust()));
        Element paragraph = img.parent();
        if (!(embed instanceof WebEmbeds.Post)) {
            img.replaceWith(shown);
        } else if (paragraph != null
                && paragraph.normalName().equals("p")
                && paragraph.childrenSize() == 1
                && paragraph.ownText().isBlank()) {
            paragraph.replaceWith(shown);
        } else {
            // A quote cannot sit inside a paragraph: the post's link alone.
            img.replaceWith(shown.child(0));
        }
    }

    /** The line of a link's or image's target: first as a Markdown destination, else anywhere. */
    private int lineOf(String raw) {
        int line = state.lines.lineOf("(" + raw);
        return line > 0 ? line : state.lines.lineOf(raw);
    }

    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%'
                    && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    // Heading ids.

    private static void headingIds(Document dom) {
        Set<String> used = new HashSet<>();
        for (Element h : dom.select(HEADINGS)) {
            if (HtmlSections.insideEmbed(h)) {
                continue;
            }
            String base = Slugs.anchor(h.text());
            base = base.isEmpty() ? "section" : base;
            String id = base;
            for (int n = 1; !used.add(id); n++) {
                id = base + "-" + n;
            }
            h.attr("id", id);
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
