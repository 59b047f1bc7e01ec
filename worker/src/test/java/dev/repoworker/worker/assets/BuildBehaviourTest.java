package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.worker.artifacts.LocalArtifactStore;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.ProgressListener;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildBehaviourTest {

    @TempDir
    Path temp;

    private Path vault() throws Exception {
        return TestVault.write(temp.resolve("vault"), temp.resolve("outside"));
    }

    @Test
    void two_builds_of_the_same_input_give_byte_identical_posts() throws Exception {
        Path vault = vault();
        AssetBuilder builder = new AssetBuilder();
        builder.build(vault, BuildOptions.defaults(), temp.resolve("a"), ProgressListener.NONE);
        builder.build(vault, BuildOptions.defaults().withThreads(1), temp.resolve("b"), ProgressListener.NONE);
        for (String file : List.of("posts.json", "posts-index.json", "medias.json", "graph.json", "issues.json")) {
            assertThat(Files.readAllBytes(temp.resolve("a").resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(temp.resolve("b").resolve(file)));
        }
    }

    @Test
    void private_and_draft_notes_are_left_out_unless_included() throws Exception {
        Path vault = vault();
        BuildReport report = new AssetBuilder()
                .build(
                        vault,
                        BuildOptions.defaults().withIncludePrivate(false),
                        temp.resolve("out"),
                        ProgressListener.NONE);
        String posts = Files.readString(temp.resolve("out/posts.json"));
        assertThat(posts).doesNotContain("Secret text").doesNotContain("Draft text");
        assertThat(report.excludedPrivate()).isEqualTo(2);
        assertThat(temp.resolve("out/posts/secret.json")).doesNotExist();
    }

    @Test
    void images_become_webp_and_jpeg_variants_named_by_hash_and_are_reused_from_the_cache() throws Exception {
        Path vault = temp.resolve("media-vault");
        Files.createDirectories(vault.resolve("img"));
        Files.write(vault.resolve("img/wide.jpg"), TestVault.image(2400, 1200, "jpg"));
        Files.write(vault.resolve("img/copy-of-wide.jpg"), Files.readAllBytes(vault.resolve("img/wide.jpg")));
        Files.writeString(vault.resolve("note.md"), "![[wide.jpg]]\n");
        Files.writeString(vault.resolve("clip.mp4"), "not really a video");
        BuildOptions options = BuildOptions.defaults().withMediaCacheDir(temp.resolve("cache"));
        options = new BuildOptions(
                "", List.of(), "/n", "/m", "cdn.example.com", true, options.limits(), options.mediaCacheDir(), 0);

        BuildReport first = new AssetBuilder().build(vault, options, temp.resolve("out1"), ProgressListener.NONE);

        JsonNode medias =
                Json.mapper().readTree(temp.resolve("out1/medias.json").toFile());
        JsonNode wide = StreamSupport.stream(medias.spliterator(), false)
                .filter(m -> m.path("path").asText().equals("img/wide.jpg"))
                .findFirst()
                .orElseThrow();
        String hash = wide.path("hash").asText();
        assertThat(wide.path("width").asInt()).isEqualTo(2400);
        assertThat(wide.path("height").asInt()).isEqualTo(1200);
        assertThat(StreamSupport.stream(wide.path("variants").spliterator(), false)
                        .map(v ->
                                v.path("size").asText() + "." + v.path("format").asText() + "="
                                        + v.path("width").asInt())
                        .toList())
                .containsExactly(
                        "xs.webp=100",
                        "xs.jpg=100",
                        "sm.webp=300",
                        "sm.jpg=300",
                        "md.webp=700",
                        "md.jpg=700",
                        "lg.webp=1400",
                        "lg.jpg=1400",
                        "xl.webp=2160",
                        "xl.jpg=2160");
        assertThat(wide.path("variants").get(6).path("url").asText())
                .isEqualTo("https://cdn.example.com/m/" + hash + "-lg.webp");
        Path lgWebp = temp.resolve("out1/media/" + hash + "-lg.webp");
        byte[] webp = Files.readAllBytes(lgWebp);
        assertThat(new String(webp, 0, 4)).isEqualTo("RIFF");
        assertThat(new String(webp, 8, 4)).isEqualTo("WEBP");
        BufferedImage jpg =
                ImageIO.read(temp.resolve("out1/media/" + hash + "-md.jpg").toFile());
        assertThat(jpg.getWidth()).isEqualTo(700);
        assertThat(jpg.getHeight()).isEqualTo(350);
        assertThat(temp.resolve("out1/media").toFile().list())
                .filteredOn(n -> n.endsWith(".mp4"))
                .hasSize(1);
        assertThat(first.mediaProcessed()).isEqualTo(2);
        assertThat(first.variants()).isEqualTo(10);
        String html = Json.mapper()
                .readTree(temp.resolve("out1/posts/note.json").toFile())
                .path("html")
                .asText();
        assertThat(html)
                .contains("src=\"https://cdn.example.com/m/" + hash + "-lg.webp\"")
                .contains("width=\"1400\" height=\"700\" loading=\"lazy\"");

        BuildReport second = new AssetBuilder().build(vault, options, temp.resolve("out2"), ProgressListener.NONE);
        assertThat(second.mediaReused()).isEqualTo(2);
        assertThat(second.mediaProcessed()).isZero();
        assertThat(Files.readAllBytes(temp.resolve("out2/media/" + hash + "-lg.webp")))
                .isEqualTo(webp);
    }

    @Test
    void deeply_nested_markdown_and_oversized_notes_are_issues_not_crashes() throws Exception {
        Path vault = Files.createDirectories(temp.resolve("hostile"));
        Files.writeString(
                vault.resolve("deep.md"),
                ">".repeat(5_000) + " deep\n\n" + "- a\n".repeat(1) + "  ".repeat(2_000) + "- b\n");
        Files.writeString(vault.resolve("huge.md"), "x".repeat(3 << 20));
        Files.writeString(vault.resolve("fine.md"), "# Fine\n");
        BuildOptions twoMegabyteNotes = BuildOptions.defaults()
                .withLimits(BuildOptions.Limits.defaults().withMaxNoteBytes(2 << 20));
        BuildReport report =
                new AssetBuilder().build(vault, twoMegabyteNotes, temp.resolve("out"), ProgressListener.NONE);
        assertThat(report.posts()).isEqualTo(2);
        assertThat(report.issuesByKind()).containsEntry(Issue.FILE_TOO_LARGE, 1);
        assertThat(Files.readString(temp.resolve("out/posts.json"))).contains("\"slug\":\"deep\"");
    }

    @Test
    void small_images_are_never_enlarged() {
        assertThat(MediaOptimizer.plan("h", 250, 100, "").stream()
                        .map(v -> v.size() + "=" + v.width())
                        .distinct()
                        .toList())
                .containsExactly("xs=100", "sm=250");
        assertThat(MediaOptimizer.plan("h", 60, 30, ""))
                .extracting(MediaFile.Variant::width)
                .containsOnly(60);
    }

    @Test
    void an_interrupted_build_stops_with_interrupted_exception() throws Exception {
        Path vault = vault();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new AssetBuilder()
                            .build(vault, BuildOptions.defaults(), temp.resolve("out"), ProgressListener.NONE))
                    .isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void repository_folder_limits_the_build_and_must_exist() throws Exception {
        Path vault = vault();
        BuildOptions sub = new BuildOptions("sub", List.of(), "/n", "/m", "", true, null, null, 1);
        BuildReport report = new AssetBuilder().build(vault, sub, temp.resolve("out"), ProgressListener.NONE);
        assertThat(report.posts()).isEqualTo(1);
        BuildOptions missing = new BuildOptions("nope", List.of(), "/n", "/m", "", true, null, null, 1);
        assertThatThrownBy(() -> new AssetBuilder().build(vault, missing, temp.resolve("out2"), ProgressListener.NONE))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("repositoryFolder");
    }

    @Test
    void options_from_job_data_are_validated_naming_the_field() throws Exception {
        BuildOptions defaults = BuildOptions.fromData(new TaskData(Map.of()));
        assertThat(defaults.notePrefix()).isEqualTo("/_repo/notes");
        assertThat(defaults.mediaPrefix()).isEqualTo("/_repo/medias");
        assertThat(defaults.includePrivate()).isTrue();
        assertThatThrownBy(() -> BuildOptions.fromData(new TaskData(Map.of("repositoryFolder", "../up"))))
                .isInstanceOf(InvalidTaskDataException.class)
                .hasMessageContaining("data.repositoryFolder");
        assertThatThrownBy(() -> BuildOptions.fromData(new TaskData(Map.of("repositoryFolder", "/etc"))))
                .isInstanceOf(InvalidTaskDataException.class)
                .hasMessageContaining("data.repositoryFolder");
        assertThatThrownBy(() -> BuildOptions.fromData(new TaskData(Map.of("ignoreFiles", "x"))))
                .hasMessageContaining("data.ignoreFiles");
        assertThatThrownBy(() -> BuildOptions.fromData(new TaskData(Map.of("notePrefix", "no slash\""))))
                .hasMessageContaining("data.notePrefix");
        assertThatThrownBy(() -> BuildOptions.fromData(new TaskData(Map.of("domain", "javascript:alert(1)"))))
                .hasMessageContaining("data.domain");
        assertThatThrownBy(() -> BuildOptions.fromData(new TaskData(Map.of("includePrivate", "maybe"))))
                .hasMessageContaining("data.includePrivate");
    }

    @Test
    void the_local_store_writes_a_manifest_and_reports_a_relative_location() throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(temp.resolve("artifacts"));
        Path dir = store.open("job-1");
        Files.writeString(dir.resolve("a.txt"), "hello");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/b.txt"), "world!");
        StoredArtifacts stored = store.publish("job-1", dir);
        assertThat(stored.manifest()).isEqualTo("artifacts/job-1/manifest.json");
        assertThat(stored.files()).isEqualTo(2);
        assertThat(stored.bytes()).isEqualTo(11);
        JsonNode manifest = Json.mapper().readTree(dir.resolve("manifest.json").toFile());
        assertThat(manifest.path("entries").get(0).path("path").asText()).isEqualTo("a.txt");
        assertThat(manifest.path("entries").get(0).path("sha256").asText())
                .isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(manifest.path("entries").get(1).path("path").asText()).isEqualTo("sub/b.txt");
        store.discard("job-1");
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> store.open("../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
