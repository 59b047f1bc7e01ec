package dev.repoworker.worker.assets;

import dev.repoworker.embeddings.Post;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Evaluator;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.QueryParser;

/** What is read off a sanitised render: table of contents, first heading, excerpt, first image and plain text. */
final class HtmlSummary {

    private static final int EXCERPT_LENGTH = 280;
    private static final Evaluator IMAGES = QueryParser.parse("img[src]");
    private static final Evaluator HEADINGS = QueryParser.parse("h1, h2, h3, h4, h5, h6");

    private HtmlSummary() {}

    static Rendered summarize(
            Document clean, Set<String> links, Set<String> embeds, Set<String> tags, Set<String> media) {
        List<Post.TocEntry> toc = new ArrayList<>();
        String firstHeading = null;
        for (Element h : clean.select(HEADINGS)) {
            if (HtmlSections.insideEmbed(h)) {
                continue;
            }
            int level = h.normalName().charAt(1) - '0';
            if (level == 1 && firstHeading == null) {
                firstHeading = h.text();
            }
            toc.add(new Post.TocEntry(level, h.text(), h.id()));
        }
        String excerpt = "";
        for (Element p : clean.body().children()) {
            if (p.normalName().equals("p") && !p.text().isBlank()) {
                excerpt = shorten(p.text());
                break;
            }
        }
        Element img = clean.selectFirst(IMAGES);
        String firstImage = img == null ? null : img.attr("src");
        return new Rendered(
                clean.body().html(),
                plain(clean.body()),
                excerpt,
                toc,
                firstHeading,
                links,
                embeds,
                tags,
                media,
                firstImage,
                null);
    }

    private static final Pattern SPACES = Pattern.compile("[ \\t\\u00a0]+");
    private static final Set<String> BLOCKS = Set.of(
            "p",
            "div",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "pre",
            "blockquote",
            "tr",
            "br",
            "details",
            "summary",
            "table",
            "ul",
            "ol",
            "hr",
            "section",
            "figure");

    /** Text with one line per block element and single spaces inside lines. */
    static String plain(Element body) {
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(
                new org.jsoup.select.NodeVisitor() {
                    @Override
                    public void head(Node node, int depth) {
                        if (node instanceof TextNode t) {
                            out.append(t.getWholeText());
                        } else if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
                            out.append('\n');
                        }
                    }

                    @Override
                    public void tail(Node node, int depth) {
                        if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
                            out.append('\n');
                        }
                    }
                },
                body);
        StringBuilder result = new StringBuilder();
        for (String line : out.toString().split("\n")) {
            String l = SPACES.matcher(line).replaceAll(" ").strip();
            if (!l.isEmpty()) {
                result.append(l).append('\n');
            }
        }
        return result.toString().strip();
    }

    private static String shorten(String text) {
        if (text.length() <= EXCERPT_LENGTH) {
            return text;
        }
        int cut = text.lastIndexOf(' ', EXCERPT_LENGTH);
        return text.substring(0, cut > EXCERPT_LENGTH / 2 ? cut : EXCERPT_LENGTH) + "…";
    }
}
