package dev.repoworker.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.TestVault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run next to an earlier index updates it; whatever it reuses, the result is the one a full rebuild gives. */
class IncrementalIndexTest {

    static final List<String> QUERIES = List.of(
            "bake bread in the oven",
            "pod restarts in the cluster",
            "savings for retirement",
            "tomatoes in the garden",
            "a new note about the harbour");

    @TempDir
    Path dir;

    ComputeEmbeddings compute(String model, String cache) {
        return new ComputeEmbeddings(new WordsEmbedder(model), new EmbeddingCache(dir.resolve(cache)));
    }

    static List<TestVault.Note> edited() {
        List<TestVault.Note> notes = new ArrayList<>(TestVault.notes());
        TestVault.Note changed = notes.get(3);
        List<String[]> sections = new ArrayList<>(changed.sections());
        sections.set(
                0, new String[] {"Symptoms", "The pod restarts in a loop and the deployment never becomes ready."});
        notes.set(3, new TestVault.Note(changed.slug(), changed.title(), changed.tags(), sections));
        notes.remove(7);
        notes.add(
                5,
                new TestVault.Note(
                        "harbour-walk", "A walk around the harbour", List.of("travel"), List.<String[]>of(new String[] {
                            "Route", "Start at the lighthouse and follow the harbour wall to the fish market."
                        })));
        return notes;
    }

    @Test
    void a_changed_an_added_and_a_removed_post_give_what_a_full_rebuild_gives() throws Exception {
        Path build = TestVault.write(dir.resolve("build"), TestVault.notes()).getParent();
        EmbeddingReport first = compute("words", "cache").computeEmbeddings(build, build, ProgressListener.NONE);

        TestVault.write(build, edited());
        EmbeddingReport update = compute("words", "cache").computeEmbeddings(build, build, ProgressListener.NONE);
        Path rebuilt = TestVault.write(dir.resolve("rebuilt"), edited()).getParent();
        EmbeddingReport full =
                compute("words", "fresh-cache").computeEmbeddings(rebuilt, rebuilt, ProgressListener.NONE);

        assertThat(first.index()).isEqualTo("built");
        assertThat(update.index()).isEqualTo("updated");
        assertThat(update.embedded()).as("the changed chunk and the new note's").isEqualTo(2);
        assertThat(full.index()).isEqualTo("built");
        assertSameResults(build, rebuilt);
    }

    @Test
    void an_index_made_by_another_model_is_built_anew() throws Exception {
        Path build = TestVault.write(dir.resolve("build"), TestVault.notes()).getParent();
        compute("words", "cache").computeEmbeddings(build, build, ProgressListener.NONE);

        EmbeddingReport other = compute("other-words", "cache").computeEmbeddings(build, build, ProgressListener.NONE);

        assertThat(other.index()).isEqualTo("built");
        assertThat(other.embedded()).isEqualTo(other.chunks());
        assertThat(IndexMeta.read(build.resolve("embeddings")).model()).isEqualTo("other-words");
    }

    @Test
    void an_index_of_another_format_is_built_anew() throws Exception {
        Path build = TestVault.write(dir.resolve("build"), TestVault.notes()).getParent();
        compute("words", "cache").computeEmbeddings(build, build, ProgressListener.NONE);
        Path meta = build.resolve("embeddings").resolve(IndexMeta.FILE);
        Map<String, Object> fields = Json.mapper().readValue(meta.toFile(), new TypeReference<>() {});
        fields.put("index", "lucene912 hnsw(16,48) cosine; v1");
        Files.write(meta, Json.writeBytes(fields));

        EmbeddingReport again = compute("words", "cache").computeEmbeddings(build, build, ProgressListener.NONE);

        assertThat(again.index()).isEqualTo("built");
        assertThat(IndexMeta.read(build.resolve("embeddings")).index()).isEqualTo(VectorIndex.FORMAT);
    }

    @Test
    void the_kept_index_of_a_source_is_updated_into_a_new_output_folder() throws Exception {
        KeptIndexes kept = new KeptIndexes(dir.resolve("kept"));
        ComputeEmbeddings compute = new ComputeEmbeddings(
                new WordsEmbedder("words"), new EmbeddingCache(dir.resolve("cache")), new Chunker(), kept);
        Path build = TestVault.write(dir.resolve("build"), TestVault.notes()).getParent();
        compute.computeEmbeddings(build, dir.resolve("job-1"), "repo", ProgressListener.NONE);
        Map<String, byte[]> job1 = files(dir.resolve("job-1").resolve("embeddings"));

        Path edited = TestVault.write(dir.resolve("build-2"), edited()).getParent();
        EmbeddingReport update = compute.computeEmbeddings(edited, dir.resolve("job-2"), "repo", ProgressListener.NONE);
        EmbeddingReport elsewhere =
                compute.computeEmbeddings(edited, dir.resolve("job-3"), "another-repo", ProgressListener.NONE);
        Path rebuilt = TestVault.write(dir.resolve("rebuilt"), edited()).getParent();
        compute("words", "fresh-cache").computeEmbeddings(rebuilt, rebuilt, ProgressListener.NONE);

        assertThat(update.index()).isEqualTo("updated");
        assertThat(elsewhere.index()).isEqualTo("built");
        assertThat(kept.versions("repo")).isEqualTo(1);
        assertSameResults(dir.resolve("job-2"), rebuilt);
        assertThat(files(dir.resolve("job-1").resolve("embeddings")))
                .as("an earlier job's artifacts, hard-linked by the update")
                .containsExactlyInAnyOrderEntriesOf(job1);
    }

