package dev.repoworker.worker.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The contract on S3Proxy (a real S3 API, in-process), and what only object storage has to keep. */
class S3ArtifactStoreTest extends ArtifactStoreContract {

    private static final String BUCKET = "artifacts";
    private static final String PREFIX = "sites/";

    @TempDir
    static Path shared;

    private static S3Server server;

    @TempDir
    Path temp;

    private final List<String> puts = new CopyOnWriteArrayList<>();
    private volatile String failOnKeyEnding;
    private S3Client client;
    private S3ArtifactStore store;

    @BeforeAll
    static void startS3() {
        server = S3Server.start(shared.resolve("s3")).createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() {
        server.close();
    }

    @BeforeEach
    void createStore() {
        store = storeOn(BUCKET);
    }

    private S3ArtifactStore storeOn(String bucket) {
        S3Settings settings =
                S3Settings.fromEnv(server.environment(bucket, PREFIX)).orElseThrow();
        client = S3Clients.builder(settings)
                .overrideConfiguration(o -> o.addExecutionInterceptor(new Recorder()))
                .build();
        return new S3ArtifactStore(new LocalArtifactStore(temp.resolve("staging")), client, settings);
    }

    /** Sees every request the store makes; fails an upload on demand, as a network error would. */
    private final class Recorder implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof PutObjectRequest put) {
                if (failOnKeyEnding != null && put.key().endsWith(failOnKeyEnding)) {
                    throw SdkClientException.create("connection reset (test)");
                }
                puts.add(put.key());
            }
        }
    }

    @Override
    ArtifactStore store() {
        return store;
    }

    @Override
    Optional<byte[]> read(String jobId, String path) {
        try {
            return Optional.of(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(PREFIX + jobId + "/" + path))
                    .asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    List<String> paths(String jobId) {
        String folder = PREFIX + jobId + "/";
        return client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(folder)).contents().stream()
                .map(o -> o.key().substring(folder.length()))
                .toList();
    }

    private HeadObjectResponse head(String jobId, String path) {
        return client.headObject(b -> b.bucket(BUCKET).key(PREFIX + jobId + "/" + path));
    }

    @Test
    void the_manifest_is_uploaded_after_every_file_it_lists() throws IOException {
        String jobId = newJobId();
        Path dir = store.open(jobId);
        write(dir, sampleFiles());

        store.publish(jobId, dir);

        assertThat(puts).hasSize(5);
        assertThat(puts.getLast()).isEqualTo(PREFIX + jobId + "/manifest.json");
        assertThat(puts.subList(0, 4)).noneMatch(key -> key.endsWith("manifest.json"));
    }

    @Test
    void an_upload_failing_midway_leaves_no_manifest_not_even_the_earlier_one() throws IOException {
        String jobId = newJobId();
        Path dir = store.open(jobId);
        write(dir, sampleFiles());
        store.publish(jobId, dir);
        failOnKeyEnding = "posts.json";

        Path again = store.open(jobId);
        write(again, sampleFiles());

        assertThatThrownBy(() -> store.publish(jobId, again))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("bucket " + BUCKET);
        assertThat(read(jobId, "manifest.json")).isEmpty();
    }

    @Test
    void content_types_and_cache_control_are_set_by_kind_of_file() throws IOException {
        String jobId = newJobId();
        Path dir = store.open(jobId);
        write(dir, sampleFiles());

        store.publish(jobId, dir);

        HeadObjectResponse posts = head(jobId, "posts.json");
        assertThat(posts.contentType()).isEqualTo("application/json");
        assertThat(posts.cacheControl()).isEqualTo("public,max-age=60");
        HeadObjectResponse html = head(jobId, "posts/hello.html");
        // S3Proxy (Jetty) gives the type back as text/html;charset=UTF-8: the same type
        assertThat(html.contentType().replace(" ", "").toLowerCase()).isEqualTo("text/html;charset=utf-8");
        HeadObjectResponse media = head(jobId, "media/" + "ab".repeat(32) + "-small.webp");
        assertThat(media.contentType()).isEqualTo("image/webp");
        assertThat(media.cacheControl()).isEqualTo("public,max-age=31536000,immutable");
        assertThat(head(jobId, "manifest.json").cacheControl()).isEqualTo("public,max-age=60");
    }

    @Test
    void the_location_is_the_manifest_in_the_bucket_never_a_local_path() throws IOException {
        String jobId = newJobId();
        Path dir = store.open(jobId);
        write(dir, sampleFiles());

        StoredArtifacts stored = store.publish(jobId, dir);

        assertThat(Json.mapper().convertValue(stored, Map.class))
                .containsEntry("store", "s3")
                .containsEntry("location", "s3://" + BUCKET + "/" + PREFIX + jobId + "/manifest.json");
    }

    @Test
    void a_large_file_goes_up_in_parts_and_reads_back_whole() throws IOException {
        String jobId = newJobId();
        Path dir = store.open(jobId);
        byte[] big = new byte[(int) S3Objects.MULTIPART_THRESHOLD + 3 * 1024 * 1024 + 7];
        new java.util.Random(18).nextBytes(big);
        Files.write(dir.resolve("embeddings.bin"), big);

        store.publish(jobId, dir);

        assertThat(read(jobId, "embeddings.bin")).get().isEqualTo(big);
    }

    @Test
    void a_bucket_that_does_not_exist_fails_the_publish_naming_the_bucket_and_the_s3_error_code() throws IOException {
        S3ArtifactStore missing = storeOn("no-such-bucket");
        String jobId = newJobId();
        Path dir = missing.open(jobId);
        write(dir, sampleFiles());

        assertThatThrownBy(() -> missing.publish(jobId, dir))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("bucket no-such-bucket")
                .hasMessageContaining("NoSuchBucket");
    }

    @Test
    void refused_credentials_fail_the_publish_naming_the_bucket_and_the_s3_error_code() throws IOException {
        S3Settings settings =
                S3Settings.fromEnv(server.environment(BUCKET, PREFIX)).orElseThrow();
        S3Client wrong = S3Clients.builder(settings)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("intruder", "not-the-secret")))
                .build();
        S3ArtifactStore refused = new S3ArtifactStore(new LocalArtifactStore(temp.resolve("refused")), wrong, settings);
        String jobId = newJobId();
        Path dir = refused.open(jobId);
        write(dir, sampleFiles());

        assertThatThrownBy(() -> refused.publish(jobId, dir))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("bucket " + BUCKET)
                .hasMessageContaining("InvalidAccessKeyId")
                .hasMessageNotContaining("not-the-secret");
        assertThat(paths(jobId)).isEmpty();
    }

    @Test
    void a_file_whose_name_would_make_a_key_leave_the_job_folder_is_refused_and_nothing_is_uploaded()
            throws IOException {
        String jobId = newJobId();
        Path dir = store.open(jobId);
        write(dir, Map.of("posts.json", "[]", "..\\..\\escape.json", "{}"));

        assertThatThrownBy(() -> store.publish(jobId, dir))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("would leave");
        assertThat(paths(jobId)).isEmpty();
    }

    @Test
    void keys_that_would_escape_the_prefix_are_refused() {
        for (String path : List.of("../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", "./a", "c:x", "a\u0000b")) {
            assertThatThrownBy(() -> ObjectKeys.key(PREFIX, "job-1", path))
                    .as(path)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ObjectKeys.jobFolder(PREFIX, "..")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ObjectKeys.key(PREFIX, "job-1", "media/a.webp")).isEqualTo("sites/job-1/media/a.webp");
    }
}
