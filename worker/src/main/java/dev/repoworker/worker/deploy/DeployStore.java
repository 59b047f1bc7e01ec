package dev.repoworker.worker.deploy;

import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.artifacts.ObjectStorage;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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

    /**
     * The project's deploy folders, complete or not (a local store's staging folders too), never {@code active.json},
     * {@code .lock} or {@code _shared/}.
     */
    List<DeployFolder> folders(String projectId) throws IOException;

    /** Deletes a folder {@link #folders} named, its {@code manifest.json} first. */
    void deleteFolder(String projectId, String folder) throws IOException;

    /**
     * Deletes the project's shared media that no deploy folder holds any more and that were written before
     * {@code before}.
     *
     * @return how many were deleted (always 0 on a store that does not share media)
     */
    int pruneSharedMedia(String projectId, Instant before) throws IOException;

    record VersionedPointer(ActivePointer pointer, String version) {}

    /**
     * {@code published}: when its {@code manifest.json} was written, empty while it has none (in flight, or left by a
     * deploy that stopped); {@code changed}: when anything in it was last written.
     */
    record DeployFolder(String name, Optional<Instant> published, Instant changed) {}

    /** What the deploy folder holds, and how many of its content-hashed media were uploaded or found already there. */
    record StoredFiles(int files, long bytes, int mediaUploaded, int mediaReused) {}

    /** The store {@code ARTIFACT_STORE} asks for: under {@code artifactsRoot}, or in the bucket. */
    static DeployStore of(Path artifactsRoot, Optional<ObjectStorage> objectStorage) {
        return objectStorage
                .<DeployStore>map(s3 -> new S3DeployStore(s3.client(), s3.settings()))
                .orElseGet(() -> new LocalDeployStore(artifactsRoot));
    }
}
