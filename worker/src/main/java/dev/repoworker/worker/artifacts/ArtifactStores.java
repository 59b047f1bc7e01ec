package dev.repoworker.worker.artifacts;

import java.util.Optional;

/** The artifact store a configuration asks for: {@code ARTIFACT_STORE=local} (default) or {@code s3}. */
public final class ArtifactStores {

    private ArtifactStores() {}

    /** No object storage: the store is {@code local} itself; else the bucket, staged in {@code local}. */
    public static ArtifactStore of(LocalArtifactStore local, Optional<ObjectStorage> objectStorage) {
        return objectStorage
                .<ArtifactStore>map(s3 -> new S3ArtifactStore(local, s3.client(), s3.settings()))
                .orElse(local);
    }
}
