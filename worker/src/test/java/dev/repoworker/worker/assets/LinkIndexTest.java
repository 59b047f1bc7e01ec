package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkIndexTest {

    private static Note note(String path, String slug, String... aliases) {
        return new Note(
                path,
                Note.folderOf(path),
                Note.nameOf(path),
                "",
                Map.of(),
                0,
                slug,
                null,
                List.of(aliases),
                List.of(),
                "h",
                "t",
                null);
    }

    private final LinkIndex index = new LinkIndex(
            List.of(
                    note("a/Topic.md", "topic"),
                    note("b/Topic.md", "topic-2"),
                    note("c/Other.md", "renamed", "Nick"),
                    note("Zed.md", "zed-slug")),
            List.of());

    private String resolve(String target, String from) {
        return index.note(target, from).target().map(Note::path).orElse("-");
    }

    @Test
    void resolution_prefers_slug_then_alias_then_file_name_in_the_same_folder() {
        assertThat(resolve("renamed", "")).isEqualTo("c/Other.md");
        assertThat(resolve("nick", "")).isEqualTo("c/Other.md");
        assertThat(resolve("OTHER", "")).isEqualTo("c/Other.md");
        assertThat(resolve("Topic", "b")).isEqualTo("b/Topic.md");
        assertThat(resolve("topic", "b")).isEqualTo("b/Topic.md");
        assertThat(resolve("topic-2", "a")).isEqualTo("b/Topic.md");
        assertThat(resolve("Topic", "x")).isEqualTo("a/Topic.md");
        assertThat(resolve("b/Topic", "")).isEqualTo("b/Topic.md");
        assertThat(resolve("Zed.md", "a")).isEqualTo("Zed.md");
        assertThat(resolve("Missing", "")).isEqualTo("-");
        assertThat(index.note("../../etc/passwd", "a").unsafe()).isTrue();
    }

    @Test
    void a_canvas_is_found_with_or_without_its_extension_and_a_note_of_the_same_name_in_the_folder_wins() {
        CanvasFile empty = new CanvasFile(List.of(), List.of());
        LinkIndex withCanvases = new LinkIndex(
                List.of(
                        canvas("maps/Board.canvas", "board-2", empty),
                        note("maps/Board.md", "board"),
                        canvas("Plan.canvas", "plan", empty)),
                List.of());

        assertThat(withCanvases.note("Board.canvas", "").target().map(Note::path))
                .contains("maps/Board.canvas");
        assertThat(withCanvases.note("maps/Board.canvas", "").target().map(Note::path))
                .contains("maps/Board.canvas");
        assertThat(withCanvases.note("Board", "maps").target().map(Note::path)).contains("maps/Board.md");
        assertThat(withCanvases.note("Plan", "maps").target().map(Note::path)).contains("Plan.canvas");
        assertThat(withCanvases.note("plan.CANVAS", "").target().map(Note::path))
                .contains("Plan.canvas");
    }

    @Test
    void a_note_keeps_the_slug_a_canvas_of_the_same_name_wants() {
        Issues issues = new Issues();
        List<Note> slugged = SlugAssigner.assign(
                List.of(canvas("Board.canvas", null, new CanvasFile(List.of(), List.of())), note("Board.md", null)),
                issues);

        assertThat(slugged).extracting(Note::slug).containsExactly("board-2", "board");
        assertThat(issues.sorted()).extracting(Issue::file).containsExactly("Board.canvas");
    }

    private static Note canvas(String path, String slug, CanvasFile canvas) {
        return new Note(
                path,
                Note.folderOf(path),
                Note.nameOf(path),
                "{}",
                Map.of(),
                0,
                slug,
                null,
                List.of(),
                List.of(),
                "h",
                "t",
                canvas);
    }

    @Test
    void slugs_are_lowercase_ascii_dashes_and_never_empty() {
        assertThat(Slugs.slugify("Héllo, World! (2024)")).isEqualTo("hello-world-2024");
        assertThat(Slugs.slugify("日本語 ノート")).isEqualTo("日本語-ノート");
        assertThat(Slugs.slugify("../../etc")).isEqualTo("etc");
        assertThat(Slugs.slugify("!!!")).isEqualTo("note");
    }

    @Test
    void ignore_rules_follow_gitignore_with_negation() {
        IgnoreRules rules = IgnoreRules.of(List.of("drafts/", "*.tmp.md", "!keep.tmp.md", "/root-only.md"));
        assertThat(rules.ignored("drafts", true)).isTrue();
        assertThat(rules.ignored("a/x.tmp.md", false)).isTrue();
        assertThat(rules.ignored("keep.tmp.md", false)).isFalse();
        assertThat(rules.ignored("root-only.md", false)).isTrue();
        assertThat(rules.ignored("sub/root-only.md", false)).isFalse();
        assertThat(IgnoreRules.skippedFolder(".obsidian")).isTrue();
        assertThat(IgnoreRules.skippedFolder("node_modules")).isTrue();
    }

    @Test
    void yaml_bombs_and_malformed_frontmatter_are_problems_not_crashes() {
        assertThat(Frontmatter.parse(TestVault.BOMB).problem()).get().asString().contains("malformed YAML");
        assertThat(Frontmatter.parse("---\na: [\n---\n").problem()).isPresent();
        assertThat(Frontmatter.parse("---\na: 1\n").problem()).get().asString().contains("never closed");
        Frontmatter.Parsed ok = Frontmatter.parse("---\ntitle: T\ndate: 2024-05-01\n---\nbody");
        assertThat(ok.values()).containsEntry("title", "T").containsEntry("date", "2024-05-01");
        assertThat(ok.lines()).isEqualTo(4);
        assertThat(Frontmatter.parse("---\n!!java.lang.Runtime {}\n---\n").problem())
                .isPresent();
    }

    @Test
    void placeholders_inside_attributes_become_escaped_text_never_markup() {
        List<ObsidianSyntax.Fragment> fragments = List.of(
                new ObsidianSyntax.Fragment("<span class=\"tag\">#x\"y</span>", false),
                new ObsidianSyntax.Fragment("<div class=\"embed\">E</div>", true));
        String html = "<p><img alt=\"a \uE0000\uE001\" src=\"i.png\"> \uE0000\uE001</p>\n<p>\uE0001\uE001</p>";
        assertThat(Placeholders.substitute(html, fragments))
                .isEqualTo(
                        "<p><img alt=\"a #x&quot;y\" src=\"i.png\"> <span class=\"tag\">#x\"y</span></p>\n<div class=\"embed\">E</div>");
    }
}
