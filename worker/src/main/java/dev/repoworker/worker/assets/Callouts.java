package dev.repoworker.worker.assets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Obsidian callouts, {@code > [!type]± Title}: the blockquote becomes {@code <div class="callout">}, or a foldable
 * {@code <details>} ({@code +} open, {@code -} closed).
 */
final class Callouts {

    private static final Pattern CALLOUT = Pattern.compile("^\\s*\\[!([A-Za-z][\\w-]*)]([+-]?)[ \\t]*");
    private static final Evaluator MEDIA = QueryParser.parse("img, video, audio, iframe");

    private Callouts() {}

    /** Makes {@code quote} a callout when its first line is {@code [!type]}; leaves any other quote alone. */
    static void replace(Element quote) {
        Element first = quote.firstElementChild();
        if (first == null
                || !first.normalName().equals("p")
                || first.childNodeSize() == 0
                || !(first.childNode(0) instanceof TextNode lead)) {
            return;
        }
        Matcher m = CALLOUT.matcher(lead.getWholeText());
        if (!m.find()) {
            return;
        }
        String type = m.group(1).toLowerCase(Locale.ROOT);
        String fold = m.group(2);
        lead.text(lead.getWholeText().substring(m.end()));
        Element title = new Element(fold.isEmpty() ? "div" : "summary").addClass("callout-title");
        // The title is the first line of the first paragraph: the nodes before a line break. Nodes are moved as
        // lists (jsoup re-indexes siblings on every single removal: quadratic on a huge paragraph).
        List<Node> nodes = new ArrayList<>(first.childNodes());
        first.empty();
        List<Node> titleNodes = new ArrayList<>();
        int rest = nodes.size();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (node instanceof TextNode t && t.getWholeText().contains("\n")) {
                String whole = t.getWholeText();
                int nl = whole.indexOf('\n');
                titleNodes.add(new TextNode(whole.substring(0, nl)));
                t.text(whole.substring(nl + 1));
                rest = i;
                break;
            }
            if (node instanceof Element e && e.normalName().equals("br")) {
                rest = i + 1;
                break;
            }
            titleNodes.add(node);
        }
        title.appendChildren(titleNodes);
        first.appendChildren(nodes.subList(rest, nodes.size()));
        if (title.text().isBlank()) {
            title.text(type.substring(0, 1).toUpperCase(Locale.ROOT) + type.substring(1));
        }
        if (first.text().isBlank() && first.select(MEDIA).isEmpty()) {
            first.remove();
        }
        Element content = new Element("div").addClass("callout-content");
        List<Node> children = new ArrayList<>(quote.childNodes());
        quote.empty();
        content.appendChildren(children);
        Element callout = new Element(fold.isEmpty() ? "div" : "details")
                .addClass("callout")
                .attr("data-callout", type);
        if (fold.equals("+")) {
            callout.attr("open", true);
        }
        callout.appendChild(title);
        callout.appendChild(content);
        quote.replaceWith(callout);
    }
}