    /** Every file under {@code root} (relative path → bytes). */
    static Map<String, byte[]> files(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            Map<String, byte[]> files = new TreeMap<>();
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
            return files;
        }
    }

    @Test
    void a_kept_index_missing_a_file_is_not_used() throws Exception {
        KeptIndexes kept = new KeptIndexes(dir.resolve("kept"));
        ComputeEmbeddings compute = new ComputeEmbeddings(
                new WordsEmbedder("words"), new EmbeddingCache(dir.resolve("cache")), new Chunker(), kept);
        Path build = TestVault.write(dir.resolve("build"), TestVault.notes()).getParent();
        compute.computeEmbeddings(build, dir.resolve("job-1"), "repo", ProgressListener.NONE);
        Files.delete(kept.find("repo").orElseThrow().resolve(VectorIndex.VECTORS_FILE));

        EmbeddingReport again = compute.computeEmbeddings(build, dir.resolve("job-2"), "repo", ProgressListener.NONE);

        assertThat(again.index()).isEqualTo("built");
        assertThat(again.embedded()).as("the cache still serves every vector").isZero();
    }

    /** {@code lucene912-embeddings/}: the 12 notes as the code before Lucene 10 wrote them (codec Lucene912, cosine). */
    @Test
    void an_index_written_before_lucene_10_is_searched_and_then_built_anew() throws Exception {
        Path build = TestVault.write(dir.resolve("build"), TestVault.notes()).getParent();
        Path old = Path.of(getClass().getResource("/lucene912-embeddings").toURI());
        Folders.link(old, build.resolve("embeddings"));
        List<String> before = new ArrayList<>();
        try (SemanticSearch search = SemanticSearch.open(build.resolve("embeddings"), new WordsEmbedder("words"))) {
            for (String query : QUERIES) {
                before.add(search.search(query, 1).get(0).slug());
            }
        }

        EmbeddingReport again = compute("words", "cache").computeEmbeddings(build, build, ProgressListener.NONE);

        assertThat(again.index()).as("no index field in its meta.json").isEqualTo("built");
        try (SemanticSearch search = SemanticSearch.open(build.resolve("embeddings"), new WordsEmbedder("words"))) {
            assertThat(QUERIES.stream().map(q -> first(search, q)).toList()).isEqualTo(before);
        }
    }

    static String first(SemanticSearch search, String query) {
        try {
            return search.search(query, 1).get(0).slug();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Same vectors and chunk rows byte for byte, same related posts, the same posts found with the same best hit. Scores
     * may differ a little (and with them which of a post's chunks is its best): BM25 statistics count deleted documents
     * until their segment is merged away.
     */
    static void assertSameResults(Path updated, Path rebuilt) throws Exception {
        for (String file : List.of(VectorIndex.VECTORS_FILE, VectorIndex.CHUNKS_FILE)) {
            assertThat(Files.readAllBytes(updated.resolve("embeddings").resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(rebuilt.resolve("embeddings").resolve(file)));
        }
        assertThat(Files.readString(updated.resolve(Related.FILE)))
                .isEqualTo(Files.readString(rebuilt.resolve(Related.FILE)));
        IndexMeta a = IndexMeta.read(updated.resolve("embeddings"));
        IndexMeta b = IndexMeta.read(rebuilt.resolve("embeddings"));
        assertThat(List.of(a.count(), a.posts())).isEqualTo(List.of(b.count(), b.posts()));
        try (SemanticSearch x = SemanticSearch.open(updated.resolve("embeddings"), new WordsEmbedder("words"));
                SemanticSearch y = SemanticSearch.open(rebuilt.resolve("embeddings"), new WordsEmbedder("words"))) {
            for (String query : QUERIES) {
                List<SearchHit> found = x.search(query, 12);
                Map<String, SearchHit> expected = bySlug(y.search(query, 12));
                assertThat(bySlug(found).keySet()).as(query).isEqualTo(expected.keySet());
                assertThat(found.get(0).slug())
                        .as(query)
                        .isEqualTo(y.search(query, 1).get(0).slug());
                for (SearchHit hit : found) {
                    assertThat(hit.score())
                            .as(query)
                            .isCloseTo(expected.get(hit.slug()).score(), within(0.02));
                }
            }
        }
    }

    static Map<String, SearchHit> bySlug(List<SearchHit> hits) {
        return hits.stream().collect(Collectors.toMap(SearchHit::slug, h -> h));
    }
}
