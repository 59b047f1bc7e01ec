package dev.repoworker.worker.deploy;

import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.artifacts.ObjectStorage;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where deploys live: {@code projects/{projectId}/{jobId}/} and the project's {@code active.json}, on the local
 * disk ({@code ARTIFACT_STORE=local}) or in the bucket ({@code s3}). Ids and paths are checked by {@link Deployments}
 * before they get here. The pointer is replaced by compare-and-set: {@link #replacePointer} succeeds only over the
 * version {@link #readPointer} saw, so two Workers deploying at once never lose an update.
 */
public interface DeployStore {

    /** {@code local} or {@code s3}, for results. */
    String kind();

    /**
     * Makes the deploy's files visible, {@code manifest.json} (already written into {@code artifacts}) last.
     * {@code published}: where the artifact store already published exactly these files, when it did (a store in
     * the same bucket copies them from there server-side instead of uploading them again).
     */
    StoredFiles publishFiles(
            String projectId,
            String jobId,
            Path artifacts,
            Manifest.Content content,
            Optional<StoredArtifacts> published)
            throws IOException;

    /** The active pointer with a version to replace it over; empty when the project has none yet. */
    Optional<VersionedPointer> readPointer(String projectId) throws IOException;

    /**
     * Writes {@code next} if the pointer is still at {@code expected} (empty: still absent).
     *
     * @return false when another deploy changed it in between: read again and decide again
     */
    boolean replacePointer(String projectId, ActivePointer next, Optional<String> expected) throws IOException;

    record VersionedPointer(ActivePointer pointer, String version) {}

    /** What the deploy folder holds, and how many of its content-hashed media were uploaded or found already there. */
    record StoredFiles(int files, long bytes, int mediaUploaded, int mediaReused) {}

    /** The store {@code ARTIFACT_STORE} asks for: under {@code artifactsRoot}, or in the bucket. */
    static DeployStore of(Path artifactsRoot, Optional<ObjectStorage> objectStorage) {
        return objectStorage
                .<DeployStore>map(s3 -> new S3DeployStore(s3.client(), s3.settings()))
                .orElseGet(() -> new LocalDeployStore(artifactsRoot));
    }
}
