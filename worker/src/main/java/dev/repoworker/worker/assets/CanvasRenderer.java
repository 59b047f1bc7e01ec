package dev.repoworker.worker.assets;

import dev.repoworker.embeddings.Canvas;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;

/**
 * One canvas → its post's render. A text card is rendered as a note of its own, with the canvas's path and folder (so
 * links, tags and embeds resolve from there and issues name the canvas); the text cards share one render budget. A
 * file card is resolved through the link index to a post (shown as its title, linked) or a media file (shown); a link
 * card keeps its http(s) URL. Every card's links, embeds and media are the canvas's. A file card shows the title of
 * the note it names rather than its content, so the render reads only the index and the render cache's key covers it.
 * Make one per render.
 */
final class CanvasRenderer {

    /**
     * One node as drawn: {@code node} for the post's canvas field, {@code content} the card's sanitised HTML,
     * {@code plain} and {@code excerpt} its text, {@code image} the URL of the first image it shows.
     */
    record Card(CanvasFile.Node source, Canvas.Node node, String content, String plain, String excerpt, String image) {}

    private final MarkdownRenderer markdown;
    private final Issues issues;
    private final Note canvas;
    private final Set<String> links = new LinkedHashSet<>();
    private final Set<String> embeds = new LinkedHashSet<>();
    private final Set<String> media = new LinkedHashSet<>();

    CanvasRenderer(MarkdownRenderer markdown, Issues issues, Note canvas) {
        this.markdown = markdown;
        this.issues = issues;
        this.canvas = canvas;
    }

    Rendered render() {
        RenderBudget budget = new RenderBudget(markdown.options().limits().maxRenderCpuMillis());
        List<Card> cards = new ArrayList<>();
        for (CanvasFile.Node node : canvas.canvas().nodes()) {
            cards.add(
                    switch (node) {
                        case CanvasFile.Text text -> text(text, budget);
                        case CanvasFile.File file -> file(file);
                        case CanvasFile.Link link -> link(link);
                        case CanvasFile.Group group -> group(group);
                    });
        }
        List<Card> reading = cards.stream()
                .sorted(Comparator.comparing((Card c) -> c.source().box().y())
                        .thenComparing(c -> c.source().box().x()))
                .toList();
        String plain =
                reading.stream().map(Card::plain).filter(p -> !p.isBlank()).collect(Collectors.joining("\n"));
        String excerpt = reading.stream()
                .map(Card::excerpt)
                .filter(e -> !e.isBlank())
                .findFirst()
                .orElse("");
        String firstImage = reading.stream()
                .map(Card::image)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        String html = CanvasHtml.page(cards, canvas.canvas().edges());
        int maxHtml = markdown.options().limits().maxHtmlChars();
        if (html.length() > maxHtml) {
            issues.add(
                    Issue.HTML_TOO_LARGE,
                    canvas.path(),
                    0,
                    "canvas renders to " + html.length() + " characters of HTML, over the limit of " + maxHtml
                            + "; its page shows no cards");
            html = "<p class=\"render-failed\">This canvas is too large to show.</p>";
        }
        Canvas data = new Canvas(
                cards.stream().map(Card::node).toList(), canvas.canvas().edges());
        return new Rendered(
                html, plain, excerpt, List.of(), null, links, embeds, new LinkedHashSet<>(), media, firstImage, data);
    }

    private Card text(CanvasFile.Text text, RenderBudget budget) {
        Note card = new Note(
                canvas.path(),
                canvas.folder(),
                canvas.name(),
                text.text(),
                Map.of(),
                0,
                canvas.slug(),
                null,
                List.of(),
                List.of(),
                canvas.hash(),
                canvas.updated(),
                null);
        Rendered r = markdown.render(card, budget);
        links.addAll(r.links());
        embeds.addAll(r.embeds());
        media.addAll(r.media());
        CanvasFile.Box b = text.box();
        return new Card(
                text,
                new Canvas.Text(text.id(), b.x(), b.y(), b.width(), b.height(), text.color(), r.html()),
                r.html(),
                r.plain(),
                r.excerpt(),
                r.firstImage());
    }

