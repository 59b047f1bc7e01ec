package dev.repoworker.worker.assets;

import org.jsoup.nodes.Document;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * The last step of every post: an allow-list of tags, attributes and URL schemes (jsoup). Everything else goes:
 * {@code <script>}, {@code <iframe>}, {@code <style>}, {@code on*} handlers, {@code style},
 * {@code javascript:} and {@code data:} URLs.
 */
final class HtmlSanitizer {

    /** Relative URLs are checked against this base and kept relative. */
    static final String BASE = "https://repo-worker.invalid/";

    private static final Safelist SAFELIST = Safelist.relaxed()
            .addTags("mark", "details", "summary", "del", "s", "ins", "hr", "input", "video", "figure", "figcaption",
                    "abbr", "kbd", "section", "article", "aside")
            .addAttributes(":all", "class", "id", "title", "lang", "dir")
            .addAttributes("a", "href", "rel", "data-slug")
            .addAttributes("img", "src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes")
            .addAttributes("input", "type", "checked", "disabled")
            .addAttributes("details", "open", "data-callout")
            .addAttributes("div", "data-callout", "data-embed")
            .addAttributes("span", "data-tag", "data-slug")
            .addAttributes("video", "src", "controls", "preload", "width", "height")
            .addAttributes("th", "align")
            .addAttributes("td", "align")
            .addProtocols("a", "href", "http", "https", "mailto", "#")
            .addProtocols("img", "src", "http", "https")
            .addProtocols("video", "src", "http", "https")
            .preserveRelativeLinks(true);

    private HtmlSanitizer() {
    }

    /** A new document holding only the allowed parts of {@code dirty}'s body (parsed with {@link #BASE}). */
    static Document clean(Document dirty) {
        Document clean = new Cleaner(SAFELIST).clean(dirty);
        clean.outputSettings().prettyPrint(false);
        return clean;
    }
}
