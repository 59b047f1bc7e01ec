package dev.repoworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.S3Server;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two real Workers, each with its own disk, on one bucket (S3Proxy): a build made on one is embedded and enriched
 * on the other ({@code artifactsOf}), with the result the building Worker gives.
 */
class ArtifactsOfAnyWorkerTest {

    private static final String SECRET = Signatures.newSecret();
    private static final String BUCKET = "artifacts";
    private static final String PREFIX = "jobs/";

    @TempDir
    static Path temp;

    static S3Server s3;
    static CallbackReceiver receiver;
    static WorkerApp builder;
    static WorkerApp other;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Server.start(temp.resolve("s3")).createBucket(BUCKET);
        receiver = CallbackReceiver.verifying(SECRET);
        builder = worker("one");
        other = worker("two");
        TestRepos.Repo repo = TestRepos.init(temp.resolve("vault"));
        repo.write("alpha.md", PipelinesTest.ALPHA);
        repo.write("beta.md", PipelinesTest.BETA);
        repo.write("notes/gamma.md", PipelinesTest.GAMMA);
        repo.commit("notes");
        JsonNode built = run(builder, "build-1", "build-assets", Map.of("repoUrl", repo.fileUrl()));
        assertThat(built.path("status").asText()).as(built.toString()).isEqualTo("completed");
    }

    @AfterAll
    static void stop() {
        other.stop();
        builder.stop();
        receiver.close();
        s3.close();
    }

    private static WorkerApp worker(String name) {
        Map<String, String> env = TestWorkers.env(SECRET, temp.resolve(name).resolve("tmp"));
        env.put("ARTIFACTS_DIR", temp.resolve(name).resolve("artifacts").toString());
        env.put("EMBEDDINGS_CACHE_DIR", temp.resolve(name).resolve("cache").toString());
        env.put("CACHE_DIR", temp.resolve(name).resolve("cache").toString());
        env.putAll(s3.environment(BUCKET, PREFIX));
        return TestWorkers.start(env);
    }

    /** Posts the job and returns its final callback's body. */
    private static JsonNode run(WorkerApp worker, String jobId, String task, Map<String, Object> data)
            throws Exception {
        assertThat(new SignedHttp(worker.port(), SECRET)
                        .post(
                                "/process",
                                Map.of("jobId", jobId, "task", task, "callbackUrl", receiver.url(), "data", data))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(120))
                .until(() -> receiver.receivedFor(jobId).stream()
                        .anyMatch(r -> !r.status().equals("running")));
        return receiver.receivedFor(jobId).stream()
                .filter(r -> !r.status().equals("running"))
                .findFirst()
                .orElseThrow()
                .body();
    }

    private static Path artifacts(String worker, String jobId, String file) {
        return temp.resolve(worker).resolve("artifacts").resolve(jobId).resolve(file);
    }

    /** The result without what names the job or measures time. */
    private static JsonNode comparable(JsonNode body, String... jobFields) {
        ObjectNode result = body.path("result").deepCopy();
        result.remove("durationMs");
        result.remove(List.of(jobFields));
        return result;
    }

    @Test
    void compute_embeddings_of_a_build_made_on_another_worker_gives_the_builders_result() throws Exception {
        JsonNode here = run(builder, "embed-here", "compute-embeddings", Map.of("artifactsOf", "build-1"));
        JsonNode there = run(other, "embed-there", "compute-embeddings", Map.of("artifactsOf", "build-1"));

        assertThat(here.path("status").asText()).as(here.toString()).isEqualTo("completed");
        assertThat(there.path("status").asText()).as(there.toString()).isEqualTo("completed");
        assertThat(there.path("result").path("posts").asInt()).isEqualTo(3);
        assertThat(comparable(there, "artifacts", "related")).isEqualTo(comparable(here, "artifacts", "related"));
        assertThat(artifacts("two", "embed-there", "related.json"))
                .hasSameTextualContentAs(artifacts("one", "embed-here", "related.json"));
        assertThat(artifacts("two", "build-1", "posts.json"))
                .as("the build was read into the job's workspace, not copied into the artifacts")
                .doesNotExist();
    }

    @Test
    void enrich_data_of_a_build_made_on_another_worker_gives_the_builders_result() throws Exception {
        JsonNode here = run(builder, "enrich-here", "enrich-data", Map.of("artifactsOf", "build-1"));
        JsonNode there = run(other, "enrich-there", "enrich-data", Map.of("artifactsOf", "build-1"));

        assertThat(here.path("status").asText()).as(here.toString()).isEqualTo("completed");
        assertThat(there.path("status").asText()).as(there.toString()).isEqualTo("completed");
        assertThat(there.path("result").path("posts").asInt()).isEqualTo(3);
        assertThat(there.path("result").path("healthProblems").asInt()).isPositive();
        assertThat(comparable(there, "manifest")).isEqualTo(comparable(here, "manifest"));
        for (String file : List.of("enriched.json", "tags.json", "health.json", "schema.json", "posts.json")) {
            assertThat(artifacts("two", "enrich-there", file))
                    .as(file)
                    .hasSameTextualContentAs(artifacts("one", "enrich-here", file));
        }
    }

    @Test
    void a_job_that_exists_nowhere_fails_saying_so() throws Exception {
        JsonNode embed = run(other, "embed-missing", "compute-embeddings", Map.of("artifactsOf", "no-such-build"));
        JsonNode enrich = run(other, "enrich-missing", "enrich-data", Map.of("artifactsOf", "no-such-build"));

        assertThat(List.of(embed, enrich)).allSatisfy(body -> {
            assertThat(body.path("status").asText()).isEqualTo("failed");
            assertThat(body.path("error").asText())
                    .isEqualTo("no artifacts for job no-such-build (data.artifactsOf): run build-assets first");
        });
    }

    @Test
    void a_build_whose_manifest_is_not_in_the_bucket_is_not_published_and_fails_the_job() throws Exception {
        S3Settings settings = S3Settings.fromEnv(s3.environment(BUCKET, PREFIX)).orElseThrow();
        try (S3Client client = S3Clients.create(settings)) {
            client.putObject(b -> b.bucket(BUCKET).key(PREFIX + "half-built/posts.json"), RequestBody.fromString("[]"));
        }

        JsonNode embed = run(other, "embed-half", "compute-embeddings", Map.of("artifactsOf", "half-built"));

        assertThat(embed.path("status").asText()).isEqualTo("failed");
        assertThat(embed.path("error").asText())
                .isEqualTo("the artifacts of job half-built (data.artifactsOf) are not published: the bucket holds no"
                        + " manifest.json for them (still publishing, or that job failed)");
    }
}
