package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.embeddings.EmbeddingCache;
import dev.repoworker.embeddings.EmbeddingReport;
import dev.repoworker.embeddings.PostsFile;
import dev.repoworker.protocol.Json;
import dev.repoworker.worker.enrich.EnrichData;
import dev.repoworker.worker.task.ProgressListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vault with canvases, built once: canvas posts, their page, links both ways, the graph and the issues. */
class CanvasBuildTest {

    static final String BOARD = """
            {
              "nodes": [
                {"id": "intro", "type": "text", "x": -100, "y": -50, "width": 300, "height": 120,
                 "text": "# Plan\\n\\nRead [[Target Note]] first, it is **bold** advice. #idea"},
                {"id": "target", "type": "file", "x": 300, "y": -50, "width": 250, "height": 100, "color": "4",
                 "file": "notes/Target Note.md", "subpath": "#Second Heading"},
                {"id": "photo", "type": "file", "x": -100, "y": 200, "width": 400, "height": 300,
                 "file": "images/photo.png"},
                {"id": "site", "type": "link", "x": 600, "y": 200, "width": 200, "height": 80, "color": "#A0B",
                 "url": "https://example.com/page"},
                {"id": "ideas", "type": "group", "x": -150, "y": -100, "width": 1000, "height": 700, "label": "Ideas"}
              ],
              "edges": [
                {"id": "e1", "fromNode": "intro", "fromSide": "right", "toNode": "target", "toSide": "left",
                 "label": "refers to"},
                {"id": "e2", "fromNode": "photo", "toNode": "site", "fromEnd": "arrow", "toEnd": "none", "color": "2"}
              ]
            }
            """;

    static final String HOSTILE = """
            {
              "nodes": [
                {"id": "x\\" onmouseover=\\"alert(1)", "type": "text", "x": 0, "y": 0, "width": 200, "height": 100,
                 "color": "red;background:url(javascript:alert(1))",
                 "text": "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> <svg onload=alert(1)>"},
                {"id": "bad-link", "type": "link", "x": 300, "y": 0, "width": 100, "height": 50, "url": "javascript:alert(1)"},
                {"id": "bad-x", "type": "text", "x": "10px;background:red", "y": 0, "width": 100, "height": 50, "text": "gone"},
                {"id": "escape", "type": "file", "x": 0, "y": 200, "width": 100, "height": 50, "file": "../../etc/passwd.md"},
                {"id": "g", "type": "group", "x": -10, "y": -10, "width": 500, "height": 400,
                 "label": "</div><script>alert(3)</script>", "color": "#fff\\" onload=\\"alert(1)"}
              ],
              "edges": [
                {"id": "e", "fromNode": "x\\" onmouseover=\\"alert(1)", "toNode": "bad-link",
                 "label": "</text><script>alert(2)</script>", "color": "#fff;stroke:url(javascript:alert(1))"}
              ]
            }
            """;

    @TempDir
    static Path temp;

    static Path out;
    static JsonNode posts;
    static JsonNode issues;
    static JsonNode graph;

    @BeforeAll
    static void build() throws Exception {
        Path vault = writeVault(temp.resolve("vault"));
        out = temp.resolve("out");
        new AssetBuilder().build(vault, BuildOptions.defaults(), out, ProgressListener.NONE);
        posts = Json.mapper().readTree(out.resolve("posts.json").toFile());
        issues = Json.mapper().readTree(out.resolve("issues.json").toFile());
        graph = Json.mapper().readTree(out.resolve("graph.json").toFile());
    }

    static Path writeVault(Path vault) throws Exception {
        write(vault, "Home.md", "# Home\n\nThe plan is on [[Board.canvas]].\n");
        write(vault, "Other.md", "# Other\n\nSee [[Board]] and ![[Board.canvas]].\n");
        write(vault, "notes/Target Note.md", "# Target\n\nTarget text.\n\n## Second Heading\n\nMore.\n");
        write(vault, "boards/Board.canvas", BOARD);
        write(vault, "boards/Hostile.canvas", HOSTILE);
        write(vault, "broken.canvas", "{\"nodes\": [{\"id\": \"a\", \"type\": \"text\"");
        write(vault, "huge.canvas", canvasOfTextNodes(CanvasFile.MAX_NODES + 1));
        TestVault.writeImages(vault);
        return vault;
    }

