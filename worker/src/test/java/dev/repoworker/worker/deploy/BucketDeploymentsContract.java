package dev.repoworker.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.objectstore.S3Settings;
import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
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
    Deployments deployments() {
        return new Deployments(new S3DeployStore(client(), settings(BUCKET)));
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
}
