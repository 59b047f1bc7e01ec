package dev.repoworker.worker.assets;

import java.security.SecureRandom;
import java.util.HexFormat;
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
 * {@code <script>}, {@code <style>}, forms, SVG and MathML, {@code on*} handlers, {@code style}, {@code javascript:}
 * and {@code data:} URLs (in {@code srcset} too). The only input is the task list's checkbox. The only
 * {@code <iframe>}s kept are the build's own (see {@link Trust}): a YouTube player on
 * {@code youtube-nocookie.com/embed/} (sandboxed) and the PDF viewer on one of the build's own PDFs.
 */
final class HtmlSanitizer {

    /** Relative URLs are checked against this base and kept relative. */
    static final String BASE = "https://repo-worker.invalid/";

    private static final Safelist SAFELIST = Safelist.relaxed()
            .addTags(
                    "mark",
                    "details",
                    "summary",
                    "del",
                    "s",
                    "ins",
                    "hr",
                    "input",
                    "video",
                    "audio",
                    "iframe",
                    "figure",
                    "figcaption",
                    "abbr",
                    "kbd",
                    "section",
                    "article",
                    "aside")
            .addAttributes(":all", "class", "id", "title", "lang", "dir")
            .addAttributes("a", "href", "rel", "data-slug")
            .addAttributes("img", "src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes")
            .addAttributes("input", "checked", "disabled")
            .addEnforcedAttribute("input", "type", "checkbox")
            .addAttributes("details", "open", "data-callout")
            .addAttributes("div", "data-callout", "data-embed")
            .addAttributes("span", "data-tag", "data-slug")
            .addAttributes("video", "src", "controls", "preload", "width", "height")
            .addAttributes("audio", "src", "controls", "preload")
            .addAttributes(
                    "iframe",
                    "src",
                    "width",
                    "height",
                    "loading",
                    "sandbox",
                    "allow",
                    "allowfullscreen",
                    "referrerpolicy",
                    Trust.ATTRIBUTE)
            .addAttributes("th", "align")
            .addAttributes("td", "align")
            .addProtocols("a", "href", "http", "https", "mailto", "#")
            .addProtocols("img", "src", "http", "https")
            .addProtocols("video", "src", "http", "https")
            .addProtocols("audio", "src", "http", "https")
            .addProtocols("iframe", "src", "http", "https")
            .preserveRelativeLinks(true);

    private HtmlSanitizer() {}

    static final String YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/";
    static final String YOUTUBE_SANDBOX = "allow-scripts allow-same-origin allow-presentation";
    private static final Pattern YOUTUBE_SRC =
            Pattern.compile(Pattern.quote(YOUTUBE_EMBED) + "[A-Za-z0-9_-]{11}(\\?start=\\d{1,6})?");
    private static final Pattern OWN_PDF = Pattern.compile("/[0-9a-f]{64}\\.pdf(#page=\\d{1,6})?");

    /**
     * What marks an {@code <iframe>} as written by the build, not by the note: an attribute holding a random token of
     * this build, which a note's author cannot know. Raw HTML in a note is parsed together with the build's own
     * elements, so the element alone cannot tell.
     */
    record Trust(String token, String mediaBase) {
        static final String ATTRIBUTE = "data-trusted";
        private static final SecureRandom RANDOM = new SecureRandom();

        static Trust fresh(String mediaBase) {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            return new Trust(HexFormat.of().formatHex(bytes), mediaBase);
        }

        String attribute() {
            return ATTRIBUTE + "=\"" + token + "\"";
        }
    }

    private static final Evaluator SRCSET = QueryParser.parse("img[srcset]");
    private static final Evaluator LINK_WITHOUT_TARGET = QueryParser.parse("a:not([href])");
    private static final Evaluator IFRAMES = QueryParser.parse("iframe");
    private static final Pattern INVISIBLE = Pattern.compile("[\\s\\p{Cntrl}\\u00a0\\u200b-\\u200d\\ufeff]+");
    private static final Pattern SCHEME = Pattern.compile("^[a-z][a-z0-9+.-]*:");

    /** A new document holding only the allowed parts of {@code dirty}'s body (parsed with {@link #BASE}). */
    static Document clean(Document dirty, Trust trust) {
        Document clean = new Cleaner(SAFELIST).clean(dirty);
        // Checked on the cleaned tree, so whatever survives is exactly what this check saw.
        for (Element iframe : clean.select(IFRAMES)) {
            keepIfOwn(iframe, trust);
        }
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

    /** Removes {@code iframe} unless the build made it and it shows a YouTube video or one of the build's PDFs. */
    private static void keepIfOwn(Element iframe, Trust trust) {
        String src = iframe.attr("src");
        boolean own = iframe.attr(Trust.ATTRIBUTE).equals(trust.token());
        iframe.removeAttr(Trust.ATTRIBUTE);
        if (own && YOUTUBE_SRC.matcher(src).matches()) {
            iframe.attr("sandbox", YOUTUBE_SANDBOX);
        } else if (own
                && src.startsWith(trust.mediaBase())
                && OWN_PDF.matcher(src.substring(trust.mediaBase().length())).matches()) {
            iframe.removeAttr("sandbox").removeAttr("allow").removeAttr("allowfullscreen");
        } else {
            iframe.remove();
        }
    }

    /** Every candidate of the srcset is relative or http(s). */
    static boolean safeSrcset(String srcset) {
        for (String candidate : srcset.split(",")) {
            String url = INVISIBLE
                    .matcher(candidate.strip().split("\\s+")[0])
                    .replaceAll("")
                    .toLowerCase(Locale.ROOT);
            if (SCHEME.matcher(url).find() && !url.startsWith("http:") && !url.startsWith("https:")) {
                return false;
            }
        }
        return true;
    }
}
