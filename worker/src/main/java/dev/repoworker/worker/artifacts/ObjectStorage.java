package dev.repoworker.worker.artifacts;

import dev.repoworker.objectstore.S3Settings;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bucket of {@code ARTIFACT_STORE=s3} and the one client that serves both the job artifacts and the deploys;
 * whoever builds it closes it when the Worker stops.
 */
public record ObjectStorage(S3Client client, S3Settings settings) implements AutoCloseable {

    @Override
    public void close() {
        client.close();
    }
}
