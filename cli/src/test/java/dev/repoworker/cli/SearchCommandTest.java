package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.embeddings.EmbeddingCache;
import dev.repoworker.embeddings.LocalMiniLmEmbedder;
import dev.repoworker.embeddings.ProgressListener;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.TestVault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchCommandTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void embed() throws Exception {
        TestVault.write(dir, TestVault.notes());
        new ComputeEmbeddings(LocalMiniLmEmbedder.shared(), new EmbeddingCache(dir.resolve("cache")))
                .computeEmbeddings(dir, dir, ProgressListener.NONE);
    }

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void prints_one_ranked_line_per_post() {
        Run run =
                run("search", "--artifacts", dir.toString(), "--k", "3", "turning", "kitchen", "waste", "into", "soil");

        assertThat(run.status()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("\\d\\.\\d{3}  Composting at home  /composting/  .+");
    }

    @Test
    void prints_a_json_array_with_json() throws Exception {
        Run run = run("search", "--artifacts", dir.resolve("embeddings").toString(), "--json", "how do I bake a loaf");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode hits = Json.mapper().readTree(run.out());
        assertThat(hits).hasSize(10);
        assertThat(hits.get(0).get("slug").asText()).isEqualTo("sourdough-bread");
        assertThat(hits.get(0).fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("slug", "title", "url", "score", "snippet", "heading");
    }

    @Test
    void bad_input_and_missing_embeddings_have_their_exit_status() {
        assertThat(run("search", "--artifacts", dir.toString(), "--k", "0", "bread")
                        .status())
                .isEqualTo(2);
        assertThat(run("search", "--artifacts", dir.toString(), " ").status()).isEqualTo(2);
        Run missing = run("search", "--artifacts", dir.resolve("nowhere").toString(), "bread");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("no embeddings");
    }
}
