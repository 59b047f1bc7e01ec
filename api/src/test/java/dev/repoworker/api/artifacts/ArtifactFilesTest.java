package dev.repoworker.api.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Path checks below HTTP: what the server might pass through decoded must still never leave the job's folder. */
class ArtifactFilesTest {

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../secret.txt",
                "a/../../secret.txt",
                "/etc/passwd",
                "..",
                ".",
                "a//b",
                "a\\..\\secret.txt",
                "C:/x",
                "a/./b",
                "",
                "a/\u0000b"
            })
    void unsafe_relative_paths_are_refused(String path) throws Exception {
        Files.createDirectories(root.resolve("job-1"));
        Files.writeString(root.resolve("secret.txt"), "no");

        assertThat(ArtifactFiles.isSafeRelative(path)).isFalse();
        assertThat(new ArtifactFiles(root).find("job-1", path)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../job-1", "a/b", "", ".hidden"})
    void bad_job_ids_find_nothing(String jobId) throws Exception {
        Files.createDirectories(root.resolve("job-1"));
        Files.writeString(root.resolve("job-1/a.json"), "{}");

        assertThat(new ArtifactFiles(root).find(jobId, "a.json")).isEmpty();
        assertThat(new ArtifactFiles(root).list(jobId)).isEmpty();
    }

    @Test
    void content_types_follow_the_extension() {
        assertThat(ArtifactFiles.contentType("posts.json")).isEqualTo("application/json");
        assertThat(ArtifactFiles.contentType("media/a.WEBP")).isEqualTo("image/webp");
        assertThat(ArtifactFiles.contentType("media/a.jpg")).isEqualTo("image/jpeg");
        assertThat(ArtifactFiles.contentType("index.html")).startsWith("text/html");
        assertThat(ArtifactFiles.contentType("noext")).isEqualTo("application/octet-stream");
        assertThat(ArtifactFiles.contentType(".hidden")).isEqualTo("application/octet-stream");
    }
}
