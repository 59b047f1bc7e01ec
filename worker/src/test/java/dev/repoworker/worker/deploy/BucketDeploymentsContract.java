package dev.repoworker.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.testkit.ManualClock;
import dev.repoworker.worker.task.TaskFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The contract on a real S3 API, and what only a bucket has to keep (errors that name the bucket and S3's code). */
abstract class BucketDeploymentsContract extends DeploymentsContract {

    static final String BUCKET = "deploys";
    static final String PREFIX = "sites/";

    private S3Client client;

    /** The variables that point a Worker at {@code bucket} on the server under test. */
    abstract Map<String, String> environment(String bucket);

    S3Settings settings(String bucket) {
        return S3Settings.fromEnv(environment(bucket)).orElseThrow();
    }

    S3Client client() {
        if (client == null) {
            client = S3Clients.create(settings(BUCKET));
        }
        return client;
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    Deployments deployments(int keep, Clock clock) {
        return new Deployments(new S3DeployStore(client(), settings(BUCKET)), keep, clock);
    }

    @Override
    Deployments broken() {
        return new Deployments(new S3DeployStore(client(), settings("no-such-bucket")));
    }

    @Override
    Optional<byte[]> read(String key) {
        try {
            return Optional.of(client().getObjectAsBytes(b -> b.bucket(BUCKET).key(PREFIX + key))
                    .asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    String kind() {
        return "s3";
    }

    @Override
    void write(String key, byte[] bytes) {
        client().putObject(b -> b.bucket(BUCKET).key(PREFIX + key), RequestBody.fromBytes(bytes));
    }

    @Override
    List<String> keys(String folder) {
        return client().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + folder)).contents().stream()
                .map(o -> o.key().substring(PREFIX.length()))
                .toList();
    }

    private static String shared(String project, String medium) {
        return "projects/" + project + "/_shared/medias/" + medium.substring("media/".length());
    }

    @Override
    boolean sharesMedia() {
        return true;
    }

    @Test
    void a_bucket_that_does_not_exist_fails_the_deploy_naming_the_bucket_and_the_s3_error_code() throws Exception {
        String project = newProject();
        Path dir = artifacts("job-1");

        assertThatThrownBy(() -> broken().publish(project, "job-1", dir, T, 1))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("bucket no-such-bucket")
                .hasMessageContaining("NoSuchBucket");
    }

    @Test
    void the_pointer_is_under_the_prefix_and_readers_are_told_not_to_cache_it() throws Exception {
        String project = newProject();

        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);

        assertThat(client().headObject(b -> b.bucket(BUCKET).key(PREFIX + "projects/" + project + "/active.json"))
                        .cacheControl())
                .isEqualTo("no-cache");
    }

    @Test
    void shared_media_no_kept_deploy_holds_are_deleted_once_older_than_an_hour_and_the_others_stay() throws Exception {
        String project = newProject();
        String unused = "media/" + "ef".repeat(32) + "-400.webp";
        ManualClock clock = ManualClock.fromNow();
        clock.advance(Duration.ofHours(2));
        Path first = artifacts("job-1");
        Files.writeString(first.resolve(unused), "only job-1 shows this");
        deployments(1, clock).publish(project, "job-1", first, T, 1);

        PublishedDeploy second =
                deployments(1, clock).publish(project, "job-2", artifacts("job-2"), T.plusSeconds(1), 1);

        assertThat(second.stats().pruned()).isEqualTo(1);
        assertThat(second.stats().sharedPruned()).isEqualTo(1);
        assertThat(read(shared(project, unused))).isEmpty();
        assertThat(read(shared(project, MEDIUM))).get().isEqualTo(MEDIUM_BYTES);
        assertThat(read("projects/" + project + "/job-2/" + MEDIUM)).get().isEqualTo(MEDIUM_BYTES);
        assertThat(folders(project)).containsExactly("_shared", "job-2");
        assertThat(activeJob(project)).isEqualTo("job-2");
    }

    @Test
    void a_shared_medium_younger_than_an_hour_stays_though_no_deploy_holds_it() throws Exception {
        String project = newProject();
        String unused = "media/" + "ef".repeat(32) + "-400.webp";
        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);
        Instant published = Instant.now();
        // 3 s apart, so that the hour's end falls between them even on a server that keeps whole seconds
        Thread.sleep(3_000);
        // what a deploy still in flight on another Worker has just shared
        write(shared(project, unused), "in flight".getBytes(StandardCharsets.UTF_8));
        ManualClock clock = ManualClock.at(published.plus(Duration.ofHours(1)).plusMillis(1_500));

        PublishedDeploy second =
                deployments(1, clock).publish(project, "job-2", artifacts("job-2"), T.plusSeconds(1), 1);

        assertThat(second.stats().pruned()).isEqualTo(1);
        assertThat(second.stats().sharedPruned()).isZero();
        assertThat(read(shared(project, unused))).isPresent();
        assertThat(folders(project)).containsExactly("_shared", "job-2");
    }

    @Test
    void a_shared_medium_deleted_between_the_listing_and_the_copy_is_written_again() throws Exception {
        String project = newProject();
        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);
        String sharedKey = PREFIX + shared(project, MEDIUM);
        AtomicBoolean prunedMeanwhile = new AtomicBoolean();
        // another Worker's pruning, right after this deploy listed _shared/medias/ and saw the medium there
        ExecutionInterceptor pruning = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof ListObjectsV2Request list
                        && list.prefix().endsWith("_shared/medias/")
                        && prunedMeanwhile.compareAndSet(false, true)) {
                    client().deleteObject(b -> b.bucket(BUCKET).key(sharedKey));
                }
            }
        };
        try (S3Client racing = S3Clients.builder(settings(BUCKET))
                .overrideConfiguration(o -> o.addExecutionInterceptor(pruning))
                .build()) {
            PublishedDeploy second = new Deployments(new S3DeployStore(racing, settings(BUCKET)))
                    .publish(project, "job-2", artifacts("job-2"), T.plusSeconds(1), 1);

            assertThat(prunedMeanwhile).isTrue();
            assertThat(second.stats().mediaUploaded()).isEqualTo(1);
            assertThat(second.stats().mediaReused()).isZero();
        }
        assertThat(read("projects/" + project + "/job-2/" + MEDIUM)).get().isEqualTo(MEDIUM_BYTES);
        assertThat(read(shared(project, MEDIUM))).get().isEqualTo(MEDIUM_BYTES);
        assertThat(activeJob(project)).isEqualTo("job-2");
    }

    @Test
    void a_pruning_that_fails_leaves_the_deploy_published_and_active() throws Exception {
        String project = newProject();
        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);
        ExecutionInterceptor refuseDeletes = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof DeleteObjectsRequest
                        || context.request() instanceof DeleteObjectRequest delete
                                && delete.key().contains("/job-1/")) {
                    throw SdkClientException.create("this test refuses to delete job-1");
                }
            }
        };
        try (S3Client refusing = S3Clients.builder(settings(BUCKET))
                .overrideConfiguration(o -> o.addExecutionInterceptor(refuseDeletes))
                .build()) {
            PublishedDeploy second = new Deployments(
                            new S3DeployStore(refusing, settings(BUCKET)), 1, Clock.systemUTC())
                    .publish(project, "job-2", artifacts("job-2"), T.plusSeconds(1), 1);

            assertThat(second.active()).isTrue();
            assertThat(second.stats().pruned()).isZero();
            assertThat(second.stats().sharedPruned()).isZero();
        }
        assertThat(activeJob(project)).isEqualTo("job-2");
        assertThat(text("projects/" + project + "/job-2/posts.json")).contains("[\"job-2\"]");
        assertThat(read("projects/" + project + "/job-1/manifest.json")).isPresent();
    }
}
