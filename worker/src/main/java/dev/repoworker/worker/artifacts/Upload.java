package dev.repoworker.worker.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One file to put under {@code key}, with the headers readers get back. */
public record Upload(Path file, String key, String contentType, String cacheControl) {

    public long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
