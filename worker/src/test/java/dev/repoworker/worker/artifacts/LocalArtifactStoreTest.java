package dev.repoworker.worker.artifacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactStoreTest extends ArtifactStoreContract {

    @TempDir
    Path temp;

    private LocalArtifactStore store;

    @BeforeEach
    void createStore() {
        store = new LocalArtifactStore(temp.resolve("artifacts"));
    }

    @Override
    ArtifactStore store() {
        return store;
    }

    @Override
    Optional<byte[]> read(String jobId, String path) throws IOException {
        Path file = store.directory(jobId).resolve(path);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    List<String> paths(String jobId) throws IOException {
        Path dir = store.directory(jobId);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> dir.relativize(f).toString())
                    .toList();
        }
    }
}
