package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo-worker process}: the local pipeline, no servers, on the example vault kept in the repository. */
class ProcessCommandIT {

    private static final Path EXAMPLE_VAULT =
            Path.of("..", "examples", "vault").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private int run(Path log, String... args) throws Exception {
        Process process = Launcher.start(Map.of(), log, args);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    @Test
    void builds_the_example_vault_into_the_out_folder() throws Exception {
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("process.log");

        int exit = run(log, "process", EXAMPLE_VAULT.toString(), "--out", out.toString());

        assertThat(exit).as(Files.readString(log)).isZero();
        JsonNode posts = Json.mapper().readTree(out.resolve("posts.json").toFile());
        assertThat(posts)
                .extracting(p -> p.path("slug").asText())
                .contains("index", "getting-started", "linking-notes", "garden-log");
        assertThat(posts.toString()).doesNotContain("Template {{title}}");
        assertThat(out.resolve("manifest.json")).isRegularFile();
        assertThat(Json.mapper().readTree(out.resolve("issues.json").toFile()).toString())
                .contains("Missing note");
        assertThat(Files.list(out.resolve("media")).count()).isGreaterThanOrEqualTo(4);
        assertThat(Files.readString(log))
                .contains("\"posts\" : 5")
                .contains("render")
                .contains("completed: artifacts in");

        assertThat(run(log, "process", EXAMPLE_VAULT.toString(), "--out", out.toString()))
                .as("an earlier build is replaced")
                .isZero();
    }

    @Test
    void clones_a_repository_url_before_building() throws Exception {
        TestRepos.Repo repo = TestRepos.withFiles(
                tmp.resolve("notes"), Map.of("index.md", "# Home\n\nSee [[other]].\n", "other.md", "# Other\n"));
        Path out = tmp.resolve("out");
        int exit = run(tmp.resolve("url.log"), "process", repo.fileUrl(), "--out", out.toString());
        assertThat(exit).as(Files.readString(tmp.resolve("url.log"))).isZero();
        assertThat(Json.mapper().readTree(out.resolve("posts.json").toFile())).hasSize(2);
        // the summary names the manifest where it is now, in --out
        String printed = Files.readString(tmp.resolve("url.log"));
        assertThat(printed)
                .contains("\"location\" : \""
                        + out.resolve("manifest.json").toAbsolutePath().normalize() + "\"");
    }

    @Test
    void acquire_user_repo_leaves_the_clone_in_the_out_folder() throws Exception {
        TestRepos.Repo repo =
                TestRepos.withFiles(tmp.resolve("notes"), Map.of("index.md", "# Home\n", "a/b.md", "B\n"));
        Path out = tmp.resolve("clone");
        Path log = tmp.resolve("acquire.log");

        int exit = run(log, "process", repo.fileUrl(), "--task", "acquire-user-repo", "--out", out.toString());

        assertThat(exit).as(Files.readString(log)).isZero();
        assertThat(out.resolve("index.md")).hasContent("# Home\n");
        assertThat(out.resolve("a/b.md")).hasContent("B\n");
        assertThat(TestRepos.git(out, "rev-parse", "HEAD")).isEqualTo(repo.head());
        assertThat(Files.readString(log)).contains("\"files\" : 2").contains("completed: artifacts in");
    }

    @Test
    void compute_embeddings_builds_first_then_searches_and_enrich_data_adds_to_the_same_build() throws Exception {
        Path out = tmp.resolve("out");
        int exit = run(
                tmp.resolve("embed.log"),
                "process",
                EXAMPLE_VAULT.toString(),
                "--task",
                "compute-embeddings",
                "--out",
                out.toString());
        assertThat(exit).as(Files.readString(tmp.resolve("embed.log"))).isZero();
        assertThat(out.resolve("posts.json")).isRegularFile();
        assertThat(out.resolve("embeddings").resolve("meta.json")).isRegularFile();
        assertThat(out.resolve("related.json")).isRegularFile();
        assertThat(Files.readString(out.resolve("manifest.json"))).contains("embeddings/vectors.f32");

        Path searchLog = tmp.resolve("search.log");
        assertThat(run(searchLog, "search", "--artifacts", out.toString(), "--json", "watering the tomatoes"))
                .isZero();
        String printed = Files.readString(searchLog);
        JsonNode hits =
                Json.mapper().readTree(printed.substring(printed.indexOf("\n[") + 1, printed.lastIndexOf("]") + 1));
        assertThat(hits.get(0).path("slug").asText()).isEqualTo("garden-log");

        int enriched = run(
                tmp.resolve("enrich.log"),
                "process",
                EXAMPLE_VAULT.toString(),
                "--task",
                "enrich-data",
                "--out",
                out.toString());
        assertThat(enriched).as(Files.readString(tmp.resolve("enrich.log"))).isZero();
        assertThat(out.resolve("content.sqlite")).isRegularFile();
        assertThat(out.resolve("embeddings").resolve("meta.json"))
                .as("the earlier embeddings are kept")
                .isRegularFile();
        assertThat(Json.mapper().readTree(out.resolve("enriched.json").toFile()).toString())
                .contains("garden-log");
    }

    @Test
    void bad_input_exits_2_with_a_message() throws Exception {
        Path log = tmp.resolve("bad.log");
        assertThat(run(
                        log,
                        "process",
                        tmp.resolve("nowhere").toString(),
                        "--out",
                        tmp.resolve("o").toString()))
                .isEqualTo(2);
        assertThat(Files.readString(log)).contains("neither a folder nor a repository URL");

        Path occupied = Files.createDirectories(tmp.resolve("occupied"));
        Files.writeString(occupied.resolve("precious.txt"), "keep me");
        assertThat(run(log, "process", EXAMPLE_VAULT.toString(), "--out", occupied.toString()))
                .isEqualTo(2);
        assertThat(Files.readString(log)).contains("not empty");
        assertThat(occupied.resolve("precious.txt")).hasContent("keep me");

        assertThat(run(
                        log,
                        "process",
                        EXAMPLE_VAULT.toString(),
                        "--out",
                        tmp.resolve("o").toString(),
                        "--task",
                        "bake"))
                .isEqualTo(2);
        assertThat(Files.readString(log)).contains("unknown task 'bake'");
    }
}
