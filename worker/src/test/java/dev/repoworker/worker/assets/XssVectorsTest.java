package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector of {@code xss/vectors.txt} through the renderer build-assets uses for {@code html}: on its own, inside a
 * callout, in a list item, embedded into another note, and anywhere in a canvas. The output must pass
 * {@link XssAssertions} ({@link CanvasAssertions} for a canvas page).
 */
class XssVectorsTest {

    static List<String> vectors() throws IOException {
        try (InputStream in = XssVectorsTest.class.getResourceAsStream("/xss/vectors.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("# "))
                    .map(l -> l.replace("\\n", "\n"))
                    .toList();
        }
    }

    static Stream<String> vectorSource() throws IOException {
        return vectors().stream();
    }

    @Test
    void the_list_is_long_enough_to_mean_something() throws IOException {
        assertThat(vectors()).hasSizeGreaterThan(100).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("vectorSource")
    void a_vector_on_its_own_is_neutralised(String vector) {
        XssAssertions.assertSafe(Render.markdown(vector).html());
    }

    @ParameterizedTest
    @MethodSource("vectorSource")
    void a_vector_in_a_callout_or_a_list_is_neutralised(String vector) {
        String quoted = "> [!note] Title\n> " + vector.replace("\n", "\n> ") + "\n";
        XssAssertions.assertSafe(Render.markdown(quoted).html());
        XssAssertions.assertSafe(Render.markdown("- item\n  " + vector.replace("\n", "\n  ") + "\n")
                .html());
    }

    @ParameterizedTest
    @MethodSource("vectorSource")
    void a_vector_in_an_embedded_note_is_neutralised(String vector) {
        XssAssertions.assertSafe(Render.embedding(vector).html());
    }

    @ParameterizedTest
    @MethodSource("userWrittenFrames")
    void no_user_written_iframe_survives_even_one_that_looks_like_the_builds_own(String frame) {
        for (String note : List.of(frame, "> [!note]\n> " + frame, "text " + frame + " text")) {
            String html = Render.markdown(note).html();
            assertThat(Jsoup.parseBodyFragment(html).select("iframe")).as(html).isEmpty();
            assertThat(Jsoup.parseBodyFragment(Render.embedding(note).html()).select("iframe"))
                    .isEmpty();
        }
    }

    static Stream<String> userWrittenFrames() {
        String pdf = "/_repo/medias/" + "c".repeat(64) + ".pdf";
        return Stream.of(
                "<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\"></iframe>",
                "<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\" sandbox=\"allow-scripts allow-same-origin"
                        + " allow-presentation\" data-trusted=\"0\"></iframe>",
                "<iframe src=\"" + pdf + "\"></iframe>",
                "<iframe src=\"" + pdf + "#page=2\" data-trusted=\"x\"></iframe>",
                "<iframe class=\"media-pdf-viewer\" src=\"https://e.example/x.pdf\"></iframe>",
                "<iframe srcdoc=\"<p>x</p>\"></iframe>",
                "<iframe src=\"https://e.example/\" sandbox></iframe>");
    }

    @Test
    void the_builds_own_players_and_viewers_pass_the_assertions() {
        String html = Render.markdown("![Talk](https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s)\n\n"
                        + "![[paper.pdf#page=2&height=300]]\n\n![[talk.mp3]]\n\n![](https://x.com/u/status/1)\n")
                .html();
        XssAssertions.assertSafe(html);
        Document doc = Jsoup.parseBodyFragment(html);
        assertThat(doc.select("iframe"))
                .extracting(f -> f.attr("src"))
                .containsExactly(
                        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90",
                        "/_repo/medias/" + "c".repeat(64) + ".pdf#page=2");
        assertThat(doc.select("iframe").get(1).attr("height")).isEqualTo("300");
        assertThat(doc.select("audio").attr("src")).isEqualTo("/_repo/medias/" + "b".repeat(64) + ".mp3");
        assertThat(doc.select("[data-trusted]")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("vectorSource")
    void a_vector_anywhere_in_a_canvas_is_neutralised(String vector) {
        CanvasAssertions.assertSafeCanvas(Render.canvas(canvasHolding(vector)).html());
    }

    /** The vector as a text card, a group label, a file, a link, an id, a color and an edge label. */
    private static String canvasHolding(String vector) {
        ObjectNode canvas = Json.mapper().createObjectNode();
        ArrayNode nodes = canvas.putArray("nodes");
        nodes.addObject()
                .put("id", vector)
                .put("type", "text")
                .put("x", 0)
                .put("y", 0)
                .put("width", 100)
                .put("height", 100)
                .put("color", vector)
                .put("text", vector);
        nodes.addObject()
                .put("id", "group")
                .put("type", "group")
                .put("x", -10)
                .put("y", -10)
                .put("width", 500)
                .put("height", 500)
                .put("label", vector)
                .put("background", vector);
        nodes.addObject()
                .put("id", "file")
                .put("type", "file")
                .put("x", 200)
                .put("y", 0)
                .put("width", 100)
                .put("height", 100)
                .put("file", vector)
                .put("subpath", "#" + vector);
        nodes.addObject()
                .put("id", "link")
                .put("type", "link")
                .put("x", 0)
                .put("y", 200)
                .put("width", 100)
                .put("height", 100)
                .put("url", vector);
        canvas.putArray("edges")
                .addObject()
                .put("id", vector)
                .put("fromNode", vector)
                .put("toNode", "file")
                .put("color", vector)
                .put("label", vector)
                .put("fromEnd", "arrow");
        return canvas.toString();
    }

    @Test
    void the_canvas_assertions_catch_what_they_look_for() {
        for (String unsafe : List.of(
                "<div style=\"background:url(javascript:alert(1))\"></div>",
                "<div style=\"left:1px;width:expression(alert(1))\"></div>",
                "<svg onload=\"alert(1)\"></svg>",
                "<svg><a href=\"javascript:alert(1)\">x</a></svg>",
                "<svg><text>a<script>alert(1)</script></text></svg>",
                "<div class=\"canvas-card-content\"><img src=x onerror=alert(1)></div>",
                "<svg><path d=\"M0,0 C1,1 2,2 3,3\" stroke=\"url(#x)\"></path></svg>")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanvasAssertions.assertSafeCanvas(unsafe))
                    .as(unsafe)
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void the_assertions_catch_what_they_look_for() {
        String pdf = "/_repo/medias/" + "c".repeat(64) + ".pdf";
        for (String unsafe : List.of(
                "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "<a href=\"java&#x09;script:alert(1)\">x</a>",
                "<a href=\"data:text/html,x\">x</a>",
                "<iframe src=\"https://e.example\"></iframe>",
                "<svg><a>x</a></svg>",
                "<input type=\"password\">",
                "<p title='a<b'>x</p>",
                "<img srcset=\"https://e.example/a.png 1x, javascript:alert(1) 2x\">",
                "<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\"></iframe>",
                "<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\" sandbox=\"allow-scripts allow-same-origin"
                        + " allow-presentation allow-top-navigation\"></iframe>",
                "<iframe src=\"https://www.youtube-nocookie.com.evil.example/embed/dQw4w9WgXcQ\" sandbox=\""
                        + XssAssertions.YOUTUBE_SANDBOX + "\"></iframe>",
                "<iframe src=\"" + pdf + "\" srcdoc=\"x\"></iframe>",
                "<iframe src=\"/elsewhere/x.pdf\"></iframe>",
                "<audio src=\"javascript:alert(1)\"></audio>",
                "<video src=\"data:video/mp4;base64,AA\"></video>",
                "<object data=\"" + pdf + "\"></object>",
                "<audio><source src=\"a.mp3\"></audio>")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> XssAssertions.assertSafe(unsafe))
                    .as(unsafe)
                    .isInstanceOf(AssertionError.class);
        }
    }
}
