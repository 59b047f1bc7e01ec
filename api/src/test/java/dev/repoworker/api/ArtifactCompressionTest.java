package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifacts as a browser asks for them ({@code Accept-Encoding: gzip}): a JSON file past Javalin's 1,500-byte
 * compression threshold comes gzipped and whole (a fixed Content-Length of the file's size made such a response a
 * 500), and an image keeps its exact length, uncompressed.
 */
class ArtifactCompressionTest {

    @TempDir
    static Path dir;

    static TestApi api;
    static String jobId;
    static String json;
    static byte[] image;

    @BeforeAll
    static void start() throws Exception {
        Path artifacts = dir.resolve("artifacts");
        api = TestApi.start(dir.resolve("data"), Map.of("ARTIFACTS_DIR", artifacts.toString()));
        jobId = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/r\"}");
        Path job = Files.createDirectories(artifacts.resolve(jobId).resolve("media"));
        json = "[" + "{\"slug\":\"post\",\"html\":\"<p>words words words</p>\"},".repeat(200) + "{}]";
        image = new byte[5000];
        image[0] = (byte) 0x89;
        Files.writeString(job.resolve("../posts.json"), json);
        Files.write(job.resolve("cat.png"), image);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static HttpResponse<byte[]> gzipGet(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(api.url("/api/cloudrun/jobs/" + jobId + "/artifacts/" + path)))
                                .header("Accept-Encoding", "gzip")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void a_large_json_artifact_comes_gzipped_and_whole() throws Exception {
        HttpResponse<byte[]> response = gzipGet("posts.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(json);
        }
    }

    @Test
    void an_image_keeps_its_length_and_is_not_compressed() throws Exception {
        HttpResponse<byte[]> response = gzipGet("media/cat.png");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(response.headers().firstValue("Content-Length")).hasValue("5000");
        assertThat(response.body()).isEqualTo(image);
    }
}
