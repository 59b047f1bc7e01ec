package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.S3Server;
import dev.repoworker.testkit.TestRepos;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API and a Worker that share no folder (each its own ARTIFACTS_DIR, DATA_DIR and TEMP_DIR), both pointed at
 * one bucket on S3Proxy: what the Worker builds, the API serves from the bucket.
 */
class S3ArtifactsEndToEndTest {

    private static final String BUCKET = "sites";

    @TempDir
    Path tmp;

    private LocalCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    /** A Worker and an API on S3Proxy's {@code bucket}, each with folders of its own. */
    private ApiHttp startBoth(String bucket) {
        cluster = new LocalCluster(tmp);
        S3Server s3 = cluster.add(S3Server.start(tmp.resolve("s3")).createBucket(BUCKET));
        Map<String, String> bucketEnv = s3.environment(bucket, "builds/");
        return cluster.api("api", cluster.worker("worker", bucketEnv), bucketEnv);
    }

    private TestRepos.Repo notes() {
        return TestRepos.withFiles(
                tmp.resolve("notes"), Map.of("index.md", "# Home\n\nSee [[one]].\n", "one.md", "# One\n\nHello.\n"));
    }

    @Test
    void the_api_serves_from_the_bucket_what_a_worker_on_another_disk_built() throws Exception {
        ApiHttp http = startBoth(BUCKET);
        TestRepos.Repo repo = notes();

        HttpResponse<String> created = http.post(
                "/api/cloudrun/jobs", Map.of("task", "build-assets", "data", Map.of("repoUrl", repo.fileUrl())));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = ApiHttp.json(created).path("id").asText();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> http.job(id).path("status").asText().equals("completed"));
        JsonNode job = http.job(id);
        assertThat(job.path("result").path("manifest").path("location").asText())
                .isEqualTo("s3://" + BUCKET + "/builds/" + id + "/manifest.json");

        HttpResponse<String> posts = http.get("/api/cloudrun/jobs/" + id + "/artifacts/posts.json");
        assertThat(posts.statusCode()).isEqualTo(200);
        assertThat(posts.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(posts.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .startsWith("sandbox");
        assertThat(posts.body()).contains("one");
        HttpResponse<String> manifest = http.get("/api/cloudrun/jobs/" + id + "/artifacts/manifest.json");
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(manifest.body()).path("entries").toString())
                .contains("posts.json");
        HttpResponse<String> listing = http.get("/api/cloudrun/jobs/" + id + "/artifacts");
        assertThat(ApiHttp.json(listing).path("artifacts").toString())
                .contains("posts.json")
                .contains("manifest.json");
        assertThat(http.get("/api/cloudrun/jobs/" + id + "/artifacts/..%2Fmanifest.json")
                        .statusCode())
                .isIn(400, 404);
        assertThat(http.get("/api/cloudrun/jobs/" + id + "/artifacts/no-such.json")
                        .statusCode())
                .isEqualTo(404);
        assertThat(tmp.resolve("api-artifacts").resolve(id)).doesNotExist();
        assertThat(Files.exists(tmp.resolve("worker-artifacts").resolve(id).resolve("posts.json")))
                .isTrue();
    }

    @Test
    void a_bucket_that_does_not_exist_fails_the_job_naming_the_bucket_and_the_s3_error_code() throws Exception {
        ApiHttp http = startBoth("no-such-bucket");
        TestRepos.Repo repo = notes();

        HttpResponse<String> created = http.post(
                "/api/cloudrun/jobs", Map.of("task", "build-assets", "data", Map.of("repoUrl", repo.fileUrl())));

        String id = ApiHttp.json(created).path("id").asText();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> http.job(id).path("status").asText().equals("failed"));
        assertThat(http.job(id).path("error").toString())
                .contains("bucket no-such-bucket")
                .contains("NoSuchBucket");
    }
}
