package dev.repoworker.worker.assets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.embeddings.EmbeddingCache;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.EmbedVault;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.enrich.EnrichData;
import dev.repoworker.worker.task.ProgressListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Build → embed → enrich (in place, as the pipelines do) on fixed vaults in a Git clone with a fixed commit date,
 * and every artifact compared with fixtures written by the code before the posts.json record was unified: JSON
 * files by their text, {@code content.sqlite} by a dump of its schema and rows, any other file by its SHA-256.
 * Normalised because they vary from run to run: {@code durationMs} (enrich's summary) and {@code createdAt}
 * ({@code embeddings/meta.json}); left out: {@code embeddings/index/}, Lucene's files, which hold random segment ids. To regenerate the fixtures
 * on purpose, run with {@code -Dartifacts.golden.write=true} and review the diff.
 */
class ArtifactBytesTest {

    private static final Path GOLDEN = Path.of("src/test/resources/artifacts-golden");
    private static final String COMMIT_DATE = "2024-03-04T05:06:07Z";

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"test-vault", "embed-vault", "canvas-vault"})
    void every_artifact_of_build_embed_and_enrich_matches_the_fixture(String vault) throws Exception {
        Path repo = writeVault(vault, temp.resolve("repo"));
        Path out = temp.resolve("out");

        new AssetBuilder().build(repo, BuildOptions.defaults(), out, ProgressListener.NONE);
        new ComputeEmbeddings(new HashEmbedder(), new EmbeddingCache(temp.resolve("cache")))
                .computeEmbeddings(out, out, dev.repoworker.embeddings.ProgressListener.NONE);
        Map<String, Object> summary = new EnrichData()
                .enrich(
                        new EnrichData.Request(
                                out,
                                Optional.of(out.resolve("related.json")),
                                out,
                                Optional.of(repo),
                                EnrichData.DEFAULT_SHORT_POST_WORDS),
                        ProgressListener.NONE);
        Map<String, String> actual = artifacts(out);
        actual.put(
                "enrich-summary.json",
                normalised(new String(Json.mapper().writeValueAsBytes(summary), StandardCharsets.UTF_8)));

        Path fixtures = GOLDEN.resolve(vault);
        if (Boolean.getBoolean("artifacts.golden.write")) {
            for (Map.Entry<String, String> artifact : actual.entrySet()) {
                Path file = fixtures.resolve(artifact.getKey() + ".golden");
                Files.createDirectories(file.getParent());
                Files.writeString(file, artifact.getValue(), StandardCharsets.UTF_8);
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(fixtures)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = fixtures.relativize(file).toString().replace('\\', '/');
                expected.put(
                        name.substring(0, name.length() - ".golden".length()),
                        Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, text) -> assertThat(actual.get(name)).as(name).isEqualTo(text));
    }

    private static Path writeVault(String vault, Path dir) throws Exception {
        TestRepos.Repo repo = TestRepos.init(dir);
        switch (vault) {
            case "test-vault" -> {
                TestVault.notes().forEach(repo::write);
                TestVault.writeImages(dir);
            }
            case "embed-vault" -> EmbedVault.write(dir);
            case "canvas-vault" -> {
                repo.write("Home.md", "---\ntitle: Home\ntags: [start]\n---\n# Home\n\nSee [[Board]] and [[Plan]].\n");
                repo.write("Plan.md", "# Plan\n\nThe plan links back [[Home]]. It is short.\n");
                repo.write("Board.canvas", """
                        {"nodes":[{"id":"a","type":"text","text":"**bold advice** and [[Plan]]","x":0,"y":0,"width":200,"height":80},
                        {"id":"b","type":"file","file":"Plan.md","x":300,"y":0,"width":200,"height":80}],
                        "edges":[{"id":"e","fromNode":"a","toNode":"b","label":"next"}]}
                        """);
            }
            default -> throw new IllegalArgumentException(vault);
        }
        repo.git("add", "-A");
        commitWithFixedDates(dir);
        return dir;
    }

    private static void commitWithFixedDates(Path dir) throws Exception {
        ProcessBuilder commit = new ProcessBuilder("git", "commit", "-q", "-m", "vault")
                .directory(dir.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = commit.environment();
        env.keySet().removeIf(name -> name.startsWith("GIT_"));
        env.putAll(Map.of(
                "GIT_CONFIG_NOSYSTEM",
                "1",
                "GIT_CONFIG_GLOBAL",
                "/dev/null",
                "GIT_AUTHOR_NAME",
                "Test Author",
                "GIT_AUTHOR_EMAIL",
                "author@example.test",
                "GIT_COMMITTER_NAME",
                "Test Committer",
                "GIT_COMMITTER_EMAIL",
                "committer@example.test",
                "GIT_AUTHOR_DATE",
                COMMIT_DATE,
                "GIT_COMMITTER_DATE",
                COMMIT_DATE));
        Process process = commit.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    /** Relative path → comparable text. */
    private static Map<String, String> artifacts(Path out) throws Exception {
        Map<String, String> artifacts = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(out)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = out.relativize(file).toString().replace('\\', '/');
            if (name.startsWith("embeddings/index/")) {
                continue;
            } else if (name.endsWith(".json")) {
                artifacts.put(name, normalised(Files.readString(file, StandardCharsets.UTF_8)));
            } else if (name.equals(EnrichData.DATABASE)) {
                artifacts.put(name + ".dump", dump(file));
            } else {
                artifacts.put(
                        name + ".sha256",
                        HexFormat.of()
                                        .formatHex(MessageDigest.getInstance("SHA-256")
                                                .digest(Files.readAllBytes(file))) + "\n");
            }
        }
        return artifacts;
    }

    /** The schema (as SQLite keeps it) and every row of every table but the FTS index's own storage. */
    private static String dump(Path database) throws Exception {
        StringBuilder dump = new StringBuilder();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath());
                Statement s = db.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = s.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY rowid")) {
                while (rows.next()) {
                    dump.append(rows.getString(1))
                            .append(' ')
                            .append(rows.getString(2))
                            .append(": ")
                            .append(rows.getString(3))
                            .append('\n');
                    if (rows.getString(1).equals("table") && !rows.getString(2).startsWith("posts_fts_")) {
                        tables.add(rows.getString(2));
                    }
                }
            }
            for (String table : tables) {
                dump.append("-- ").append(table).append('\n');
                try (ResultSet rows = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int c = 1; c <= columns; c++) {
                            Object value = rows.getObject(c);
                            dump.append(c > 1 ? " | " : "")
                                    .append(
                                            value instanceof byte[] bytes
                                                    ? "x'" + HexFormat.of().formatHex(bytes) + "'"
                                                    : String.valueOf(value));
                        }
                        dump.append('\n');
                    }
                }
            }
        }
        return dump.toString();
    }

    private static String normalised(String json) {
        return json.replaceAll("\"durationMs\":\\d+", "\"durationMs\":0")
                .replaceAll("\"createdAt\" : \"[^\"]+\"", "\"createdAt\" : \"(normalised)\"");
    }
}
