package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.repoworker.testkit.HostileJson;
import dev.repoworker.testkit.PropertyCheck;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Random Markdown at the renderer build-assets uses: random text, and token soups and nestings biased to Markdown
 * and Obsidian syntax. No exception may escape, every output must pass {@link XssAssertions}, and each input must
 * render within {@link #BOUND_SECONDS} (on a thread of its own, so a hang fails the try instead of the run).
 */
class MarkdownFuzzTest {

    static final int BOUND_SECONDS = 10;

    private static final ExecutorService RENDERERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-render");
        t.setDaemon(true);
        return t;
    });

    private static final List<String> TOKENS = List.of(
            "[[",
            "]]",
            "![[",
            "|",
            "#",
            "^",
            " ^block-1",
            ">",
            "> ",
            "> [!note] ",
            "> [!tip]- ",
            "- ",
            "* ",
            "+ ",
            "1. ",
            "- [ ] ",
            "- [x] ",
            "```",
            "```mermaid\n",
            "~~~",
            "`",
            "$$",
            "$",
            "==",
            "%%",
            "*",
            "**",
            "_",
            "__",
            "~~",
            "<",
            "</",
            "<div>",
            "</div>",
            "<span>",
            "</span>",
            "<b>",
            "</b>",
            "<details open>",
            "<summary>",
            "<script>",
            "</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">",
            "</a>",
            "<svg onload=alert(1)>",
            "<iframe src=//e.example>",
            "<math><mi xlink:href=\"javascript:alert(1)\">",
            "<noscript><p title=\"",
            "\">",
            "javascript:",
            "jav&#x09;ascript:",
            "data:text/html,",
            "(",
            ")",
            "[",
            "]",
            "![",
            "](",
            "](javascript:alert(1))",
            "](Target Note.md)",
            "](images/photo.png)",
            "](../../etc/passwd.md)",
            "|---|---|\n",
            "| a | b |\n",
            "\n",
            "\n\n",
            " ",
            "    ",
            "\t",
            "&#",
            "&#x6A;",
            "&amp;",
            "&colon;",
            ";",
            "\"",
            "'",
            "\\",
            "\uE000",
            "\uE0010\uE001",
            "0",
            "1",
            "---\n",
            "title: x\n",
            "Target Note",
            "photo.png",
            "subject",
            "../",
            "#heading",
            "#tag",
            "[^1]",
            "[^1]: note\n",
            "https://example.com/x",
            "<https://e.example>",
            "<javascript:alert(1)>",
            "folder/Embedded",
            "\u00a0",
            "\u200b",
            "\u00e9",
            "\uD83D\uDE00",
            "\r\n",
            "\uD800",
            "word",
            "two words");

    @AfterAll
    static void stop() {
        RENDERERS.shutdownNow();
    }

    @Test
    void random_markdown_renders_safely_within_a_bound() {
        PropertyCheck.forAll(400, markdown(), markdown -> {
            Render.Result alone = within(() -> Render.markdown(markdown), markdown);
            XssAssertions.assertSafe(alone.html());
            assertThat(alone.issues()).noneMatch(i -> i.kind().equals(Issue.RENDER_FAILED));
            XssAssertions.assertSafe(
                    within(() -> Render.embedding(markdown), markdown).html());
        });
    }

    @Test
    void random_bytes_render_safely_within_a_bound() {
        PropertyCheck.forAll(
                100,
                HostileJson.bytes(2_000),
                bytes -> XssAssertions.assertSafe(within(() -> Render.bytes(bytes), bytes.length + " random bytes")
                        .html()));
    }

    private static Render.Result within(Supplier<Render.Result> render, String input) {
        Future<Render.Result> result = RENDERERS.submit(render::get);
        try {
            return result.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            return fail("no render within " + BOUND_SECONDS + " s for: " + abbreviate(input));
        } catch (ExecutionException e) {
            return fail("an exception escaped the renderer for: " + abbreviate(input), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    private static String abbreviate(String input) {
        return input.length() <= 2_000 ? input : input.substring(0, 2_000) + "… (" + input.length() + " chars)";
    }

    private static Gen<String> markdown() {
        return Generate.frequency(
                Pair.of(2, HostileJson.anyString(400)),
                Pair.of(5, soup()),
                Pair.of(3, nested()),
                Pair.of(
                        1,
                        SourceDSL.lists()
                                .of(Generate.pick(vectors()))
                                .ofSizeBetween(1, 4)
                                .map(v -> String.join("\n", v))),
                Pair.of(1, soup().map(s -> "---\n" + s + "\n---\n" + s)));
    }

    /** Markdown and Obsidian tokens in any order, with some plain text between them. */
    private static Gen<String> soup() {
        Gen<String> word = SourceDSL.strings().betweenCodePoints('.', 'z').ofLengthBetween(0, 8);
        Gen<String> token = Generate.frequency(Pair.of(3, Generate.pick(TOKENS)), Pair.of(1, word));
        return SourceDSL.lists().of(token).ofSizeBetween(0, 120).map(parts -> String.join("", parts));
    }

    /** Constructs wrapped in one another, up to a few hundred levels, around a token soup. */
    private static Gen<String> nested() {
        List<String[]> wrappers = List.of(
                new String[] {"> ", ""},
                new String[] {"- ", ""},
                new String[] {"1. ", ""},
                new String[] {"[", "](x.md)"},
                new String[] {"*", "*"},
                new String[] {"**", "**"},
                new String[] {"_", "_"},
                new String[] {"<div>", "</div>"},
                new String[] {"<span>", "</span>"},
                new String[] {"[[", "]]"},
                new String[] {"![[", "]]"},
                new String[] {"==", "=="},
                new String[] {"`", "`"},
                new String[] {"> [!note] ", ""},
                new String[] {"%%", "%%"},
                new String[] {"$", "$"},
                new String[] {"<a href=\"", "\">x</a>"},
                new String[] {"~~", "~~"},
                new String[] {"[", "]"});
        Gen<List<Integer>> layers =
                SourceDSL.lists().of(Generate.range(0, wrappers.size() - 1)).ofSizeBetween(0, 300);
        return layers.zip(soup(), (chosen, core) -> {
            StringBuilder out = new StringBuilder(core);
            for (int layer : chosen) {
                String[] w = wrappers.get(layer);
                out.insert(0, w[0]).append(w[1]);
            }
            return out.toString();
        });
    }

    private static List<String> vectors() {
        try {
            return XssVectorsTest.vectors();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
