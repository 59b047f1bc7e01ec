package dev.repoworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.protocol.Env;
import dev.repoworker.testkit.S3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code ARTIFACTS_DELIVERY=redirect}: artifacts on S3 (S3Proxy) handed out as presigned URLs. */
class ArtifactRedirectTest {

    static final String BUCKET = "sites";
    static final String PREFIX = "builds/";

    @TempDir
    static Path dir;

    static S3Server s3;
    static FakeWorker worker;
    static TestApi api;
    static String jobId;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Server.start(dir.resolve("s3")).createBucket(BUCKET);
        worker = new FakeWorker();
        Map<String, String> env = new HashMap<>(s3.environment(BUCKET, PREFIX));
        env.putAll(Map.of(
                "REPO_WORKER_API_URL", worker.url(), "ARTIFACTS_DELIVERY", "redirect", "ARTIFACTS_REDIRECT_TTL", "2m"));
        api = TestApi.start(dir.resolve("api"), env);
        jobId = api.submit("build-assets", "{\"repoUrl\":\"https://git.example.test/acme/notes\"}");
        try (S3Client client = S3Clients.create(
                S3Settings.fromEnv(s3.environment(BUCKET, PREFIX)).orElseThrow())) {
            client.putObject(
                    b -> b.bucket(BUCKET).key(PREFIX + jobId + "/posts.json").contentType("application/octet-stream"),
                    RequestBody.fromString("[{\"slug\":\"one\"}]"));
            client.putObject(
                    b -> b.bucket(BUCKET).key(PREFIX + jobId + "/posts/one.html"),
                    RequestBody.fromString("<p>one</p><script>alert(1)</script>"));
        }
    }

    @AfterAll
    static void stop() {
        api.close();
        worker.close();
        s3.close();
    }

    static HttpResponse<String> get(String path, HttpClient.Redirect redirect) throws Exception {
        return HttpClient.newBuilder()
                .followRedirects(redirect)
                .build()
                .send(HttpRequest.newBuilder(URI.create(api.url(path))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void an_artifact_redirects_to_a_presigned_url_that_serves_its_bytes_with_its_content_type() throws Exception {
        HttpResponse<String> redirect =
                get("/api/cloudrun/jobs/" + jobId + "/artifacts/posts.json", HttpClient.Redirect.NEVER);

        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Cache-Control")).hasValue("no-store");
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertThat(location)
                .startsWith(s3.endpoint().toString())
                .contains("X-Amz-Signature=")
                .contains("X-Amz-Expires=120");
        HttpResponse<String> followed =
                get("/api/cloudrun/jobs/" + jobId + "/artifacts/posts.json", HttpClient.Redirect.NORMAL);
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).isEqualTo("[{\"slug\":\"one\"}]");
        assertThat(followed.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void html_is_streamed_through_the_api_with_its_sandbox_policy_never_redirected() throws Exception {
        HttpResponse<String> html =
                get("/api/cloudrun/jobs/" + jobId + "/artifacts/posts/one.html", HttpClient.Redirect.NEVER);

        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .startsWith("sandbox");
        assertThat(html.body()).contains("<p>one</p>");
    }

    @Test
    void missing_and_escaping_paths_are_refused_before_any_redirect() throws Exception {
        HttpResponse<String> missing =
                get("/api/cloudrun/jobs/" + jobId + "/artifacts/no-such.json", HttpClient.Redirect.NEVER);
        HttpResponse<String> escaping = get(
                "/api/cloudrun/jobs/" + jobId + "/artifacts/..%2F..%2Fother%2Fposts.json", HttpClient.Redirect.NEVER);

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(escaping.statusCode()).isIn(400, 404);
        assertThat(escaping.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void redirect_needs_s3_and_a_bounded_ttl() {
        assertThatThrownBy(() ->
                        ApiConfig.fromEnv(TestApi.env(dir.resolve("local"), Map.of("ARTIFACTS_DELIVERY", "redirect"))))
                .isInstanceOf(Env.InvalidConfigException.class)
                .hasMessageContaining("ARTIFACTS_DELIVERY");
        Map<String, String> tooLong = new HashMap<>(s3.environment(BUCKET, PREFIX));
        tooLong.putAll(Map.of("ARTIFACTS_DELIVERY", "redirect", "ARTIFACTS_REDIRECT_TTL", "7d"));
        assertThatThrownBy(() -> ApiConfig.fromEnv(TestApi.env(dir.resolve("long"), tooLong)))
                .isInstanceOf(Env.InvalidConfigException.class)
                .hasMessageContaining("ARTIFACTS_REDIRECT_TTL");
    }
}
