package dev.repoworker.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.TestVault;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real model on a 12-note vault of four topics; computed once for the class. */
class ComputeAndSearchTest {

    @TempDir
    static Path dir;

    static Path build;
    static EmbeddingReport first;
    static List<dev.repoworker.protocol.Progress> progress = new CopyOnWriteArrayList<>();

    static ComputeEmbeddings compute() {
        return new ComputeEmbeddings(LocalMiniLmEmbedder.shared(), new EmbeddingCache(dir.resolve("cache")));
    }

    static String topic(String slug) {
        return TestVault.notes().stream()
                .filter(n -> n.slug().equals(slug))
                .findFirst()
                .orElseThrow()
                .tags()
                .get(0);
    }

    /** Cooking and gardening notes share vocabulary (tomatoes, vegetables, soil): one group for related posts. */
    static String group(String topic) {
        return topic.equals("cooking") || topic.equals("gardening") ? "food" : topic;
    }

    @BeforeAll
    static void computeOnce() throws Exception {
        build = dir.resolve("build");
        TestVault.write(build, TestVault.notes());
        first = compute().computeEmbeddings(build, build, progress::add);
    }

    @Test
    void the_first_run_embeds_every_chunk_and_reports_the_model() {
        assertThat(first.posts()).isEqualTo(12);
        assertThat(first.chunks()).isEqualTo(26);
        assertThat(first.embedded()).isEqualTo(first.chunks());
        assertThat(first.reused()).isZero();
        assertThat(first.model()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(first.dimension()).isEqualTo(384);
        assertThat(Json.mapper().convertValue(first, Map.class))
                .containsKeys("chunks", "embedded", "reused", "model", "dimension")
                .doesNotContainKey("durationMs");
        assertThat(first.durationMs()).isNotNegative();
        assertThat(progress)
                .extracting(dev.repoworker.protocol.Progress::step)
                .contains("chunk", "embed", "index", "related", "done");
    }

    @Test
    void artifacts_hold_meta_vectors_chunks_and_the_index() throws Exception {
        Path out = build.resolve("embeddings");
        IndexMeta meta = IndexMeta.read(out);
        assertThat(meta.model()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(meta.dimension()).isEqualTo(384);
        assertThat(meta.count()).isEqualTo(first.chunks());
        assertThat(Files.size(out.resolve("vectors.f32"))).isEqualTo((long) meta.count() * 384 * 4);
        List<String> lines = Files.readAllLines(out.resolve("chunks.jsonl"));
        assertThat(lines).hasSize(meta.count());
        Map<String, Object> firstLine = Json.mapper().readValue(lines.get(0), new TypeReference<>() {});
        assertThat(firstLine).containsKeys("id", "slug", "headingPath", "start", "end");
        assertThat(out.resolve("index")).isDirectory();
        try (var files = Files.list(build)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("posts.json", "embeddings", "related.json");
        }
    }

    @Test
    void related_posts_are_the_notes_of_the_same_topic() throws Exception {
        Map<String, List<Map<String, Object>>> related =
                Json.mapper().readValue(build.resolve("related.json").toFile(), new TypeReference<>() {});
        assertThat(related).hasSize(12);
        related.forEach((slug, list) -> {
            assertThat(list).hasSize(10).noneMatch(r -> r.get("slug").equals(slug));
            assertThat(group(topic((String) list.get(0).get("slug"))))
                    .as("the closest to %s", slug)
                    .isEqualTo(group(topic(slug)));
            if (!group(topic(slug)).equals("food")) {
                assertThat(list.subList(0, 2))
                        .as("the two closest to %s", slug)
                        .allSatisfy(
                                r -> assertThat(topic((String) r.get("slug"))).isEqualTo(topic(slug)));
            }
            assertThat(list)
                    .isSortedAccordingTo((a, b) -> Double.compare((Double) b.get("score"), (Double) a.get("score")));
        });
        assertThat(related.get("sourdough-bread").get(0)).containsKeys("slug", "title", "url", "score");
    }

    @ParameterizedTest
    @CsvSource({
        "how do I bake a loaf at home, sourdough-bread, cooking",
        "my container keeps restarting, kubernetes-crashloop, kubernetes",
        "rolling out a new version of a service to the cluster, kubernetes-helm, kubernetes",
        "turning kitchen waste into soil, composting, gardening",
        "long term investing for old age, index-funds, finance",
        "what to do with ripe tomatoes for dinner, tomato-pasta-sauce, cooking",
    })
    void semantically_close_notes_rank_first(String query, String expected, String topic) throws Exception {
        try (SemanticSearch search = SemanticSearch.open(build.resolve("embeddings"), LocalMiniLmEmbedder.shared())) {
            List<SearchHit> hits = search.search(query, 5);

            assertThat(hits.get(0).slug()).isEqualTo(expected);
            assertThat(hits.get(0).title()).isNotBlank();
            assertThat(hits.get(0).url()).isEqualTo("/" + expected + "/");
            assertThat(hits.get(0).snippet()).isNotBlank();
            assertThat(hits).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
            List<String> unrelated = new ArrayList<>();
            for (SearchHit hit : search.search(query, 12)) {
                if (!topic(hit.slug()).equals(topic)) {
                    unrelated.add(hit.slug());
                }
            }
            double worstUnrelated = search.search(query, 12).stream()
                    .filter(h -> unrelated.contains(h.slug()))
                    .mapToDouble(SearchHit::score)
                    .max()
                    .orElse(0);
            assertThat(hits.get(0).score()).isGreaterThan(worstUnrelated);
        }
    }

    @Test
    void a_search_names_the_best_chunks_heading() throws Exception {
        try (SemanticSearch search = SemanticSearch.open(build.resolve("embeddings"), LocalMiniLmEmbedder.shared())) {
            SearchHit hit = search.search("read the previous container logs with kubectl", 1)
                    .get(0);
            assertThat(hit.slug()).isEqualTo("kubernetes-crashloop");
            assertThat(hit.heading()).isEqualTo("Diagnosis");
            assertThat(hit.snippet()).contains("kubectl logs --previous");
        }
    }

    @Test
    void a_second_run_reuses_every_vector_and_a_changed_note_embeds_only_its_chunks() throws Exception {
        Path again = dir.resolve("again");
        TestVault.write(again, TestVault.notes());
        EmbeddingReport unchanged = compute().computeEmbeddings(again, again, ProgressListener.NONE);
        assertThat(unchanged.embedded()).isZero();
        assertThat(unchanged.reused()).isEqualTo(first.chunks());

        List<TestVault.Note> notes = new ArrayList<>(TestVault.notes());
        TestVault.Note changed = notes.get(3);
        List<String[]> sections = new ArrayList<>(changed.sections());
        sections.set(
                0, new String[] {"Symptoms", "The pod restarts in a loop and the deployment never becomes ready."});
        notes.set(3, new TestVault.Note(changed.slug(), changed.title(), changed.tags(), sections));
        TestVault.write(again, notes);

        EmbeddingReport oneChanged = compute().computeEmbeddings(again, again, ProgressListener.NONE);
        assertThat(oneChanged.embedded()).isEqualTo(1);
        assertThat(oneChanged.reused()).isEqualTo(first.chunks() - 1);
        assertThat(IndexMeta.read(again.resolve("embeddings")).count()).isEqualTo(first.chunks());
    }

    @Test
    void a_missing_posts_json_is_a_clear_error() {
        assertThatThrownBy(() ->
                        compute().computeEmbeddings(dir.resolve("nothing"), dir.resolve("out"), ProgressListener.NONE))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("posts.json");
    }

    @Test
    void searching_with_another_model_is_refused() {
        Embedder other = new Embedder() {
            public String model() {
                return "other-model";
            }

            public int dimension() {
                return 384;
            }

            public float[][] embed(List<String> texts) {
                return new float[texts.size()][384];
            }
        };
        assertThatThrownBy(() -> SemanticSearch.open(build.resolve("embeddings"), other))
                .isInstanceOf(SemanticSearch.ModelMismatchException.class)
                .hasMessageContaining("all-minilm-l6-v2-q")
                .hasMessageContaining("other-model");
    }

    @Test
    void a_folder_without_embeddings_is_not_found() {
        assertThatThrownBy(() -> SemanticSearch.open(dir.resolve("nowhere"), LocalMiniLmEmbedder.shared()))
                .isInstanceOf(NoSuchFileException.class);
    }
}
