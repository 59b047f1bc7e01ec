package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code repo-worker process} keeps its caches between runs: what a cached run writes is what a run with
 * {@code --no-cache} writes, byte for byte, whatever changed in the vault in between.
 */
class ProcessCacheIT {

    private static final Path EXAMPLE_MEDIA =
            Path.of("..", "examples", "vault", "media").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    Path vault;
    Path log;

    @BeforeEach
    void vault() throws IOException {
        vault = Files.createDirectories(tmp.resolve("vault"));
        log = tmp.resolve("process.log");
        write("index.md", "# Home\n\nSee [[Target]], [[Other|the other one]] and ![[garden.png]].\n");
        write("Target.md", "---\ntitle: Target\n---\n# Target\n\nThe target, linking [[index]].\n");
        write("Other.md", "# Other\n\nEmbeds the part:\n\n![[Part]]\n");
        write("notes/Part.md", "# Part\n\nA part that is embedded, with ![[Deeper]].\n");
        write("notes/Deeper.md", "# Deeper\n\nThe deepest words.\n");
        Files.createDirectories(vault.resolve("media"));
        Files.copy(EXAMPLE_MEDIA.resolve("garden.png"), vault.resolve("media").resolve("garden.png"));
    }

    @Test
    void a_second_run_on_an_unchanged_vault_keeps_the_artifacts_and_says_so() throws Exception {
        Path out = tmp.resolve("out");
        assertThat(process("--out", out.toString())).isZero();
        Path cache = tmp.resolve(".repo-worker-cache");
        assertThat(cache.resolve("cache-format"))
                .as("the default cache is beside --out")
                .isRegularFile();
        assertThat(cache.resolve("media-cache")).isDirectory();
        assertThat(cache.resolve("render-cache")).isDirectory();
        Path killedRun = Files.createDirectories(cache.resolve("tmp").resolve("run-killed"));
        Files.setLastModifiedTime(
                killedRun,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofDays(2))));

        assertThat(process("--out", out.toString())).isZero();

        assertThat(Files.readString(log))
                .contains("nothing changed since the last run")
                .contains("\"posts\" : 5");
        assertThat(killedRun).as("a killed run's scratch folder is swept").doesNotExist();
        assertThat(tree(out)).isEqualTo(tree(uncached("unchanged")));
    }

    @Test
    void after_one_changed_note_only_that_note_is_rendered_again_and_the_output_is_an_uncached_runs() throws Exception {
        Path out = tmp.resolve("out");
        assertThat(process("--out", out.toString())).isZero();

        Files.writeString(vault.resolve("Target.md"), "\nA new line.\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(process("--out", out.toString())).isZero();

        assertThat(Files.readString(log))
                .doesNotContain("nothing changed")
                .contains("notes reused from the render cache");
        assertThat(tree(out)).isEqualTo(tree(uncached("changed")));
    }

    @Test
    void a_change_in_a_note_embedded_two_levels_down_reaches_the_note_that_embeds_it() throws Exception {
        Path out = tmp.resolve("out");
        assertThat(process("--out", out.toString())).isZero();

        write("notes/Deeper.md", "# Deeper\n\nNew deepest words.\n");
        assertThat(process("--out", out.toString())).isZero();

        assertThat(Files.readString(out.resolve("posts").resolve("other.json"))).contains("New deepest words");
        assertThat(tree(out)).isEqualTo(tree(uncached("embedded")));
    }

    @Test
    void a_renamed_note_changes_where_the_links_of_other_notes_go() throws Exception {
        Path out = tmp.resolve("out");
        assertThat(process("--out", out.toString())).isZero();

        Files.move(vault.resolve("Target.md"), vault.resolve("Renamed.md"));
        assertThat(process("--out", out.toString())).isZero();

        assertThat(Files.readString(out.resolve("issues.json"))).contains("Target");
        assertThat(tree(out)).isEqualTo(tree(uncached("renamed")));
    }

    @Test
    void a_deleted_note_is_gone_and_the_links_to_it_are_broken() throws Exception {
        Path out = tmp.resolve("out");
        assertThat(process("--out", out.toString())).isZero();

        Files.delete(vault.resolve("notes").resolve("Part.md"));
        assertThat(process("--out", out.toString())).isZero();

        assertThat(out.resolve("posts").resolve("part.json")).doesNotExist();
        assertThat(tree(out)).isEqualTo(tree(uncached("deleted")));
    }

    @Test
    void an_edited_out_folder_is_built_again() throws Exception {
        Path out = tmp.resolve("out");
        assertThat(process("--out", out.toString())).isZero();
        Files.writeString(out.resolve("posts.json"), "[]");

        assertThat(process("--out", out.toString())).isZero();

        assertThat(Files.readString(log)).doesNotContain("nothing changed");
        assertThat(tree(out)).isEqualTo(tree(uncached("edited-out")));
    }

    @Test
    void no_cache_writes_no_cache() throws Exception {
        Path out = tmp.resolve("out");
        assertThat(process("--out", out.toString(), "--no-cache")).isZero();
        assertThat(process("--out", out.toString(), "--no-cache")).isZero();

        assertThat(tmp.resolve(".repo-worker-cache")).doesNotExist();
        assertThat(Files.readString(log)).doesNotContain("nothing changed");
    }

    @Test
    void a_cache_of_another_format_is_emptied_with_one_line_and_never_read() throws Exception {
        Path out = tmp.resolve("out");
        Path cache = tmp.resolve("my-cache");
        assertThat(process("--out", out.toString(), "--cache", cache.toString()))
                .isZero();
        Files.writeString(cache.resolve("cache-format"), "repo-worker-cache 0\n");

        assertThat(process("--out", out.toString(), "--cache", cache.toString()))
                .isZero();

        assertThat(Files.readString(log))
                .contains("holds format 'repo-worker-cache 0'")
                .contains("emptied")
                .doesNotContain("nothing changed");
        assertThat(cache.resolve("cache-format")).content().doesNotContain("repo-worker-cache 0");
        assertThat(tree(out)).isEqualTo(tree(uncached("old-format")));
    }

    @Test
    void an_unusable_cache_folder_is_one_line_and_exit_2() throws Exception {
        Path notACache = Files.createDirectories(tmp.resolve("documents"));
        Files.writeString(notACache.resolve("precious.txt"), "keep me");
        Path aFile = Files.writeString(tmp.resolve("a-file"), "not a folder");

        assertThat(process("--out", tmp.resolve("out").toString(), "--cache", notACache.toString()))
                .isEqualTo(2);
        assertThat(Files.readString(log)).contains("is not a repo-worker cache");
        assertThat(notACache.resolve("precious.txt")).hasContent("keep me");

        assertThat(process(
                        "--out",
                        tmp.resolve("out").toString(),
                        "--cache",
                        aFile.resolve("cache").toString()))
                .isEqualTo(2);
        assertThat(Files.readString(log)).contains("cannot use the cache folder");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    private void write(String path, String content) throws IOException {
        Path file = vault.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private int process(String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("process", vault.toString(), "--task", "build-assets"));
        args.addAll(List.of(options));
        Process process = Launcher.start(Map.of(), log, args.toArray(String[]::new));
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    /** The same vault built from scratch, to compare with. */
    private Path uncached(String name) throws Exception {
        Path out = tmp.resolve("uncached-" + name);
        assertThat(process("--out", out.toString(), "--no-cache"))
                .as(Files.readString(log))
                .isZero();
        return out;
    }

    /** Every file under {@code root} by relative path, with the sha256 of its bytes (build-assets writes no timestamps). */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(
                        root.relativize(file).toString(),
                        dev.repoworker.worker.artifacts.Manifest.sha256(Files.readAllBytes(file)));
            }
        }
        return files;
    }
}
