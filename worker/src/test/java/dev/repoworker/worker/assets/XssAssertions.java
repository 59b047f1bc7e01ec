package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * What a post's HTML must never hold, checked on the parsed output (jsoup), as a browser would read it. The only
 * frames allowed are the build's own: a sandboxed YouTube player on {@code youtube-nocookie.com/embed/} and the PDF
 * viewer on one of the build's media files.
 */
final class XssAssertions {

    static final Set<String> FORBIDDEN_ELEMENTS = Set.of(
            "script",
            "frame",
            "frameset",
            "object",
            "embed",
            "applet",
            "param",
            "base",
            "meta",
            "link",
            "form",
            "button",
            "select",
            "textarea",
            "keygen",
            "isindex",
            "style",
            "svg",
            "math",
            "template",
            "noscript",
            "xmp",
            "map",
            "area",
            "source",
            "marquee");
    static final String YOUTUBE_SANDBOX = "allow-scripts allow-same-origin allow-presentation";
    private static final Pattern YOUTUBE_PLAYER =
            Pattern.compile("https://www\\.youtube-nocookie\\.com/embed/[A-Za-z0-9_-]{11}(\\?start=\\d+)?");
    private static final Pattern OWN_PDF = Pattern.compile("/_repo/medias/[0-9a-f]{64}\\.pdf(#page=\\d+)?");
    static final Set<String> URL_ATTRIBUTES = Set.of(
            "href",
            "src",
            "action",
            "formaction",
            "srcdoc",
            "data",
            "background",
            "cite",
            "poster",
            "lowsrc",
            "dynsrc",
            "ping",
            "srcset",
            "codebase",
            "longdesc",
            "usemap");
    private static final Pattern INVISIBLE = Pattern.compile("[\\s\\p{Cntrl}\\u00a0\\u200b-\\u200d\\ufeff]+");
    private static final Pattern ACTIVE_SCHEME = Pattern.compile("^(javascript|vbscript|livescript|data):.*");

    private XssAssertions() {}

    static void assertSafe(String html) {
        Document doc = Jsoup.parseBodyFragment(html);
        doc.outputSettings().prettyPrint(false);
        assertSafeTree(doc, html);
        assertNoMarkupInAttributes(html);
        // What a second round of parsing makes of it (a page that stores and re-serialises the post) is as safe.
        String again = doc.body().html();
        assertSafeTree(Jsoup.parseBodyFragment(again), again);
        assertNoMarkupInAttributes(again);
    }

    private static void assertSafeTree(Document doc, String html) {
        for (Element e : doc.body().getAllElements()) {
            String element = e.normalName();
            assertThat(FORBIDDEN_ELEMENTS)
                    .as("element <%s> in %s", element, html)
                    .doesNotContain(element);
            if (element.equals("input")) {
                assertThat(e.attr("type")).as("input type in %s", html).isEqualTo("checkbox");
            }
            if (element.equals("iframe")) {
                assertOwnFrame(e, html);
            }
            for (Attribute a : e.attributes()) {
                String name = a.getKey().toLowerCase(Locale.ROOT);
                assertThat(name)
                        .as("attribute of <%s> in %s", element, html)
                        .doesNotStartWith("on")
                        .isNotIn("style", "srcdoc", "formaction", "action")
                        .doesNotContain(":");
                if (URL_ATTRIBUTES.contains(name)) {
                    for (String url : name.equals("srcset") ? a.getValue().split(",") : new String[] {a.getValue()}) {
                        String compact = INVISIBLE.matcher(url).replaceAll("").toLowerCase(Locale.ROOT);
                        assertThat(compact)
                                .as("%s of <%s> in %s", name, element, html)
                                .doesNotMatch(ACTIVE_SCHEME);
                    }
                }
            }
        }
    }

    private static void assertOwnFrame(Element iframe, String html) {
        String src = iframe.attr("src");
        assertThat(iframe.childNodeSize())
                .as("content of an iframe in %s", html)
                .isZero();
        if (YOUTUBE_PLAYER.matcher(src).matches()) {
            assertThat(iframe.attr("sandbox"))
                    .as("sandbox of the player in %s", html)
                    .isEqualTo(YOUTUBE_SANDBOX);
        } else {
            assertThat(src)
                    .as("an iframe that is neither the YouTube player nor the PDF viewer in %s", html)
                    .matches(OWN_PDF);
        }
    }

    /**
     * No raw {@code <} or {@code >} inside a quoted attribute value: such HTML mutates when a page puts it in a
     * raw-text context ({@code <noscript><p title="</noscript><img onerror…>">}).
     */
    static void assertNoMarkupInAttributes(String html) {
        boolean inTag = false;
        char quote = 0;
        for (int i = 0; i < html.length(); i++) {
            char c = html.charAt(i);
            if (quote != 0) {
                assertThat(c)
                        .as("raw markup inside an attribute at %d of %s", i, html)
                        .isNotIn('<', '>');
                if (c == quote) {
                    quote = 0;
                }
            } else if (inTag) {
                if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    inTag = false;
                }
            } else if (c == '<') {
                inTag = true;
            }
        }
    }
}
