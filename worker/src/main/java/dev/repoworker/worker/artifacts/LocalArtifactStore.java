package dev.repoworker.worker.artifacts;

import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts in a local directory ({@code ARTIFACTS_DIR}): a job's files live in {@code <root>/{jobId}/}
 * and the manifest is reported as {@code artifacts/{jobId}/manifest.json}, relative to the store.
 */
public final class LocalArtifactStore implements ArtifactStore {

    private static final Logger LOG = LoggerFactory.getLogger(LocalArtifactStore.class);

    private final Path root;

    public LocalArtifactStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public String kind() {
        return "local";
    }

    /** The directory of a job's artifacts (job ids are validated on admission; checked again here). */
    public Path directory(String jobId) {
        Path dir = root.resolve(jobId).normalize();
        if (!dir.getParent().equals(root) || jobId.isBlank() || jobId.startsWith(".")) {
            throw new IllegalArgumentException("job id is not usable as a folder name");
        }
        return dir;
    }

    @Override
    public Path open(String jobId) throws IOException {
        Path dir = directory(jobId);
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Workspaces.deleteTree(dir);
        }
        Files.createDirectories(dir);
        return dir;
    }

    @Override
    public StoredArtifacts publish(String jobId, Path directory) throws IOException {
        Manifest.Content content = Manifest.write(directory);
        return new StoredArtifacts(
                kind(), "artifacts/" + jobId + "/" + Manifest.FILE_NAME, content.files(), content.totalBytes());
    }

    @Override
    public void discard(String jobId) {
        try {
            Path dir = directory(jobId);
            if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Workspaces.deleteTree(dir);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the artifacts of job {}: {}", jobId, e.toString());
        }
    }
}
