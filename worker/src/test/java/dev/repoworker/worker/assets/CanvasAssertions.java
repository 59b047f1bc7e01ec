package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;

/**
 * What a canvas page may hold: the wrapper {@link CanvasHtml} builds (boxes, the svg of edges) with attributes of
 * known shapes only (numbers, checked colors, fixed words; ids and labels as text), and card contents that pass
 * {@link XssAssertions} like any post.
 */
final class CanvasAssertions {

    private static final Set<String> WRAPPER_ELEMENTS = Set.of("div", "svg", "g", "path", "polygon", "text");
    private static final String COLOR = "(#[0-9a-f]{3}|#[0-9a-f]{6}|currentColor)";
    private static final Pattern STYLE_DECLARATION = Pattern.compile(
            "position:(relative|absolute)|box-sizing:border-box|(left|top|width|height):-?\\d+(px)?|overflow:(auto|visible)"
                    + "|pointer-events:none|border-radius:8px|border:2px solid (#[0-9a-f]{3}|#[0-9a-f]{6}|rgba\\(128,128,128,0\\.6\\))");
    private static final String NUMBER = "-?\\d+(\\.\\d)?";
    private static final Map<String, Pattern> ATTRIBUTES = Map.ofEntries(
            Map.entry("class", Pattern.compile("[a-z -]+")),
            Map.entry("data-color", Pattern.compile("[1-6]|#[0-9a-f]{3}|#[0-9a-f]{6}")),
            Map.entry("data-node-id", Pattern.compile("(?s).*")),
            Map.entry("data-edge-id", Pattern.compile("(?s).*")),
            Map.entry("width", Pattern.compile("\\d+")),
            Map.entry("height", Pattern.compile("\\d+")),
            Map.entry("d", Pattern.compile("M" + NUMBER + "," + NUMBER + "( " + "C?" + NUMBER + "," + NUMBER + ")+")),
            Map.entry("points", Pattern.compile(NUMBER + "," + NUMBER + "( " + NUMBER + "," + NUMBER + ")*")),
            Map.entry("x", Pattern.compile(NUMBER)),
            Map.entry("y", Pattern.compile(NUMBER)),
            Map.entry("fill", Pattern.compile("none|" + COLOR)),
            Map.entry("stroke", Pattern.compile(COLOR)),
            Map.entry("stroke-width", Pattern.compile("2")),
            Map.entry("text-anchor", Pattern.compile("middle")),
            Map.entry("dominant-baseline", Pattern.compile("middle")));

    private CanvasAssertions() {}

    static void assertSafeCanvas(String html) {
        XssAssertions.assertNoMarkupInAttributes(html);
        Element page = Jsoup.parseBodyFragment(html).body();
        for (Element e : page.getAllElements()) {
            if (e == page || insideCard(e)) {
                continue;
            }
            assertThat(WRAPPER_ELEMENTS)
                    .as("element <%s> of the wrapper in %s", e.normalName(), html)
                    .contains(e.normalName());
            for (Attribute a : e.attributes()) {
                if (a.getKey().equals("style")) {
                    for (String declaration : a.getValue().split(";")) {
                        assertThat(declaration)
                                .as("style of <%s> in %s", e.normalName(), html)
                                .matches(STYLE_DECLARATION);
                    }
                    continue;
                }
                assertThat(ATTRIBUTES)
                        .as("attribute of <%s> in %s", e.normalName(), html)
                        .containsKey(a.getKey());
                assertThat(a.getValue())
                        .as("%s of <%s> in %s", a.getKey(), e.normalName(), html)
                        .matches(ATTRIBUTES.get(a.getKey()));
            }
            if (e.normalName().equals("text")) {
                assertThat(e.children()).as("an edge label is text only").isEmpty();
            }
        }
        for (Element content : page.select(".canvas-card-content")) {
            XssAssertions.assertSafe(content.html());
        }
    }

    private static boolean insideCard(Element e) {
        for (Element p = e.parent(); p != null; p = p.parent()) {
            if (p.hasClass("canvas-card-content")) {
                return true;
            }
        }
        return false;
    }
}
