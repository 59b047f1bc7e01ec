package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

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

    private static final List<String> TOKENS = List.of("[[", "]]", "![[", "|", "#", "^", " ^block-1", ">", "> ",
            "> [!note] ", "> [!tip]- ", "- ", "* ", "+ ", "1. ", "- [ ] ", "- [x] ", "```", "```mermaid\n", "~~~", "`",
            "$$", "$", "==", "%%", "*", "**", "_", "__", "~~", "<", "</", "<div>", "</div>", "<span>", "</span>", "<b>",
            "</b>", "<details open>", "<summary>", "<script>", "</script>", "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">", "</a>", "<svg onload=alert(1)>", "<iframe src=//e.example>",
            "<math><mi xlink:href=\"javascript:alert(1)\">", "<noscript><p title=\"", "\">", "javascript:", "jav&#x09;ascript:",
            "data:text/html,", "(", ")", "[", "]", "![", "](", "](javascript:alert(1))", "](Target Note.md)",
            "](images/photo.png)", "](../../etc/passwd.md)", "|---|---|\n", "| a | b |\n", "\n", "\n\n", " ", "    ",
            "\t", "&#", "&#x6A;", "&amp;", "&colon;", ";", "\"", "'", "\\", "\uE000", "\uE0010\uE001", "0", "1",
            "---\n", "title: x\n", "Target Note", "photo.png", "subject", "../", "#heading", "#tag", "[^1]",
            "[^1]: note\n", "https://example.com/x", "<https://e.example>", "<javascript:alert(1)>", "folder/Embedded",
            "\u00a0", "\u200b", "\u00e9", "\uD83D\uDE00", "\r\n", "\uD800", "word", "two words");

    @AfterContainer
    static void stop() {
        RENDERERS.shutdownNow();
    }

    @Property(tries = 400, shrinking = ShrinkingMode.BOUNDED)
    void random_markdown_renders_safely_within_a_bound(@ForAll("markdown") String markdown) {
        Render.Result alone = within(() -> Render.markdown(markdown), markdown);
        XssAssertions.assertSafe(alone.html());
        assertThat(alone.issues()).noneMatch(i -> i.kind().equals(Issue.RENDER_FAILED));
        XssAssertions.assertSafe(within(() -> Render.embedding(markdown), markdown).html());
    }

    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void random_bytes_render_safely_within_a_bound(@ForAll("bytes") byte[] bytes) {
        XssAssertions.assertSafe(within(() -> Render.bytes(bytes), bytes.length + " random bytes").html());
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

    @Provide
    Arbitrary<String> markdown() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(400)),
                net.jqwik.api.Tuple.of(5, soup()),
                net.jqwik.api.Tuple.of(3, nested()),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(vectors()).list().ofMinSize(1).ofMaxSize(4)
                        .map(v -> String.join("\n", v))),
                net.jqwik.api.Tuple.of(1, soup().map(s -> "---\n" + s + "\n---\n" + s)));
    }

    /** Markdown and Obsidian tokens in any order, with some plain text between them. */
    private static Arbitrary<String> soup() {
        Arbitrary<String> token = Arbitraries.oneOf(Arbitraries.of(TOKENS),
                Arbitraries.strings().alpha().numeric().withChars(' ', '.', '/').ofMaxLength(8));
        return token.list().ofMaxSize(120).map(parts -> String.join("", parts));
    }

    /** Constructs wrapped in one another, up to a few hundred levels, around a token soup. */
    private static Arbitrary<String> nested() {
        List<String[]> wrappers = List.of(new String[] {"> ", ""}, new String[] {"- ", ""}, new String[] {"1. ", ""},
                new String[] {"[", "](x.md)"}, new String[] {"*", "*"}, new String[] {"**", "**"}, new String[] {"_", "_"},
                new String[] {"<div>", "</div>"}, new String[] {"<span>", "</span>"}, new String[] {"[[", "]]"},
                new String[] {"![[", "]]"}, new String[] {"==", "=="}, new String[] {"`", "`"},
                new String[] {"> [!note] ", ""}, new String[] {"%%", "%%"}, new String[] {"$", "$"},
                new String[] {"<a href=\"", "\">x</a>"}, new String[] {"~~", "~~"}, new String[] {"[", "]"});
        return Arbitraries.integers().between(0, wrappers.size() - 1).list().ofMaxSize(300)
                .flatMap(layers -> soup().map(core -> {
                    StringBuilder out = new StringBuilder(core);
                    for (int layer : layers) {
                        String[] w = wrappers.get(layer);
                        out.insert(0, w[0]).append(w[1]);
                    }
                    return out.toString();
                }));
    }

    private static List<String> vectors() {
        try {
            return XssVectorsTest.vectors();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000);
    }
}
