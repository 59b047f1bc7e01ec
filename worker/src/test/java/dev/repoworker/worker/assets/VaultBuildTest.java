package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.worker.task.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the test vault once and checks the posts, HTML and reports it gives. */
class VaultBuildTest {

    @TempDir
    static Path temp;

    static Path out;
    static BuildReport report;
    static JsonNode posts;
    static JsonNode issues;
    static List<dev.repoworker.protocol.Progress> progress = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        Path vault = TestVault.write(temp.resolve("vault"), temp.resolve("outside"));
        out = temp.resolve("out");
        BuildOptions options = BuildOptions.defaults().withIgnoreFiles(List.of("skipme/**"));
        report = new AssetBuilder().build(vault, options, out, p -> {
            synchronized (progress) {
                progress.add(p);
            }
        });
        posts = Json.mapper().readTree(out.resolve("posts.json").toFile());
        issues = Json.mapper().readTree(out.resolve("issues.json").toFile());
    }

    static JsonNode post(String slug) {
        return StreamSupport.stream(posts.spliterator(), false)
                .filter(p -> p.path("slug").asText().equals(slug))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no post " + slug + " in " + slugs()));
    }

    static List<String> slugs() {
        return StreamSupport.stream(posts.spliterator(), false)
                .map(p -> p.path("slug").asText())
                .toList();
    }

    static String html(String slug) {
        return post(slug).path("html").asText();
    }

    static List<String> issues(String kind) {
        return StreamSupport.stream(issues.spliterator(), false)
                .filter(i -> i.path("kind").asText().equals(kind))
                .map(i -> i.path("file").asText() + ":" + i.path("line").asInt() + " "
                        + i.path("message").asText())
                .toList();
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    @Test
    void selection_skips_hidden_tool_ignored_and_escaping_files() {
        assertThat(slugs())
                .containsExactly(
                        "bomb",
                        "custom-slug",
                        "cycle-a",
                        "cycle-b",
                        "deep-note",
                        "draft",
                        "duplicate",
                        "duplicate-2",
                        "index",
                        "keep-tmp",
                        "malformed",
                        "secret",
                        "target-note")
                .doesNotContain("hidden", "x-tmp", "skip", "workspace", "note", "readme", "escape");
    }

    @Test
    void the_escaping_symlink_is_reported_and_never_read() throws Exception {
        assertThat(issues(Issue.UNSAFE_SYMLINK)).singleElement().asString().startsWith("escape.md:0");
        assertThat(Files.readString(out.resolve("posts.json"))).doesNotContain("Outside secret");
    }

    @Test
    void wikilinks_of_every_form_resolve() {
        String html = html("index");
        assertThat(html)
                .contains(
                        "<a class=\"internal-link\" data-slug=\"target-note\" href=\"/_repo/notes/target-note\">Target Note</a>")
                .contains("href=\"/_repo/notes/target-note\">aliased link</a>")
                .contains("href=\"/_repo/notes/target-note#second-heading\">Target Note &gt; Second Heading</a>")
                .contains("<a class=\"internal-link\" href=\"#local-section\">Local Section</a>")
                .contains("href=\"/_repo/notes/target-note#^block-1\"")
                .contains("href=\"/_repo/notes/target-note\">The Target</a>")
                .contains(
                        "<a href=\"/_repo/notes/deep-note\" class=\"internal-link\" data-slug=\"deep-note\">markdown link</a>")
                .contains(
                        "<a href=\"/_repo/notes/deep-note#deep-heading\" class=\"internal-link\" data-slug=\"deep-note\">with anchor</a>")
                .contains("href=\"/_repo/notes/target-note\">in table</a>");
        assertThat(html("target-note"))
                .contains("<span class=\"block-anchor\" id=\"^block-1\"></span>")
                .contains("<h2 id=\"second-heading\">Second Heading</h2>");
    }

    @Test
    void links_backlinks_aliases_and_tags_are_listed() {
        JsonNode index = post("index");
        assertThat(texts(index.path("links"))).containsExactly("deep-note", "target-note");
        assertThat(texts(post("target-note").path("backlinks"))).containsExactly("deep-note", "index");
        assertThat(texts(index.path("backlinks"))).containsExactly("target-note");
        assertThat(texts(index.path("aliases"))).containsExactly("Start");
        assertThat(texts(index.path("tags"))).containsExactly("Garden", "home", "nested/tag", "tag-one");
        assertThat(texts(post("target-note").path("tags"))).containsExactly("target");
        assertThat(html("index"))
                .contains("<span class=\"tag\" data-tag=\"tag-one\">#tag-one</span>")
                .contains("not #123");
    }

    @Test
    void post_fields_are_filled() {
        JsonNode index = post("index");
        assertThat(index.path("title").asText()).isEqualTo("Home");
        assertThat(post("target-note").path("title").asText()).isEqualTo("Target Heading");
        assertThat(post("custom-slug").path("title").asText()).isEqualTo("custom");
        assertThat(index.path("url").asText()).isEqualTo("/_repo/notes/index");
        assertThat(index.path("path").asText()).isEqualTo("index.md");
        assertThat(index.path("hash").asText()).hasSize(64);
        assertThat(index.path("updated").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(index.path("excerpt").asText()).startsWith("First paragraph with a Target Note, an aliased link");
        assertThat(index.path("plain").asText())
                .contains("Welcome")
                .doesNotContain("<a ")
                .doesNotContain("hidden comment");
        assertThat(index.path("wordCount").asInt()).isGreaterThan(100);
        assertThat(index.path("readingTimeMinutes").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(index.path("frontmatter").path("tags").get(1).asText()).isEqualTo("Garden");
        assertThat(index.path("firstImage").asText())
                .startsWith("/_repo/medias/")
                .endsWith("-lg.webp");
        assertThat(StreamSupport.stream(index.path("toc").spliterator(), false)
                        .map(t -> t.path("level").asInt() + ":" + t.path("id").asText())
                        .toList())
                .containsExactly("1:welcome", "2:local-section");
    }

    @Test
    void obsidian_syntax_renders_as_semantic_html() {
        String html = html("index");
        assertThat(html)
                .contains("<mark>highlighted <strong>text</strong></mark>")
                .doesNotContain("hidden comment")
                .doesNotContain("a block comment")
                .doesNotContain("%%")
                .contains(
                        "<div class=\"callout\" data-callout=\"note\"><div class=\"callout-title\">Plain callout</div><div class=\"callout-content\">\n<p>Callout body with <a")
                .contains(
                        "<details class=\"callout\" data-callout=\"warning\"><summary class=\"callout-title\">Folded callout</summary>")
                .contains(
                        "<details class=\"callout\" data-callout=\"tip\" open><summary class=\"callout-title\">Open fold</summary>")
                .contains("<span class=\"math math-inline\">\\(e^{i\\pi} + 1 = 0\\)</span>")
                .contains("<div class=\"math math-display\">\\[\\int_0^1 x^2 dx\\]</div>")
                .contains("<pre class=\"mermaid\">graph TD; A--&gt;B;")
                .contains("<code class=\"language-java\">String s = \"[[Not A Link]] #notatag ==no==\";");
    }

    @Test
    void gfm_features_render() {
        String html = html("index");
        assertThat(html)
                .contains("<table>")
                .contains("<th>Col A</th>")
                .contains("type=\"checkbox\"")
                .contains("<del>struck</del>")
                .contains("class=\"footnote-ref\"")
                .contains("The footnote text.")
                .contains("<a href=\"https://example.com/auto\">https://example.com/auto</a>");
    }

    @Test
    void broken_links_and_missing_media_are_marked_and_reported_with_lines() {
        String html = html("index");
        assertThat(html)
                .contains("<span class=\"broken-link\">Nowhere Note</span>")
                .contains("<span class=\"missing-media\">missing.png</span>");
        int line = lineOf(TestVault.INDEX, "[[Nowhere Note]]");
        assertThat(issues(Issue.BROKEN_LINK)).contains("index.md:" + line + " link [[Nowhere Note]] matches no note");
        assertThat(issues(Issue.MISSING_MEDIA))
                .contains("index.md:" + line + " media missing.png is not in the repository");
    }

    @Test
    void paths_leaving_the_repository_are_refused() {
        assertThat(issues(Issue.UNSAFE_PATH))
                .hasSize(2)
                .allMatch(i -> i.startsWith("index.md:" + lineOf(TestVault.INDEX, "Escaping")));
        assertThat(html("index"))
                .contains("<span class=\"unsafe-link\">bad</span>")
                .doesNotContain("passwd.md\"");
    }

    @Test
    void unsafe_html_is_sanitised() {
        String all = posts.toString();
        assertThat(all)
                .doesNotContain("<script")
                .doesNotContain("alert('x')")
                .doesNotContain("onerror")
                .doesNotContain("javascript:")
                .doesNotContain("<iframe")
                .doesNotContain("data:text/html");
        assertThat(html("index")).contains("click and ");
    }

    @Test
    void images_point_at_the_lg_webp_with_dimensions_and_lazy_loading() throws Exception {
        String html = html("index");
        JsonNode medias = Json.mapper().readTree(out.resolve("medias.json").toFile());
        JsonNode photo = StreamSupport.stream(medias.spliterator(), false)
                .filter(m -> m.path("path").asText().equals("images/photo.png"))
                .findFirst()
                .orElseThrow();
        String hash = photo.path("hash").asText();
        assertThat(html)
                .contains("src=\"/_repo/medias/" + hash + "-lg.webp\"")
                .contains("width=\"300\" height=\"225\" loading=\"lazy\"")
                .contains("alt=\"A photo\" width=\"800\" height=\"600\" loading=\"lazy\"")
                .contains("srcset=\"/_repo/medias/" + hash + "-xs.webp 100w");
        assertThat(html).contains("<img class=\"media\" src=\"/_repo/medias/").doesNotContain("images/photo.png\"");
        assertThat(html).contains("<span class=\"refused-media\">bomb.png</span>");
    }

    @Test
    void note_embeds_transclude_and_cycles_stop() {
        assertThat(html("index"))
                .contains("<div class=\"embed embed-note\" data-embed=\"target-note\">")
                .contains("Target intro paragraph.");
        assertThat(issues(Issue.EMBED_CYCLE))
                .isNotEmpty()
                .allMatch(i -> i.startsWith("cycle/Cycle A.md:3") || i.startsWith("cycle/Cycle B.md:3"));
        assertThat(html("cycle-a")).contains("data-embed=\"cycle-b\"").contains("href=\"/_repo/notes/cycle-a\"");
    }

    @Test
    void slug_conflicts_are_resolved_by_path_and_reported() {
        assertThat(post("duplicate").path("path").asText()).isEqualTo("notes/Duplicate.md");
        assertThat(post("duplicate-2").path("path").asText()).isEqualTo("other/duplicate.md");
        assertThat(issues(Issue.SLUG_CONFLICT))
                .singleElement()
                .asString()
                .startsWith("other/duplicate.md:0 slug 'duplicate' is taken by notes/Duplicate.md");
    }

    @Test
    void malformed_frontmatter_and_yaml_bombs_are_issues_and_the_notes_still_build() {
        assertThat(issues(Issue.FRONTMATTER))
                .hasSize(2)
                .anyMatch(i -> i.startsWith("bad/Bomb.md:1"))
                .anyMatch(i -> i.startsWith("bad/Malformed.md:1"));
        assertThat(html("malformed")).contains("Malformed body still builds.");
        assertThat(html("bomb")).contains("Bomb body still builds.");
    }

    @Test
    void huge_image_headers_are_refused_without_decoding() {
        assertThat(issues(Issue.IMAGE_TOO_LARGE))
                .singleElement()
                .asString()
                .startsWith("images/bomb.png:0 image declares 20000x20000 pixels");
    }

    @Test
    void outputs_are_written_and_progress_reported_per_phase() throws Exception {
        for (String f : List.of(
                "posts.json",
                "posts-index.json",
                "medias.json",
                "graph.json",
                "issues.json",
                "posts/index.json",
                "posts/target-note.json")) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        JsonNode index = Json.mapper().readTree(out.resolve("posts-index.json").toFile());
        assertThat(index.get(0).fieldNames())
                .toIterable()
                .containsExactly("slug", "title", "url", "hash", "tags", "excerpt");
        JsonNode graph = Json.mapper().readTree(out.resolve("graph.json").toFile());
        assertThat(graph.toString())
                .contains("{\"source\":\"post:index\",\"target\":\"post:target-note\",\"type\":\"link\"}")
                .contains("{\"source\":\"post:index\",\"target\":\"post:target-note\",\"type\":\"embed\"}")
                .contains("\"type\":\"media\"");
        assertThat(progress)
                .extracting(dev.repoworker.protocol.Progress::step)
                .contains("scan", "media", "render", "write");
        assertThat(report.posts()).isEqualTo(13);
        assertThat(report.issuesByKind()).containsKeys(Issue.BROKEN_LINK, Issue.SLUG_CONFLICT, Issue.IMAGE_TOO_LARGE);
        assertThat(report.durationsMs()).containsOnlyKeys("scan", "media", "render", "write");
    }

    static int lineOf(String text, String needle) {
        int at = text.indexOf(needle);
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    static ProgressListener none() {
        return ProgressListener.NONE;
    }
}
