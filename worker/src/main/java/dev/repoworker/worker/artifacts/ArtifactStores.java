package dev.repoworker.worker.artifacts;

import dev.repoworker.objectstore.S3Clients;
import dev.repoworker.worker.WorkerConfig;

/** The artifact store a configuration asks for: {@code ARTIFACT_STORE=local} (default) or {@code s3}. */
public final class ArtifactStores {

    private ArtifactStores() {
    }

    /** {@code local}: the store is {@code local} itself; {@code s3}: the bucket, staged in {@code local}. */
    public static ArtifactStore fromConfig(WorkerConfig config, LocalArtifactStore local) {
        return config.s3Artifacts()
                .<ArtifactStore>map(s3 -> new S3ArtifactStore(local, S3Clients.create(s3), s3))
                .orElse(local);
    }
}
