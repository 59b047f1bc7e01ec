package dev.repoworker.worker.assets;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** Where a section or an embed is in a rendered note's DOM. */
final class HtmlSections {

    private HtmlSections() {}

    /** One heading's section (up to the next heading of the same or a higher level) or one block, as HTML. */
    static String section(Document dom, String anchor) {
        Element target = dom.getElementById(anchor);
        if (target == null) {
            return dom.body().html();
        }
        if (!target.normalName().matches("h[1-6]")) {
            Element block = target.closest("p, li, blockquote, table, div.callout, details");
            return (block == null ? target : block).outerHtml();
        }
        int level = target.normalName().charAt(1) - '0';
        StringBuilder html = new StringBuilder(target.outerHtml());
        for (Element e = target.nextElementSibling(); e != null; e = e.nextElementSibling()) {
            if (e.normalName().matches("h[1-6]") && e.normalName().charAt(1) - '0' <= level) {
                break;
            }
            html.append(e.outerHtml());
        }
        return html.toString();
    }

    static boolean insideEmbed(Element e) {
        for (Element p = e.parent(); p != null; p = p.parent()) {
            if (p.hasClass("embed")) {
                return true;
            }
        }
        return false;
    }
}
