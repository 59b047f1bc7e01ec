package dev.repoworker.worker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.testkit.S3Server;
import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** The contract on S3Proxy (testkit {@link S3Server}), which checks signatures but ignores conditional writes. */
class S3ProxyDeploymentsTest extends BucketDeploymentsContract {

    @TempDir
    static Path shared;

    private static S3Server server;

    @BeforeAll
    static void startS3() {
        server = S3Server.start(shared.resolve("s3")).createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() {
        server.close();
    }

    @Override
    Map<String, String> environment(String bucket) {
        return server.environment(bucket, PREFIX);
    }

    @Override
    boolean honoursConditionalWrites() {
        return false;
    }

    @Test
    void refused_credentials_fail_the_deploy_naming_the_bucket_and_the_s3_error_code_and_the_pointer_stays()
            throws Exception {
        String project = newProject();
        deployments().publish(project, "job-1", artifacts("job-1"), T, 1);
        Path dir = artifacts("job-2");
        try (S3Client intruder = S3Clients.builder(settings(BUCKET))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("intruder", "not-the-secret")))
                .build()) {
            Deployments refused = new Deployments(new S3DeployStore(intruder, settings(BUCKET)));

            assertThatThrownBy(() -> refused.publish(project, "job-2", dir, T.plusSeconds(60), 1))
                    .isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("bucket " + BUCKET)
                    .hasMessageContaining("S3 error InvalidAccessKeyId");
        }
        assertThat(activeJob(project)).isEqualTo("job-1");
    }
}
