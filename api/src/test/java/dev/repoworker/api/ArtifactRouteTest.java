package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/cloudrun/jobs/{id}/artifacts[/{path}]} over files this test writes under ARTIFACTS_DIR. */
class ArtifactRouteTest {

    private static final String OUTSIDE = "outside-the-job-folder";

    @TempDir
    static Path dir;

    static Path artifacts;
    static TestApi api;
    static String jobId;

    @BeforeAll
    static void start() throws Exception {
        artifacts = dir.resolve("artifacts");
        api = TestApi.start(dir.resolve("data"), Map.of("ARTIFACTS_DIR", artifacts.toString()));
        jobId = api.submit("acquire-user-repo", "{\"repoUrl\":\"https://github.com/o/r\"}");
        Path job = Files.createDirectories(artifacts.resolve(jobId));
        Files.writeString(job.resolve("manifest.json"), "{\"files\":[]}");
        Files.writeString(job.resolve("posts.json"), "[{\"slug\":\"hello\"}]");
        Files.createDirectories(job.resolve("media"));
        Files.write(job.resolve("media/cat.webp"), new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'});
        Files.writeString(job.resolve("media/odd name.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static TestApi.Response artifact(String path) {
        return api.get("/api/cloudrun/jobs/" + jobId + "/artifacts/" + path);
    }

    @Test
    void files_are_served_with_their_content_type_and_safe_headers() {
        TestApi.Response posts = artifact("posts.json");
        TestApi.Response image = artifact("media/cat.webp");
        TestApi.Response svg = artifact("media/odd%20name.svg");

        assertThat(posts.status()).isEqualTo(200);
        assertThat(posts.contentType()).startsWith("application/json");
        assertThat(posts.body()).isEqualTo("[{\"slug\":\"hello\"}]");
        assertThat(image.status()).isEqualTo(200);
        assertThat(image.contentType()).isEqualTo("image/webp");
        assertThat(svg.status()).isEqualTo(200);
        assertThat(svg.contentType()).startsWith("image/svg+xml");
    }

    @Test
    void repository_content_is_served_sandboxed_so_it_never_runs_as_this_origin() throws Exception {
        java.net.http.HttpResponse<String> svg = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        api.url("/api/cloudrun/jobs/" + jobId + "/artifacts/media/odd%20name.svg")))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("sandbox")
                .contains("default-src 'none'")
                .doesNotContain("script-src");
        assertThat(svg.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void the_listing_names_every_file_with_its_url() {
        TestApi.Response list = api.get("/api/cloudrun/jobs/" + jobId + "/artifacts");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("artifacts").findValuesAsText("path"))
                .contains("manifest.json", "posts.json", "media/cat.webp", "media/odd name.svg");
        assertThat(list.json().path("artifacts").findValuesAsText("url"))
                .contains("/api/cloudrun/jobs/" + jobId + "/artifacts/media/odd%20name.svg");
    }

    @Test
    void missing_files_and_unknown_jobs_are_404() {
        assertThat(artifact("nope.json").status()).isEqualTo(404);
        assertThat(artifact("media").status()).isEqualTo(404);
        assertThat(api.get("/api/cloudrun/jobs/unknown-job/artifacts/posts.json")
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/cloudrun/jobs/unknown-job/artifacts").status()).isEqualTo(404);
    }

    @Test
    void traversal_attempts_are_refused() throws Exception {
        Files.writeString(artifacts.resolve("secret.txt"), OUTSIDE);
        Files.writeString(dir.resolve("secret.txt"), OUTSIDE);

        for (String path : List.of(
                "../secret.txt",
                "..%2fsecret.txt",
                "%2e%2e/secret.txt",
                "%2e%2e%2fsecret.txt",
                "media/../../secret.txt",
                "%2Fetc%2Fpasswd",
                "/etc/passwd",
                "..%5csecret.txt",
                "media/..%2f..%2fsecret.txt",
                "%2e%2e/%2e%2e/secret.txt")) {
            String raw = rawGet("/api/cloudrun/jobs/" + jobId + "/artifacts/" + path);
            assertThat(raw).as(path).doesNotContain(OUTSIDE).doesNotContain("root:");
            assertThat(raw).as(path).matches("(?s)HTTP/1\\.1 (400|404).*");
        }
    }

    @Test
    void a_symbolic_link_out_of_the_job_folder_is_not_followed() throws Exception {
        Files.writeString(dir.resolve("linked-secret.txt"), OUTSIDE);
        Files.createSymbolicLink(artifacts.resolve(jobId).resolve("link.txt"), dir.resolve("linked-secret.txt"));

        assertThat(artifact("link.txt").status()).isEqualTo(404);
        assertThat(api.get("/api/cloudrun/jobs/" + jobId + "/artifacts").body()).doesNotContain("link.txt");
    }

    /** The request line exactly as written, which no client library would normalise. */
    private static String rawGet(String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
