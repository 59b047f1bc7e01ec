package dev.repoworker.worker.assets;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * The last step of every post: an allow-list of tags, attributes and URL schemes (jsoup). Everything else goes:
 * {@code <script>}, {@code <iframe>}, {@code <style>}, forms, SVG and MathML, {@code on*} handlers, {@code style},
 * {@code javascript:} and {@code data:} URLs (in {@code srcset} too). The only input is the task list's checkbox.
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
            .addAttributes("input", "checked", "disabled")
            .addEnforcedAttribute("input", "type", "checkbox")
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

    private static final Evaluator SRCSET = QueryParser.parse("img[srcset]");
    private static final Evaluator LINK_WITHOUT_TARGET = QueryParser.parse("a:not([href])");
    private static final Pattern INVISIBLE = Pattern.compile("[\\s\\p{Cntrl}\\u00a0\\u200b-\\u200d\\ufeff]+");
    private static final Pattern SCHEME = Pattern.compile("^[a-z][a-z0-9+.-]*:");

    /** A new document holding only the allowed parts of {@code dirty}'s body (parsed with {@link #BASE}). */
    static Document clean(Document dirty) {
        Document clean = new Cleaner(SAFELIST).clean(dirty);
        // jsoup checks the protocols of single URLs only; a srcset holds a list.
        for (Element img : clean.select(SRCSET)) {
            if (!safeSrcset(img.attr("srcset"))) {
                img.removeAttr("srcset");
            }
        }
        // A link whose URL was dropped (javascript:, an unknown scheme) is shown as its text.
        for (Element a : clean.select(LINK_WITHOUT_TARGET)) {
            a.unwrap();
        }
        clean.outputSettings().prettyPrint(false);
        return clean;
    }

    /** Every candidate of the srcset is relative or http(s). */
    static boolean safeSrcset(String srcset) {
        for (String candidate : srcset.split(",")) {
            String url = INVISIBLE.matcher(candidate.strip().split("\\s+")[0]).replaceAll("").toLowerCase(Locale.ROOT);
            if (SCHEME.matcher(url).find() && !url.startsWith("http:") && !url.startsWith("https:")) {
                return false;
            }
        }
        return true;
    }
}
