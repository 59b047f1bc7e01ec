package dev.repoworker.worker.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ArtifactStore} promises, run on each store (the pattern of {@code JobStoreContract}): what a
 * job wrote comes back byte for byte under {@code {jobId}/} with a manifest listing it; a new publish replaces
 * the old set; discard removes it; a job id that is not a plain name is refused.
 */
abstract class ArtifactStoreContract {

    private static final AtomicInteger JOBS = new AtomicInteger();

    /** The store under test. */
    abstract ArtifactStore store();

    /** The bytes the store holds for {@code path} of {@code jobId}, read the way a reader would. */
    abstract Optional<byte[]> read(String jobId, String path) throws IOException;

    /** Every path the store holds for {@code jobId}, relative to its folder. */
    abstract List<String> paths(String jobId) throws IOException;

    static String newJobId() {
        return "job-" + JOBS.incrementAndGet() + "-" + System.nanoTime();
    }

    static Map<String, String> sampleFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("posts.json", "[{\"slug\":\"hello\"}]");
        files.put("posts/hello.html", "<h1>Hello</h1>");
        files.put("media/" + "ab".repeat(32) + "-small.webp", "not really webp");
        files.put("graph.json", "{\"nodes\":[]}");
        return files;
    }

    static void write(Path dir, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = dir.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
    }

    @Test
    void published_files_and_the_manifest_read_back_byte_for_byte() throws IOException {
        String jobId = newJobId();
        Path dir = store().open(jobId);
        write(dir, sampleFiles());

        StoredArtifacts stored = store().publish(jobId, dir);

        assertThat(stored.files()).isEqualTo(4);
        assertThat(stored.store()).isEqualTo(store().kind());
        assertThat(stored.manifest()).endsWith(jobId + "/manifest.json").doesNotContain(dir.toString());
        for (Map.Entry<String, String> file : sampleFiles().entrySet()) {
            assertThat(read(jobId, file.getKey()))
                    .get()
                    .extracting(b -> new String(b, StandardCharsets.UTF_8))
                    .isEqualTo(file.getValue());
        }
        JsonNode manifest = Json.mapper().readTree(read(jobId, "manifest.json").orElseThrow());
        assertThat(manifest.get("files").asInt()).isEqualTo(4);
        assertThat(manifest.get("entries"))
                .extracting(e -> e.get("path").asText())
                .containsExactly(
                        "graph.json", "media/" + "ab".repeat(32) + "-small.webp", "posts.json", "posts/hello.html");
        assertThat(manifest.get("entries").get(2).get("sha256").asText())
                .isEqualTo(Manifest.sha256("[{\"slug\":\"hello\"}]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void publishing_again_replaces_the_earlier_set() throws IOException {
        String jobId = newJobId();
        Path dir = store().open(jobId);
        write(dir, sampleFiles());
        store().publish(jobId, dir);

        Path again = store().open(jobId);
        write(again, Map.of("posts.json", "[]", "issues.json", "{}"));
        StoredArtifacts stored = store().publish(jobId, again);

        assertThat(stored.files()).isEqualTo(2);
        assertThat(paths(jobId)).containsExactlyInAnyOrder("posts.json", "issues.json", "manifest.json");
        assertThat(read(jobId, "posts.json")).get().extracting(String::new).isEqualTo("[]");
    }

    @Test
    void discard_removes_every_file_of_the_job() throws IOException {
        String jobId = newJobId();
        Path dir = store().open(jobId);
        write(dir, sampleFiles());
        store().publish(jobId, dir);

        store().discard(jobId);

        assertThat(paths(jobId)).isEmpty();
        assertThat(read(jobId, "manifest.json")).isEmpty();
    }

    @Test
    void a_job_id_that_is_not_a_plain_name_is_refused() {
        for (String jobId : List.of("../escape", "..", "a/b", ".hidden")) {
            assertThatThrownBy(() -> store().open(jobId)).as(jobId).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
