package dev.repoworker.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.testkit.S3Server;
import dev.repoworker.worker.artifacts.LocalArtifactStore;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.artifacts.S3ArtifactStore;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A deploy of artifacts the artifact store already published to the same bucket copies them server-side: the bytes go
 * up once. Measured with the requests the Worker's client sends (S3Proxy).
 */
class S3DeployCopyTest {

    private static final String BUCKET = "sites";
    private static final String PREFIX = "p/";
    private static final Instant T = Instant.parse("2026-06-01T10:00:00Z");
    private static final String MEDIUM = "media/" + "cd".repeat(32) + "-800.webp";

    @TempDir
    Path temp;

    private S3Server server;
    private S3Client client;
    private S3Settings settings;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final LongAdder bytesSent = new LongAdder();

    @BeforeEach
    void start() {
        server = S3Server.start(temp.resolve("s3")).createBucket(BUCKET);
        settings = S3Settings.fromEnv(server.environment(BUCKET, PREFIX)).orElseThrow();
        client = S3Clients.builder(settings)
                .overrideConfiguration(o -> o.addExecutionInterceptor(new Counter()))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    /** Counts each operation and the request bodies' bytes. */
    private final class Counter implements ExecutionInterceptor {
        @Override
        public void afterMarshalling(Context.AfterMarshalling context, ExecutionAttributes attributes) {
            calls.computeIfAbsent(context.request().getClass().getSimpleName(), k -> new LongAdder())
                    .increment();
            context.requestBody().flatMap(body -> body.optionalContentLength()).ifPresent(bytesSent::add);
        }
    }

    private long count(String operation) {
        LongAdder adder = calls.get(operation + "Request");
        return adder == null ? 0 : adder.sum();
    }

    private void resetCounts() {
        calls.clear();
        bytesSent.reset();
    }

    /** A job's published artifacts: posts.json, two pages and one content-hashed medium, 100 KB each. */
    private StoredArtifacts publishedBuild(S3ArtifactStore store, String jobId) throws Exception {
        Path dir = store.open(jobId);
        Random random = new Random(7);
        for (String path : new String[] {"posts.json", "posts/a.html", "posts/b.html", MEDIUM}) {
            Files.createDirectories(dir.resolve(path).getParent());
            byte[] bytes = new byte[100_000];
            random.nextBytes(bytes);
            Files.write(dir.resolve(path), bytes);
        }
        return store.publish(jobId, dir);
    }

    @Test
    void a_deploy_of_published_artifacts_copies_them_and_puts_only_its_manifest_and_the_pointer() throws Exception {
        S3ArtifactStore artifacts =
                new S3ArtifactStore(new LocalArtifactStore(temp.resolve("local")), client, settings);
        Deployments deployments = new Deployments(new S3DeployStore(client, settings));
        StoredArtifacts uploaded = publishedBuild(artifacts, "job-up");
        StoredArtifacts copied = publishedBuild(artifacts, "job-copy");
        Path local = temp.resolve("local");

        resetCounts();
        PublishedDeploy byUpload = deployments.publish("by-upload", "job-up", local.resolve("job-up"), T, 2);
        long putsByUpload = count("PutObject");
        long bytesByUpload = bytesSent.sum();
        resetCounts();
        PublishedDeploy byCopy =
                deployments.publish("by-copy", "job-copy", local.resolve("job-copy"), T, 2, Optional.of(copied));
        long putsByCopy = count("PutObject");
        long bytesByCopy = bytesSent.sum();

        // before: 3 files + 1 new medium + manifest + pointer put; after: manifest + pointer
        assertThat(putsByUpload).isEqualTo(6);
        assertThat(putsByCopy).isEqualTo(2);
        assertThat(count("CopyObject"))
                .as("3 files, the medium into _shared and into the deploy")
                .isEqualTo(5);
        assertThat(bytesByUpload).isGreaterThan(400_000);
        assertThat(bytesByCopy).isLessThan(2_000);
        assertThat(byCopy.stats()).isEqualTo(byUpload.stats());
        assertThat(uploaded.bytes()).isEqualTo(copied.bytes());
        assertThat(deployFolder("by-copy", "job-copy")).isEqualTo(deployFolder("by-upload", "job-up"));
    }

    @Test
    void artifacts_published_elsewhere_or_not_these_are_uploaded() throws Exception {
        S3ArtifactStore artifacts =
                new S3ArtifactStore(new LocalArtifactStore(temp.resolve("local")), client, settings);
        Deployments deployments = new Deployments(new S3DeployStore(client, settings));
        StoredArtifacts published = publishedBuild(artifacts, "job-1");
        Path dir = temp.resolve("local").resolve("job-1");

        resetCounts();
        deployments.publish(
                "other-bucket",
                "job-1",
                dir,
                T,
                2,
                Optional.of(new StoredArtifacts(
                        "s3", "s3://another/p/job-1/manifest.json", published.files(), published.bytes())));
        assertThat(count("PutObject"))
                .as("3 files, the medium, manifest, pointer")
                .isEqualTo(6);

        Files.writeString(dir.resolve("posts/c.html"), "written after the artifacts were published");
        resetCounts();
        deployments.publish("changed-since", "job-1", dir, T, 2, Optional.of(published));
        assertThat(count("PutObject"))
                .as("4 files, the medium, manifest, pointer")
                .isEqualTo(7);
    }

    /** Every object of the deploy's folder: path → size, type, Cache-Control, sha256 of the bytes. */
    private Map<String, String> deployFolder(String project, String jobId) {
        String folder = PREFIX + "projects/" + project + "/" + jobId + "/";
        Map<String, String> objects = new TreeMap<>();
        for (S3Object object : client.listObjectsV2Paginator(
                        b -> b.bucket(BUCKET).prefix(folder))
                .contents()) {
            String path = object.key().substring(folder.length());
            if (path.equals("manifest.json")) {
                continue;
            }
            HeadObjectResponse head = client.headObject(b -> b.bucket(BUCKET).key(object.key()));
            byte[] bytes = client.getObjectAsBytes(b -> b.bucket(BUCKET).key(object.key()))
                    .asByteArray();
            objects.put(
                    path,
                    object.size() + " " + head.contentType() + " " + head.cacheControl() + " "
                            + Manifest.sha256(bytes));
        }
        return objects;
    }
}
