package dev.repoworker.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {

    @TempDir
    Path dir;

    @Test
    void a_vector_comes_back_by_model_and_content_hash() throws Exception {
        EmbeddingCache cache = new EmbeddingCache(dir);
        String sha = EmbeddingCache.sha256("hello");
        cache.put("m", sha, new float[] {1.5f, -2f, 0.25f});

        assertThat(cache.get("m", sha, 3)).hasValueSatisfying(v -> assertThat(v).containsExactly(1.5f, -2f, 0.25f));
        assertThat(cache.get("other-model", sha, 3)).isEmpty();
        assertThat(cache.get("m", EmbeddingCache.sha256("bye"), 3)).isEmpty();
        assertThat(Files.size(cache.file("m", sha))).isEqualTo(12);
    }

    @Test
    void a_file_of_the_wrong_length_is_a_miss() throws Exception {
        EmbeddingCache cache = new EmbeddingCache(dir);
        String sha = EmbeddingCache.sha256("x");
        cache.put("m", sha, new float[] {1, 2, 3});
        assertThat(cache.get("m", sha, 4)).isEmpty();
    }

    @Test
    void concurrent_writers_of_the_same_key_leave_one_whole_file_and_no_temporaries() throws Exception {
        EmbeddingCache cache = new EmbeddingCache(dir);
        String sha = EmbeddingCache.sha256("shared chunk");
        float[] vector = new float[384];
        java.util.Arrays.fill(vector, 0.5f);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Object>> writers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                writers.add(() -> {
                    cache.put("m", sha, vector);
                    return cache.get("m", sha, 384).orElseThrow();
                });
            }
            for (Future<Object> f : pool.invokeAll(writers)) {
                assertThat((float[]) f.get()).containsExactly(vector);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile))
                    .singleElement()
                    .satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo(sha + ".f32"));
        }
    }

    @Test
    void hosted_model_names_become_safe_distinct_folder_names() {
        assertThat(EmbeddingCache.safe("all-minilm-l6-v2-q")).isEqualTo("all-minilm-l6-v2-q");
        assertThat(EmbeddingCache.safe("org/model:v1"))
                .startsWith("org_model_v1-")
                .isNotEqualTo(EmbeddingCache.safe("org_model_v1"));
        assertThat(EmbeddingCache.safe("..")).doesNotContain("/").isNotEqualTo("..");
    }
}
