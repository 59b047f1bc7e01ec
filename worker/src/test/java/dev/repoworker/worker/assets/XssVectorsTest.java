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
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("# "))
                    .map(l -> l.replace("\\n", "\n")).toList();
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
        XssAssertions.assertSafe(Render.markdown("- item\n  " + vector.replace("\n", "\n  ") + "\n").html());
    }

    @ParameterizedTest
    @MethodSource("vectorSource")
    void a_vector_in_an_embedded_note_is_neutralised(String vector) {
        XssAssertions.assertSafe(Render.embedding(vector).html());
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
        nodes.addObject().put("id", vector).put("type", "text").put("x", 0).put("y", 0).put("width", 100)
                .put("height", 100).put("color", vector).put("text", vector);
        nodes.addObject().put("id", "group").put("type", "group").put("x", -10).put("y", -10).put("width", 500)
                .put("height", 500).put("label", vector).put("background", vector);
        nodes.addObject().put("id", "file").put("type", "file").put("x", 200).put("y", 0).put("width", 100)
                .put("height", 100).put("file", vector).put("subpath", "#" + vector);
        nodes.addObject().put("id", "link").put("type", "link").put("x", 0).put("y", 200).put("width", 100)
                .put("height", 100).put("url", vector);
        canvas.putArray("edges").addObject().put("id", vector).put("fromNode", vector).put("toNode", "file")
                .put("color", vector).put("label", vector).put("fromEnd", "arrow");
        return canvas.toString();
    }

    @Test
    void the_canvas_assertions_catch_what_they_look_for() {
        for (String unsafe : List.of("<div style=\"background:url(javascript:alert(1))\"></div>",
                "<div style=\"left:1px;width:expression(alert(1))\"></div>", "<svg onload=\"alert(1)\"></svg>",
                "<svg><a href=\"javascript:alert(1)\">x</a></svg>", "<svg><text>a<script>alert(1)</script></text></svg>",
                "<div class=\"canvas-card-content\"><img src=x onerror=alert(1)></div>",
                "<svg><path d=\"M0,0 C1,1 2,2 3,3\" stroke=\"url(#x)\"></path></svg>")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> CanvasAssertions.assertSafeCanvas(unsafe))
                    .as(unsafe).isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void the_assertions_catch_what_they_look_for() {
        for (String unsafe : List.of("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                "<a href=\"java&#x09;script:alert(1)\">x</a>", "<a href=\"data:text/html,x\">x</a>",
                "<iframe src=\"https://e.example\"></iframe>", "<svg><a>x</a></svg>", "<input type=\"password\">",
                "<p title='a<b'>x</p>", "<img srcset=\"https://e.example/a.png 1x, javascript:alert(1) 2x\">")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> XssAssertions.assertSafe(unsafe))
                    .as(unsafe).isInstanceOf(AssertionError.class);
        }
    }
}