    private Card file(CanvasFile.File file) {
        Optional<Vault.Kind> kind = Vault.kindOf(file.file());
        // A node's file is a path from the vault's root, as Obsidian writes it.
        String fromRoot = "/" + file.file();
        if (kind.isPresent() && kind.get().isMedia()) {
            LinkIndex.Lookup<MediaFile> found = markdown.index().media(fromRoot, canvas.folder());
            if (found.target().isEmpty()) {
                return missing(file, found.unsafe(), Issue.MISSING_MEDIA);
            }
            MediaFile m = found.target().get();
            media.add(m.hash());
            String url = MediaHtml.url(m).orElse(null);
            boolean image = m.kind() == Vault.Kind.IMAGE || m.kind() == Vault.Kind.SVG;
            return new Card(
                    file,
                    fileNode(file, null, m.kind().name().toLowerCase(Locale.ROOT), url, false),
                    sanitized(MediaHtml.element(m, m.name(), null, null, "", markdown.trust())),
                    m.name(),
                    m.name(),
                    image ? url : null);
        }
        LinkIndex.Lookup<Note> found = markdown.index().note(fromRoot, canvas.folder());
        if (found.target().isEmpty()) {
            return missing(file, found.unsafe(), Issue.BROKEN_LINK);
        }
        Note target = found.target().get();
        if (!target.path().equals(canvas.path())) {
            links.add(target.slug());
        }
        String anchor = file.subpath() == null
                ? ""
                : "#" + WikiLinks.anchorId(file.subpath().substring(1).strip());
        String url = markdown.noteUrl(target) + anchor;
        String title = MarkdownRenderer.title(target);
        String content = "<a class=\"internal-link\" data-slug=\"" + Html.attr(target.slug()) + "\" href=\""
                + Html.attr(url) + "\">" + Html.text(title) + "</a>";
        return new Card(file, fileNode(file, target.slug(), null, url, false), sanitized(content), title, title, null);
    }

    private Card missing(CanvasFile.File file, boolean unsafe, String kind) {
        issues.add(
                unsafe ? Issue.UNSAFE_PATH : kind,
                canvas.path(),
                0,
                "file node " + file.file()
                        + (unsafe ? " leaves the repository; not read" : " is not in the repository"));
        String content = "<span class=\"missing-file\">" + Html.text(file.file()) + "</span>";
        return new Card(file, fileNode(file, null, null, null, true), sanitized(content), file.file(), "", null);
    }

    private static Canvas.File fileNode(
            CanvasFile.File file, String slug, String mediaKind, String url, boolean missing) {
        CanvasFile.Box b = file.box();
        return new Canvas.File(
                file.id(),
                b.x(),
                b.y(),
                b.width(),
                b.height(),
                file.color(),
                file.file(),
                file.subpath(),
                slug,
                mediaKind,
                url,
                missing);
    }

    private Card link(CanvasFile.Link link) {
        CanvasFile.Box b = link.box();
        Canvas.Link node = new Canvas.Link(link.id(), b.x(), b.y(), b.width(), b.height(), link.color(), link.url());
        if (link.url() == null) {
            return new Card(
                    link, node, "<span class=\"refused-link\">link left out (not http or https)</span>", "", "", null);
        }
        String content = "<a class=\"external-link\" rel=\"noopener nofollow\" href=\"" + Html.attr(link.url()) + "\">"
                + Html.text(link.url()) + "</a>";
        return new Card(link, node, sanitized(content), link.url(), "", null);
    }

    private Card group(CanvasFile.Group group) {
        String background = null;
        if (group.background() != null) {
            Optional<MediaFile> image = markdown.index()
                    .media("/" + group.background(), canvas.folder())
                    .target();
            image.ifPresent(m -> media.add(m.hash()));
            background = image.flatMap(MediaHtml::url).orElse(null);
        }
        CanvasFile.Box b = group.box();
        String label = group.label() == null ? "" : group.label();
        return new Card(
                group,
                new Canvas.Group(
                        group.id(),
                        b.x(),
                        b.y(),
                        b.width(),
                        b.height(),
                        group.color(),
                        group.label(),
                        background,
                        group.backgroundStyle()),
                "",
                label,
                "",
                null);
    }

    /** Card content built here passes the sanitiser too, like every card's: one rule for what a card may hold. */
    private String sanitized(String html) {
        return HtmlSanitizer.clean(Jsoup.parseBodyFragment(html, HtmlSanitizer.BASE), markdown.trust())
                .body()
                .html();
    }
}
