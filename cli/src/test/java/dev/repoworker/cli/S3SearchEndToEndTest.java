package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.testkit.S3Server;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.testkit.TestVault;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Semantic search on an API that has no Worker disk: the Worker embeds a repository (in a pipeline, or a standalone
 * compute-embeddings of an earlier build) and publishes to a bucket on S3Proxy; the API, with folders of its own,
 * fetches the index from the bucket and searches it.
 */
class S3SearchEndToEndTest {

    private static final String BUCKET = "sites";

    @TempDir
    Path tmp;

    private LocalCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void the_api_searches_the_index_a_worker_on_another_disk_published_to_the_bucket() throws Exception {
        ApiHttp http = startApiAndWorkerOnOneBucket();
        String id = completed(
                http,
                http.post(
                        "/api/cloudrun/jobs", Map.of("task", "process-with-repo", "data", Map.of("repoUrl", vault()))));

        assertSearchFindsTheCrashloopNote(http, id);
        try (var cached = Files.walk(tmp.resolve("api-data").resolve("search-cache"))) {
            assertThat(cached.anyMatch(p -> p.getFileName().toString().equals(id)))
                    .isTrue();
        }
    }

    @Test
    void the_api_searches_the_index_a_standalone_compute_embeddings_published_to_the_bucket() throws Exception {
        ApiHttp http = startApiAndWorkerOnOneBucket();
        String build = completed(
                http,
                http.post("/api/cloudrun/jobs", Map.of("task", "build-assets", "data", Map.of("repoUrl", vault()))));
        String embed = completed(
                http,
                http.post(
                        "/api/cloudrun/jobs",
                        Map.of("task", "compute-embeddings", "data", Map.of("artifactsOf", build))));

        assertSearchFindsTheCrashloopNote(http, embed);
    }

    private ApiHttp startApiAndWorkerOnOneBucket() throws Exception {
        cluster = new LocalCluster(tmp);
        S3Server s3 = cluster.add(S3Server.start(tmp.resolve("s3")).createBucket(BUCKET));
        return cluster.api(
                "api", cluster.worker("worker", s3.environment(BUCKET, "builds/")), s3.environment(BUCKET, "builds/"));
    }

    private String vault() {
        TestRepos.Repo repo = TestRepos.init(tmp.resolve("vault"));
        for (TestVault.Note note : TestVault.notes()) {
            StringBuilder markdown = new StringBuilder("# " + note.title() + "\n\n");
            for (String[] section : note.sections()) {
                markdown.append("## ")
                        .append(section[0])
                        .append("\n\n")
                        .append(section[1])
                        .append("\n\n");
            }
            repo.write(note.slug() + ".md", markdown.toString());
        }
        repo.commit("notes");
        return repo.fileUrl();
    }

    /** The id of the job {@code created} made, once it completed. */
    private static String completed(ApiHttp http, HttpResponse<String> created) throws Exception {
        String id = ApiHttp.json(created).path("id").asText();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> http.job(id).path("status").asText().matches("completed|failed"));
        assertThat(http.job(id).path("status").asText())
                .as(http.job(id).toString())
                .isEqualTo("completed");
        return id;
    }

    private void assertSearchFindsTheCrashloopNote(ApiHttp http, String id) throws Exception {
        HttpResponse<String> found = http.get("/api/cloudrun/jobs/" + id + "/search?k=3&q="
                + URLEncoder.encode("my container keeps restarting", StandardCharsets.UTF_8));

        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        JsonNode hits = ApiHttp.json(found);
        assertThat(hits).hasSize(3);
        assertThat(hits.get(0).path("slug").asText()).isEqualTo("kubernetes-crashloop");
        assertThat(tmp.resolve("api-artifacts").resolve(id)).doesNotExist();
    }
}