    private static void write(Path vault, String path, String content) throws Exception {
        Path file = vault.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    static String canvasOfTextNodes(int count) {
        ObjectNode canvas = Json.mapper().createObjectNode();
        ArrayNode nodes = canvas.putArray("nodes");
        for (int i = 0; i < count; i++) {
            nodes.addObject()
                    .put("id", "n" + i)
                    .put("type", "text")
                    .put("x", i * 10)
                    .put("y", 0)
                    .put("width", 10)
                    .put("height", 10)
                    .put("text", "card " + i);
        }
        return canvas.toString();
    }

    static JsonNode post(String slug) {
        return StreamSupport.stream(posts.spliterator(), false)
                .filter(p -> p.path("slug").asText().equals(slug))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no post " + slug));
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    static List<String> issues(String kind) {
        return StreamSupport.stream(issues.spliterator(), false)
                .filter(i -> i.path("kind").asText().equals(kind))
                .map(i -> i.path("file").asText() + " " + i.path("message").asText())
                .toList();
    }

    @Test
    void a_canvas_file_is_a_post_with_its_nodes_and_edges() {
        JsonNode board = post("board");
        assertThat(board.path("title").asText()).isEqualTo("Board");
        assertThat(board.path("path").asText()).isEqualTo("boards/Board.canvas");
        assertThat(board.path("url").asText()).isEqualTo("/_repo/notes/board");
        assertThat(board.path("tags")).isEmpty();
        assertThat(board.path("frontmatter")).isEmpty();

        JsonNode nodes = board.path("canvas").path("nodes");
        assertThat(nodes.findValuesAsText("type")).containsExactly("text", "file", "file", "link", "group");
        assertThat(nodes.get(0).path("x").asLong())
                .as("positions as in the file")
                .isEqualTo(-100);
        assertThat(nodes.get(0).path("html").asText())
                .contains("<strong>bold</strong>")
                .contains("<a class=\"internal-link\" data-slug=\"target-note\" href=\"/_repo/notes/target-note\">");
        assertThat(nodes.get(1).path("slug").asText()).isEqualTo("target-note");
        assertThat(nodes.get(1).path("url").asText()).isEqualTo("/_repo/notes/target-note#second-heading");
        assertThat(nodes.get(1).path("color").asText()).isEqualTo("4");
        assertThat(nodes.get(1).path("missing").asBoolean()).isFalse();
        assertThat(nodes.get(2).path("media").asText()).isEqualTo("image");
        assertThat(nodes.get(2).path("url").asText())
                .startsWith("/_repo/medias/")
                .endsWith(".webp");
        assertThat(nodes.get(3).path("url").asText()).isEqualTo("https://example.com/page");
        assertThat(nodes.get(3).path("color").asText()).isEqualTo("#a0b");
        assertThat(nodes.get(4).path("label").asText()).isEqualTo("Ideas");

        JsonNode edges = board.path("canvas").path("edges");
        assertThat(edges.get(0).path("label").asText()).isEqualTo("refers to");
        assertThat(edges.get(0).path("toEnd").asText()).isEqualTo("arrow");
        assertThat(edges.get(1).path("fromEnd").asText()).isEqualTo("arrow");
        assertThat(edges.get(1).path("toEnd").asText()).isEqualTo("none");
    }

    @Test
    void the_page_places_one_card_per_node_and_draws_one_path_per_edge() {
        Element page = Jsoup.parseBodyFragment(post("board").path("html").asText())
                .body()
                .child(0);

        assertThat(page.className()).isEqualTo("canvas");
        assertThat(page.attr("style")).isEqualTo("position:relative;width:1000px;height:700px");
        List<Element> cards = page.select(".canvas-node");
        assertThat(cards).hasSize(5);
        assertThat(cards.getFirst().hasClass("canvas-group"))
                .as("groups behind the rest")
                .isTrue();
        assertThat(cards.getFirst().text()).isEqualTo("Ideas");
        assertThat(cards)
                .allSatisfy(card -> assertThat(card.attr("style"))
                        .matches(".*left:\\d+px;top:\\d+px;width:\\d+px;height:\\d+px;.*"));
        assertThat(page.selectFirst("[data-node-id=intro]").attr("style"))
                .as("shifted so the smallest x and y are 0")
                .contains("left:50px;top:50px;width:300px;height:120px");
        assertThat(page.selectFirst("[data-node-id=target]").attr("style")).contains("border:2px solid #44cf6e");
        assertThat(page.selectFirst("[data-node-id=photo] img").attr("src")).startsWith("/_repo/medias/");
        assertThat(page.selectFirst("[data-node-id=site] a").attr("href")).isEqualTo("https://example.com/page");

        assertThat(page.select("svg path")).hasSize(2);
        assertThat(page.select("svg polygon"))
                .as("an arrow at e1's end and at e2's start")
                .hasSize(2);
        assertThat(page.select("svg text").eachText()).containsExactly("refers to");
        assertThat(page.selectFirst("[data-edge-id=e2] path").attr("stroke")).isEqualTo("#e9973f");
    }

    @Test
    void canvases_link_and_are_linked_both_ways() {
        assertThat(texts(post("board").path("links"))).containsExactly("target-note");
        assertThat(texts(post("target-note").path("backlinks"))).contains("board");
        assertThat(texts(post("home").path("links"))).containsExactly("board");
        assertThat(texts(post("other").path("links")))
                .as("an embedded canvas is a link")
                .containsExactly("board");
        assertThat(texts(post("board").path("backlinks"))).containsExactly("home", "other");
        assertThat(post("other").path("html").asText())
                .contains(
                        "<a class=\"internal-link\" data-slug=\"board\" href=\"/_repo/notes/board\">Board.canvas</a>");
    }

    @Test
    void the_graph_holds_the_canvas_and_its_edges() {
        String all = graph.toString();
        assertThat(all)
                .contains(
                        "{\"id\":\"post:board\",\"type\":\"post\",\"label\":\"Board\",\"url\":\"/_repo/notes/board\"}")
                .contains("{\"source\":\"post:board\",\"target\":\"post:target-note\",\"type\":\"link\"}")
                .contains("{\"source\":\"post:home\",\"target\":\"post:board\",\"type\":\"link\"}")
                .containsPattern("\\{\"source\":\"post:board\",\"target\":\"media:[0-9a-f]{64}\",\"type\":\"media\"}");
    }

    @Test
    void plain_text_word_count_and_excerpt_come_from_the_cards() {
        JsonNode board = post("board");
        assertThat(board.path("plain").asText())
                .contains("Plan")
                .contains("Read Target Note first, it is bold advice.")
                .contains("Target")
                .contains("https://example.com/page")
                .contains("Ideas")
                .doesNotContain("<");
        assertThat(board.path("wordCount").asInt()).isGreaterThan(10);
        assertThat(board.path("excerpt").asText()).isEqualTo("Read Target Note first, it is bold advice. #idea");
    }

    @Test
    void malformed_and_oversized_canvases_are_issues_and_skipped() {
        assertThat(issues(Issue.INVALID_CANVAS))
                .anySatisfy(i -> assertThat(i)
                        .startsWith("broken.canvas ")
                        .contains("the JSON ends too early")
                        .endsWith("; skipped"));
        assertThat(issues(Issue.INVALID_CANVAS))
                .anySatisfy(i -> assertThat(i)
                        .isEqualTo("huge.canvas the canvas has 5001 nodes, over the limit of 5000; skipped"));
        assertThat(issues(Issue.INVALID_CANVAS))
                .contains("boards/Hostile.canvas node 3 left out: 'x' is missing or not a number");
        assertThat(posts.findValuesAsText("slug")).doesNotContain("broken", "huge");
    }

    @Test
    void a_canvas_over_the_file_size_cap_is_refused_unread(@TempDir Path dir) throws Exception {
        write(dir.resolve("vault"), "Board.canvas", BOARD);
        BuildOptions options = BuildOptions.defaults()
                .withLimits(BuildOptions.Limits.defaults().withMaxNoteBytes(100));

        new AssetBuilder().build(dir.resolve("vault"), options, dir.resolve("out"), ProgressListener.NONE);

        assertThat(Files.readString(dir.resolve("out/issues.json")))
                .contains("\"kind\" : \"file-too-large\"")
                .contains("\"file\" : \"Board.canvas\"");
        assertThat(Json.mapper().readTree(dir.resolve("out/posts.json").toFile()))
                .isEmpty();
    }

    @Test
    void nothing_a_canvas_says_becomes_script_style_or_markup() {
        JsonNode hostile = post("hostile");
        String html = hostile.path("html").asText();

        CanvasAssertions.assertSafeCanvas(html);
        assertThat(html)
                .doesNotContainIgnoringCase("<script")
                .doesNotContainIgnoringCase("href=\"javascript")
                .contains("&lt;/text&gt;&lt;script&gt;alert(2)&lt;/script&gt;")
                .contains("&lt;/div&gt;&lt;script&gt;alert(3)&lt;/script&gt;")
                .contains("data-node-id=\"x&quot; onmouseover=&quot;alert(1)\"");
        JsonNode nodes = hostile.path("canvas").path("nodes");
        assertThat(nodes.get(0).has("color")).as("a crafted color is dropped").isFalse();
        assertThat(nodes.get(1).has("url")).as("a javascript: link is dropped").isFalse();
        assertThat(nodes.findValuesAsText("id")).doesNotContain("bad-x");
        assertThat(nodes.get(2).path("missing").asBoolean()).isTrue();
        assertThat(issues(Issue.UNSAFE_PATH))
                .contains("boards/Hostile.canvas file node ../../etc/passwd.md leaves the " + "repository; not read");
    }

    @Test
    void a_note_post_has_no_canvas_field() {
        assertThat(post("home").has("canvas")).isFalse();
        assertThat(post("target-note").has("canvas")).isFalse();
    }

    @Test
    void embeddings_and_enrich_data_read_canvas_posts() throws Exception {
        assertThat(PostsFile.read(out.resolve("posts.json")))
                .anySatisfy(p -> assertThat(p.slug() + " " + p.plain())
                        .startsWith("board ")
                        .contains("bold advice"));

        Map<String, Object> enriched = new EnrichData()
                .enrich(
                        new EnrichData.Request(out, Optional.empty(), temp.resolve("enriched"), Optional.empty(), 50),
                        ProgressListener.NONE);
        EmbeddingReport embedded = new ComputeEmbeddings(new HashEmbedder(), new EmbeddingCache(temp.resolve("cache")))
                .computeEmbeddings(out, temp.resolve("embedded"), dev.repoworker.embeddings.ProgressListener.NONE);

        assertThat(enriched.get("posts")).isEqualTo(posts.size());
        assertThat(embedded.posts()).isEqualTo(posts.size());
        assertThat(Files.readString(temp.resolve("enriched/posts/board.json"))).contains("\"canvas\"");
    }
}
