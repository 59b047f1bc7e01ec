package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

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
 * callout, in a list item, and embedded into another note. The output must pass {@link XssAssertions}.
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
