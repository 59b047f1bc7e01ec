package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.worker.artifacts.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds with a cache folder write what builds without one write, and render only what changed. */
class RenderCacheTest {

    @TempDir
    Path temp;

    private final List<String> messages = new CopyOnWriteArrayList<>();

    private BuildReport build(Path vault, Path out, boolean cached) throws Exception {
        BuildOptions options = cached
                ? BuildOptions.defaults().withMediaCacheDir(temp.resolve("cache/media-cache"))
                : BuildOptions.defaults();
        return new AssetBuilder().build(vault, options, out, p -> messages.add(p.message()));
    }

    @Test
    void a_cached_build_writes_what_an_uncached_one_writes_and_the_second_renders_nothing() throws Exception {
        Path vault = TestVault.write(temp.resolve("vault"), temp.resolve("outside"));
        build(vault, temp.resolve("uncached"), false);
        build(vault, temp.resolve("cold"), true);
        messages.clear();

        BuildReport warm = build(vault, temp.resolve("warm"), true);

        assertThat(messages).contains(warm.posts() + " of " + warm.posts() + " notes reused from the render cache");
        assertThat(tree(temp.resolve("cold"))).isEqualTo(tree(temp.resolve("uncached")));
        assertThat(tree(temp.resolve("warm")))
                .as("issues too: cycles, broken links, unsafe paths")
                .isEqualTo(tree(temp.resolve("uncached")));
        assertThat(temp.resolve("cache/render-cache")).isDirectory();
    }

    @Test
    void a_changed_note_is_rendered_again_with_the_note_that_embeds_it_and_nothing_else() throws Exception {
        Path vault = TestVault.write(temp.resolve("vault"), temp.resolve("outside"));
        build(vault, temp.resolve("before"), true);
        Files.writeString(
                vault.resolve("notes/Target Note.md"), "\nA sentence added later.\n", StandardOpenOption.APPEND);
        messages.clear();

        BuildReport after = build(vault, temp.resolve("after"), true);
        build(vault, temp.resolve("uncached"), false);

        assertThat(messages)
                .as("the target and index.md, which embeds it")
                .contains((after.posts() - 2) + " of " + after.posts() + " notes reused from the render cache");
        assertThat(Files.readString(temp.resolve("after/posts/index.json"))).contains("A sentence added later.");
        assertThat(tree(temp.resolve("after"))).isEqualTo(tree(temp.resolve("uncached")));
    }

    @Test
    void a_new_title_elsewhere_renders_every_note_again() throws Exception {
        Path vault = TestVault.write(temp.resolve("vault"), temp.resolve("outside"));
        build(vault, temp.resolve("before"), true);
        Files.writeString(vault.resolve("sub/Deep Note.md"), "---\ntitle: A new title\n---\n# Deep Heading\n");
        messages.clear();

        BuildReport after = build(vault, temp.resolve("after"), true);
        build(vault, temp.resolve("uncached"), false);

        assertThat(messages).contains("0 of " + after.posts() + " notes reused from the render cache");
        assertThat(tree(temp.resolve("after"))).isEqualTo(tree(temp.resolve("uncached")));
    }

    @Test
    void canvases_are_cached_like_notes_and_rendered_again_when_a_card_s_target_changes() throws Exception {
        Path vault = CanvasBuildTest.writeVault(temp.resolve("vault"));
        build(vault, temp.resolve("cold"), true);
        messages.clear();

        BuildReport warm = build(vault, temp.resolve("warm"), true);
        Files.writeString(vault.resolve("notes/Target Note.md"), "---\ntitle: Renamed\n---\n# Target\n");
        build(vault, temp.resolve("after"), true);
        build(vault, temp.resolve("uncached"), false);

        assertThat(messages).contains(warm.posts() + " of " + warm.posts() + " notes reused from the render cache");
        assertThat(tree(temp.resolve("warm"))).isEqualTo(tree(temp.resolve("cold")));
        assertThat(Files.readString(temp.resolve("after/posts/board.json"))).contains("\">Renamed</a>");
        assertThat(tree(temp.resolve("after"))).isEqualTo(tree(temp.resolve("uncached")));
    }

    private static Map<String, String> tree(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Manifest.sha256(Files.readAllBytes(file)));
            }
        }
        return files;
    }
}
