package dev.repoworker.api.artifacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Artifacts under {@code ARTIFACTS_DIR/{jobId}/}, read through {@link ArtifactFiles}' checks. */
public final class LocalArtifactReader implements ArtifactReader {

    private final ArtifactFiles files;

    public LocalArtifactReader(ArtifactFiles files) {
        this.files = files;
    }

    @Override
    public List<Artifact> list(String jobId) {
        return files.list(jobId);
    }

    @Override
    public Optional<Content> open(String jobId, String path) throws IOException {
        Optional<Path> file = files.find(jobId, path);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Content(
                Files.newInputStream(file.get()),
                Files.size(file.get()),
                ArtifactFiles.contentType(file.get().getFileName().toString())));
    }

    @Override
    public String describe() {
        return "ARTIFACTS_DIR=" + files.root();
    }
}
